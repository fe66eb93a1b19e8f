/** Runs `taza` as a real child process (through tsx, no build needed) and exposes its log events. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TazaProcess {
  child: ChildProcess;
  events: Array<Record<string, unknown>>;
  stdout: string[];
  /** stderr lines that are not JSON log events (a configuration error, a crash). */
  stderrText: string[];
  /** Resolves with the first event (past or future) that satisfies the predicate. */
  waitForEvent(predicate: (event: Record<string, unknown>) => boolean, what?: string): Promise<Record<string, unknown>>;
  /** Resolves once `count` events satisfy the predicate. */
  waitForEvents(predicate: (event: Record<string, unknown>) => boolean, count: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Writes `subscriptions` to `dir`/taza.config.json and returns the environment of a `taza run` on it: its data in
 * `dir`/data, polling the local test feeds (loopback allowed) as often as it may.
 */
export function localRunEnv(dir: string, subscriptions: unknown[]): Record<string, string> {
  const configFile = join(dir, 'taza.config.json');
  writeFileSync(configFile, JSON.stringify({ subscriptions }));
  return {
    DATA_DIR: join(dir, 'data'),
    TAZA_CONFIG: configFile,
    POLL_INTERVAL: '1s',
    MIN_POLL_INTERVAL: '1s',
    PER_HOST_GAP: '0',
    ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
  };
}

export function runTaza(args: string[], env: Record<string, string>): TazaProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'debug',
      PRETTY_LOGS: 'false',
      HTTP_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, unknown>> = [];
  const stdout: string[] = [];
  const waiters = new Set<() => void>();
  const stderrText: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      stderrText.push(line);
    }
    for (const waiter of waiters) waiter();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  const exited = once(child, 'exit');
  const waitForEvents = (predicate: (e: Record<string, unknown>) => boolean, count: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (events.filter(predicate).length >= count) {
          waiters.delete(check);
          resolve();
        }
      };
      waiters.add(check);
      check();
      void exited.then(() => {
        if (waiters.has(check))
          reject(new Error(`taza exited before the awaited event; stderr: ${stderrText.join('\n')}`));
      });
    });
  return {
    child,
    events,
    stdout,
    stderrText,
    waitForEvents,
    async waitForEvent(predicate) {
      await waitForEvents(predicate, 1);
      return events.find(predicate)!;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}
