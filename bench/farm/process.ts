import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { HostileFeedStats } from './hostile.js';
import type { FarmItem, FarmRequestRecord, FarmStats } from './index.js';

export interface FarmProcess {
  port: number;
  control: string;
  urls: string[];
  pid: number;
  stats(): Promise<FarmStats>;
  timeline(): Promise<FarmRequestRecord[]>;
  resetStats(): Promise<void>;
  /** Publishes a new item at the top of a feed; `publishedAt` comes back as an ISO string. */
  publish(
    feed: number,
    item?: Partial<Pick<FarmItem, 'title' | 'link' | 'id'>>,
  ): Promise<Omit<FarmItem, 'publishedAt'> & { publishedAt: string }>;
  /** Publishes `delayMs` after the feed's next request is answered (or `maxWaitMs` without one); resolves once published. */
  publishAfterNextRequest(
    feed: number,
    delayMs: number,
    maxWaitMs: number,
    item?: Partial<Pick<FarmItem, 'title' | 'link' | 'id'>>,
  ): Promise<Omit<FarmItem, 'publishedAt'> & { publishedAt: string }>;
  stop(): Promise<void>;
}

/** Starts serve.ts as a child process, so the farm's own CPU and memory are not counted against the client. */
export async function spawnFarm(feeds: number, hosts: number): Promise<FarmProcess> {
  const serve = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', serve, '--feeds', String(feeds), '--hosts', String(hosts)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const info = JSON.parse(line) as { port: number; control: string };
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${info.control}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`farm ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    ...info,
    pid: child.pid!,
    urls: (await call('GET', '/urls')) as string[],
    stats: async () => (await call('GET', '/stats')) as FarmStats,
    timeline: async () => (await call('GET', '/timeline')) as FarmRequestRecord[],
    publish: async (feed, item) =>
      (await call('POST', `/publish?feed=${feed}`, item ?? {})) as Omit<FarmItem, 'publishedAt'> & {
        publishedAt: string;
      },
    publishAfterNextRequest: async (feed, delayMs, maxWaitMs, item) =>
      (await call(
        'POST',
        `/publish?feed=${feed}&afterNextRequestMs=${Math.round(delayMs)}&maxWaitMs=${Math.round(maxWaitMs)}`,
        item ?? {},
      )) as Omit<FarmItem, 'publishedAt'> & { publishedAt: string },
    resetStats: async () => {
      await call('POST', '/reset-stats');
    },
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

export interface HostileFarmProcess {
  port: number;
  control: string;
  feeds: Array<{ key: string; label: string; url: string }>;
  pid: number;
  stats(): Promise<HostileFeedStats[]>;
  stop(): Promise<void>;
}

/** Starts hostile-serve.ts as a child process: its bodies (about 45 MB, one copy each) stay out of the bench's heap. */
export async function spawnHostileFarm(kinds?: string[]): Promise<HostileFarmProcess> {
  const serve = fileURLToPath(new URL('./hostile-serve.ts', import.meta.url));
  const only = kinds === undefined ? [] : ['--only', kinds.join(',')];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', serve, ...only], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const info = JSON.parse(line) as { port: number; control: string; feeds: HostileFarmProcess['feeds'] };
  return {
    ...info,
    pid: child.pid!,
    stats: async () => {
      const response = await fetch(`${info.control}/stats`);
      if (!response.ok) throw new Error(`hostile farm GET /stats: ${response.status}`);
      return (await response.json()) as HostileFeedStats[];
    },
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
