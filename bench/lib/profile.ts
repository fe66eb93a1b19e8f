/**
 * Profiles Taza in the steady state: a real `taza run` under `node --cpu-prof` polling the farm (1,000 feeds over
 * 250 hosts by default) for a while after its baseline cycle, then a summary of where the CPU went, and the resident
 * memory at the first cycle's end and in the steady window.
 *   npx tsx bench/lib/profile.ts [--feeds 1000] [--hosts 250] [--interval 30s] [--seconds 60] [--dir /tmp/taza-prof] [--no-prof] [--main path]
 * Build first (npm run build). The .cpuprofile opens in Chrome DevTools or speedscope for a closer look.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnFarm } from '../farm/process.js';
import { summariseProfile } from './cpuprofile.js';
import { ProcessSampler, threadCpuMs } from './proc.js';
import { pause } from './stats.js';
import { startTaza } from './taza.js';
import { KEYWORD } from './workload.js';

const { values } = parseArgs({
  options: {
    feeds: { type: 'string', default: '1000' },
    hosts: { type: 'string', default: '250' },
    interval: { type: 'string', default: '30s' },
    seconds: { type: 'string', default: '60' },
    dir: { type: 'string', default: '/tmp/taza-prof' },
    top: { type: 'string', default: '25' },
    // Without the profiler (its sampling thread and the main thread's sampling cost inflate CPU figures).
    'no-prof': { type: 'boolean', default: false },
    // Analyse the whole profile (start-up and the baseline cycle too), not only the steady window.
    whole: { type: 'boolean', default: false },
    // Another build's dist/src/cli/main.js, to try a change against the same workload.
    main: { type: 'string' },
  },
});
const feeds = Number(values.feeds);
rmSync(values.dir, { recursive: true, force: true });
mkdirSync(values.dir, { recursive: true });

const farm = await spawnFarm(feeds, Number(values.hosts));
const taza = startTaza({
  subscriptions: farm.urls.map((feed) => ({ feed, keywords: KEYWORD, to: 'console' })),
  env: { POLL_INTERVAL: values.interval, MIN_POLL_INTERVAL: '1s' },
  main: values.main,
  nodeArgs: [
    ...(process.env.TAZA_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ...(values['no-prof'] ? [] : ['--cpu-prof', `--cpu-prof-dir=${values.dir}`]),
  ],
  keep: () => false,
});
const sampler = new ProcessSampler(taza.pid);
try {
  await taza.waitForCount('feed.baseline', feeds, 300_000);
  // The first cycle's peak apart from the steady window's: parse garbage makes most of a run's peak.
  await pause(500);
  console.log(
    `first cycle: RSS ${sampler.last?.rssMb.toFixed(0)} MB at its end (peak so far ${sampler.last?.peakRssMb.toFixed(0)})`,
  );
  const from = Date.now();
  await farm.resetStats();
  const threadsBefore = threadCpuMs(taza.pid);
  await pause(Number(values.seconds) * 1000);
  const stats = await farm.stats();
  const cpuMs = sampler.cpuBetween(from, Date.now());
  const threadsAfter = threadCpuMs(taza.pid);
  const byThread = [...threadsAfter.entries()].map(
    ([name, ms]) => `${name} ${(ms - (threadsBefore.get(name) ?? 0)).toFixed(0)} ms`,
  );
  console.log(`CPU by thread in the steady window: ${byThread.join(', ')}`);
  console.log(
    `steady: ${stats.requests} checks in ${values.seconds} s, ${cpuMs.toFixed(0)} ms CPU, ${(cpuMs / stats.requests).toFixed(3)} ms per check, RSS ${sampler.last?.rssMb.toFixed(0)} MB (peak ${sampler.last?.peakRssMb.toFixed(0)})`,
  );
} finally {
  sampler.stop();
  await taza.stop();
  await farm.stop();
}

// Self time per function and per package/file, over the steady window only: the last --seconds of samples
// (the profile also holds start-up and the baseline cycle; stopping takes a few ms).
const file = readdirSync(values.dir).find((name) => name.endsWith('.cpuprofile'));
if (!file) process.exit(0);
console.log(
  `\n${summariseProfile(join(values.dir, file), {
    windowS: values.whole ? undefined : Number(values.seconds),
    top: Number(values.top),
  })}`,
);
