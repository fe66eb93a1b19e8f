import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FarmStats } from './index.js';

export interface FarmProcess {
  port: number;
  control: string;
  urls: string[];
  stats(): Promise<FarmStats>;
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts serve.ts as a child process, so the farm's own CPU and memory are not counted against the client. */
export async function spawnFarm(feeds: number, hosts: number): Promise<FarmProcess> {
  const serve = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', serve, '--feeds', String(feeds), '--hosts', String(hosts)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const info = JSON.parse(line) as { port: number; control: string };
  const call = async (method: string, path: string): Promise<unknown> => (await fetch(`${info.control}${path}`, { method })).json();
  return {
    ...info,
    urls: (await call('GET', '/urls')) as string[],
    stats: async () => (await call('GET', '/stats')) as FarmStats,
    resetStats: async () => {
      await call('POST', '/reset-stats');
    },
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
