/** Starts the peer runner (emitter-runner.mjs) as its own plain-node process and collects what it reports. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type PeerEvent =
  | { type: 'started'; at: number }
  | { type: 'cycle'; fetched: number; at: number }
  | { type: 'new-item'; guid?: string; link?: string; title: string; at: number }
  | { type: 'status'; fetched: number; newItems: number; errors: number; at: number };

export interface PeerRun {
  child: ChildProcess;
  pid: number;
  spawnedAt: number;
  events: PeerEvent[];
  /** Starts polling these feeds. */
  add(urls: string[]): void;
  /** Resolves with the first event (already seen or to come) that satisfies the predicate, or undefined on timeout. */
  waitFor<T extends PeerEvent>(predicate: (event: PeerEvent) => event is T, timeoutMs: number): Promise<T | undefined>;
  status(): Promise<Extract<PeerEvent, { type: 'status' }>>;
  /** The last lines it wrote on stderr (rss-feed-emitter prints every fetch error there). */
  stderrTail: string[];
  stop(): Promise<void>;
}

const RUNNER = fileURLToPath(new URL('./emitter-runner.mjs', import.meta.url));

/** skipFirstLoad: no events for the first load's items, and (rss-feed-emitter 3.2.4) none afterwards either. */
export function startPeer(refreshMs: number, keyword: string, options: { skipFirstLoad?: boolean } = {}): PeerRun {
  const spawnedAt = Date.now();
  const child = spawn(
    process.execPath,
    [RUNNER, String(refreshMs), keyword, ...(options.skipFirstLoad ? ['skip-first-load'] : [])],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: PeerEvent[] = [];
  const listeners = new Set<() => void>();
  const stderrTail: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as PeerEvent);
    for (const listener of listeners) listener();
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const exited = once(child, 'exit');

  const waitFor = <T extends PeerEvent>(
    predicate: (event: PeerEvent) => event is T,
    timeoutMs: number,
    from = 0,
  ): Promise<T | undefined> =>
    new Promise((resolve) => {
      const check = () => {
        const found = events.slice(from).find(predicate);
        if (found) {
          finish();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        finish();
        resolve(undefined);
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then(() => {
        if (!listeners.has(check)) return;
        finish();
        resolve(undefined);
      });
      check();
    });

  return {
    child,
    pid: child.pid!,
    spawnedAt,
    events,
    stderrTail,
    add(urls) {
      child.stdin!.write(`${JSON.stringify(urls)}\n`);
    },
    waitFor: (predicate, timeoutMs) => waitFor(predicate, timeoutMs),
    async status() {
      const from = events.length;
      child.stdin!.write('status\n');
      const answer = await waitFor(
        (event): event is Extract<PeerEvent, { type: 'status' }> => event.type === 'status',
        30_000,
        from,
      );
      if (!answer) throw new Error('the peer did not answer "status" within 30 s');
      return answer;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.write('stop\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
