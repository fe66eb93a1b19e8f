// The Taza side of the fetch benchmark, in its own process running the compiled code (dist/), as production
// does: no TypeScript loader and no benchmark harness in its CPU or memory. Reads the feed URLs as one JSON
// line on stdin, polls them (a first cycle, then unchanged cycles) and prints one JSON line of figures.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { createInterface } from 'node:readline';
import { createFetcher, createNetworkPolicy } from '../dist/src/fetcher/index.js';
import { identifyItems } from '../dist/src/identify/index.js';
import { parseFeed } from '../dist/src/parser/index.js';
import { HostLimiter } from '../dist/src/scheduler/host-limiter.js';

const STEADY_CYCLES = Number(process.argv[2] ?? 3);
const [line] = await once(createInterface({ input: process.stdin }), 'line');
const urls = JSON.parse(line);
const fetcher = createFetcher({ userAgent: 'Taza/bench', networkPolicy: createNetworkPolicy(['127.0.0.0/8']) });
// 16 in flight in all, 1 per host, no gap: the gap is politeness over minutes, not within one cycle.
const limiter = new HostLimiter({ globalConcurrency: 16, perHostConcurrency: 1, perHostGapMs: 0 });
const validators = new Map();
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

async function cycle() {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const figures = { unchanged: 0, unchangedBytes: 0, errors: 0 };
  await Promise.all(
    urls.map((url) =>
      limiter
        .run(url, () => fetcher({ url, validators: validators.get(url) }))
        .then(
          (result) => {
            if (result.validators) validators.set(url, result.validators);
            if (result.kind === 'not-modified') {
              figures.unchanged += 1;
              figures.unchangedBytes += result.bytes;
            } else identifyItems(parseFeed(result.body, result.contentType, { baseUrl: result.finalUrl }).items);
          },
          () => (figures.errors += 1),
        ),
    ),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { ...figures, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - started };
}

const first = await cycle();
process.stdout.write(`${JSON.stringify({ phase: 'first-done' })}\n`);
await once(createInterface({ input: process.stdin }), 'line'); // the parent reset the farm's counters
const steady = [];
for (let i = 0; i < STEADY_CYCLES; i += 1) steady.push(await cycle());
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const sum = (key) => steady.reduce((total, figures) => total + figures[key], 0);
process.stdout.write(
  `${JSON.stringify({
    firstCycleSeconds: first.wallMs / 1000,
    firstCycleCpuMsPerCheck: first.cpuMs / urls.length,
    cpuMsPerUnchangedCheck: sum('cpuMs') / sum('unchanged'),
    bodyBytesPerUnchangedCheck: sum('unchangedBytes') / sum('unchanged'),
    steadyCycleSeconds: sum('wallMs') / STEADY_CYCLES / 1000,
    checksPerSecond: sum('unchanged') / (sum('wallMs') / 1000),
    errors: first.errors + sum('errors'),
    peakRssMb: peakRss / 1024 / 1024,
  })}\n`,
);
