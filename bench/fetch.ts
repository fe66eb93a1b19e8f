/**
 * Fetch benchmark: 1,000 feeds of ~18 KB over 250 loopback hosts (a farm in a child process), polled by Taza's
 * fetcher through the HostLimiter, then by rss-feed-emitter (in another child process) for comparison.
 * Concurrency: 16 global, 1 per host, per-host gap 0 (the gap is politeness over minutes, not within one
 * benchmark cycle; with a 1 s gap a 4-feeds-per-host cycle would be bounded by the gap, not by the fetcher).
 * Taza's side runs the compiled code in its own process (bench/fetch-taza.mjs): build first (npm run build).
 * Run: npx tsx bench/fetch.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnFarm, type FarmProcess } from './farm/process.js';

const FEEDS = 1000;
const HOSTS = 250;
// Ten unchanged cycles after the first: the first steady cycles still pay for JIT warm-up and for collecting the
// first cycle's parse garbage, which is not what a bot polling for days spends per check.
const STEADY_CYCLES = 10;
const EMITTER_REFRESH_MS = 15_000;

/** Taza's fetch stage in its own process (bench/fetch-taza.mjs, compiled code): its CPU and memory alone. */
async function benchTaza(farm: FarmProcess): Promise<Record<string, number>> {
  const script = fileURLToPath(new URL('./fetch-taza.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, String(STEADY_CYCLES)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const nextLine = async (): Promise<Record<string, number>> =>
    JSON.parse(((await once(lines, 'line')) as [string])[0]) as Record<string, number>;
  child.stdin.write(`${JSON.stringify(farm.urls)}\n`);
  await nextLine();
  await farm.resetStats();
  child.stdin.write('go\n');
  const figures = await nextLine();
  child.stdin.end();
  if (child.exitCode === null) await once(child, 'exit');
  const farmStats = await farm.stats();
  return {
    tazaFirstCycleSeconds: figures.firstCycleSeconds!,
    tazaFirstCycleCpuMsPerCheck: figures.firstCycleCpuMsPerCheck!,
    tazaCpuMsPerUnchangedCheck: figures.cpuMsPerUnchangedCheck!,
    tazaBodyBytesPerUnchangedCheck: figures.bodyBytesPerUnchangedCheck!,
    tazaFarmBytesSentPerSteadyCheck: farmStats.bytesSent / farmStats.requests,
    tazaSteadyCycleSeconds: figures.steadyCycleSeconds!,
    tazaChecksPerSecond: figures.checksPerSecond!,
    tazaErrors: figures.errors!,
    tazaMaxInFlightPerHost: farmStats.maxInFlightPerHost,
    tazaRssMb: figures.peakRssMb!,
  };
}

async function waitForRequests(farm: FarmProcess, count: number): Promise<void> {
  // Polling the farm's counter is measurement plumbing, not test synchronisation.
  while ((await farm.stats()).requests < count) await new Promise((resolve) => setTimeout(resolve, 200));
}

async function benchEmitter(farm: FarmProcess): Promise<Record<string, number>> {
  const script = fileURLToPath(new URL('./farm/emitter-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(EMITTER_REFRESH_MS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const nextLine = async (): Promise<Record<string, number>> =>
    JSON.parse(((await once(lines, 'line')) as [string])[0]) as Record<string, number>;
  try {
    await farm.resetStats();
    child.stdin.write(`${JSON.stringify(farm.urls)}\n`);
    await nextLine();
    await waitForRequests(farm, FEEDS); // its first load
    await new Promise((resolve) => setTimeout(resolve, 3000)); // let it finish parsing the first load
    child.stdin.write('snapshot\n');
    const before = await nextLine();
    await farm.resetStats();
    await waitForRequests(farm, FEEDS); // one steady cycle (nothing changed)
    await new Promise((resolve) => setTimeout(resolve, 3000));
    child.stdin.write('snapshot\n');
    const after = await nextLine();
    const stats = await farm.stats();
    return {
      emitterCpuMsPerCheck: (after.cpuMs! - before.cpuMs!) / stats.requests,
      emitterBytesPerCheck: stats.bytesSent / stats.requests,
      emitterRssMb: after.rssMb!,
    };
  } finally {
    child.stdin.write('stop\n');
    if (child.exitCode === null) await once(child, 'exit');
  }
}

export async function runFetchBench(): Promise<Record<string, number>> {
  const farm = await spawnFarm(FEEDS, HOSTS);
  try {
    const taza = await benchTaza(farm);
    const emitter = await benchEmitter(farm);
    return {
      ...taza,
      ...emitter,
      cpuRatioEmitterOverTaza: emitter.emitterCpuMsPerCheck! / taza.tazaCpuMsPerUnchangedCheck!,
      bytesRatioEmitterOverTaza: emitter.emitterBytesPerCheck! / Math.max(taza.tazaFarmBytesSentPerSteadyCheck!, 1),
      rssRatioEmitterOverTaza: emitter.emitterRssMb! / taza.tazaRssMb!,
    };
  } finally {
    await farm.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runFetchBench();
  for (const [name, value] of Object.entries(figures))
    console.log(`${name.padEnd(36)} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
  console.log('targets: < 0.4 ms CPU per unchanged check, 0 body bytes, 1,000 feeds < 10 s, < 150 MB RSS');
}
