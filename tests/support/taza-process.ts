/** Runs `taza` as a real child process (through tsx, no build needed) and exposes its log events. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
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
