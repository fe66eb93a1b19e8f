/** Reads the configuration from `.env` and the environment, and says exactly what is wrong when it is not valid. */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { configSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The environment wins over `.env`, as in every twelve-factor tool. */
function readEnvironment(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Record<string, string> {
  const merged: Record<string, string> = {};
  if (existsSync(envFile)) Object.assign(merged, parseEnv(readFileSync(envFile, 'utf8')));
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}

export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((key) =>
      env[key] === undefined || env[key] === '' ? [] : [[key, env[key]]],
    ),
  );
  const result = configSchema.safeParse(known);
  if (result.success) {
    const config = result.data;
    if (config.MIN_POLL_INTERVAL > config.POLL_INTERVAL) {
      throw new ConfigError(
        `POLL_INTERVAL=${env.POLL_INTERVAL ?? '5m'} is shorter than MIN_POLL_INTERVAL=${env.MIN_POLL_INTERVAL ?? '1m'}: expected POLL_INTERVAL ≥ MIN_POLL_INTERVAL`,
      );
    }
    return config;
  }
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0]);
  const value = known[name];
  const shown = /TOKEN/.test(name) ? '(hidden)' : JSON.stringify(value);
  throw new ConfigError(`${name}=${shown} is not valid: expected ${issue.message}`);
}
