/**
 * rss-feed-emitter polling the farm, in its own process so its CPU and memory are measured apart from Taza's.
 * Args: refresh ms, then feed URLs on stdin (JSON array). Prints one JSON line per cycle boundary when asked on
 * stdin ("snapshot\n"): { cpuMs, rssMb }.
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

interface Emitter {
  add(config: { url: string[]; refresh: number }): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
  destroy(): void;
}

const require = createRequire(import.meta.url);
const RssFeedEmitter = require('rss-feed-emitter') as new (options: { skipFirstLoad: boolean }) => Emitter;
const refresh = Number(process.argv[2] ?? '20000');
const lines = createInterface({ input: process.stdin });
let emitter: Emitter | undefined;

lines.on('line', (line) => {
  if (line.startsWith('[')) {
    emitter = new RssFeedEmitter({ skipFirstLoad: true });
    emitter.on('error', () => undefined);
    emitter.add({ url: JSON.parse(line) as string[], refresh });
    process.stdout.write('{"started":true}\n');
  } else if (line === 'snapshot') {
    const cpu = process.cpuUsage();
    process.stdout.write(
      `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.memoryUsage().rss / 1024 / 1024 })}\n`,
    );
  } else if (line === 'stop') {
    emitter?.destroy();
    process.exit(0);
  }
});
