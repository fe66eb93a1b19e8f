/** ALIASES_FILE: the self-hoster's extra keyword aliases, merged with the shipped table before any query is read. */
import { loadAliases, useAliases } from '../matcher/index.js';
import { ConfigError } from './load.js';
import type { Config } from './schema.js';

export function applyAliasesFile(config: Config): void {
  if (!config.ALIASES_FILE) return;
  try {
    useAliases(loadAliases(config.ALIASES_FILE));
  } catch (error) {
    throw new ConfigError(
      `ALIASES_FILE=${JSON.stringify(config.ALIASES_FILE)} is not valid: ${(error as Error).message}`,
    );
  }
}
