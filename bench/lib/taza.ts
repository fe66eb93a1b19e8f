/**
 * Taza as a real `taza run` process from the build (dist/), as a self-hoster runs it: no tsx in the measured
 * process. Log events (JSON lines on stderr) are kept with their own `time`, so moments come from Taza's clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist/src/cli/main.js');

export type LogEvent = Record<string, unknown> & { event?: string; time?: number };

export interface TazaRun {
  child: ChildProcess;
  pid: number;
  /** ms epoch just before the process was spawned. */
  spawnedAt: number;
  dataDir: string;
  /** Events kept (those `keep` accepts). */
  events: LogEvent[];
  /** Count of every event by name, kept or not. */
  counts: Map<string, number>;
  /** Lines on stderr that are not JSON (a crash, a configuration error). */
  errors: string[];
  /** Resolves when `count` events named `event` have been seen (kept or not); rejects on exit or timeout. */
  waitForCount(event: string, count: number, timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
}

export interface TazaSubscription {
  feed: string;
  keywords: string;
  to: string;
}

export interface TazaRunOptions {
  subscriptions: TazaSubscription[];
  env: Record<string, string>;
  /** Which events to keep in memory (all are counted). */
  keep?: (event: LogEvent) => boolean;
  /** An existing data directory (a restart); by default a fresh one, removed on stop. */
  dataDir?: string;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] to profile a run. */
  nodeArgs?: string[];
  /** Another build's main.js, to measure an experiment against the same workload (default: dist/ of this tree). */
  main?: string;
}

export function startTaza(options: TazaRunOptions): TazaRun {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'taza-bench-'));
  const configFile = join(dataDir, 'taza.config.json');
  writeFileSync(configFile, JSON.stringify({ subscriptions: options.subscriptions }));
  const keep = options.keep ?? (() => true);
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.main ?? MAIN, 'run'], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'info',
      PRETTY_LOGS: 'false',
      HTTP_PORT: '0',
      ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      DIGEST_THRESHOLD: '0',
      DATA_DIR: join(dataDir, 'data'),
      TAZA_CONFIG: configFile,
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const events: LogEvent[] = [];
  const counts = new Map<string, number>();
  const errors: string[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stderr! }).on('line', (line) => {
    let event: LogEvent;
    try {
      event = JSON.parse(line) as LogEvent;
    } catch {
      errors.push(line);
      return;
    }
    const name = String(event.event ?? '');
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (keep(event)) events.push(event);
    if (Number(event.level) >= 50) errors.push(line.slice(0, 500));
    for (const listener of listeners) listener();
  });
  const exited = once(child, 'exit');

  return {
    child,
    pid: child.pid!,
    spawnedAt,
    dataDir,
    events,
    counts,
    errors,
    waitForCount(event, count, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if ((counts.get(event) ?? 0) >= count) {
            finish();
            resolve(Date.now());
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(
              `taza: ${counts.get(event) ?? 0} of ${count} '${event}' events after ${timeoutMs} ms; errors: ${errors.slice(-5).join(' | ')}`,
            ),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(() => {
          if (!listeners.has(check)) return;
          finish();
          reject(
            new Error(
              `taza exited (code ${child.exitCode}) before ${count} '${event}' events: ${errors.slice(-5).join(' | ')}`,
            ),
          );
        });
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
