/**
 * Fetch benchmark: 1,000 feeds of ~18 KB over 250 loopback hosts (a farm in a child process), polled by Taza's
 * fetcher through the HostLimiter, then by rss-feed-emitter (in another child process) for comparison.
 * Concurrency: 16 global, 1 per host, per-host gap 0 (the gap is politeness over minutes, not within one
 * benchmark cycle; with a 1 s gap a 4-feeds-per-host cycle would be bounded by the gap, not by the fetcher).
 * Run: npx tsx bench/fetch.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createFetcher, createNetworkPolicy, type FetchResult, type Validators } from '../src/fetcher/index.js';
import { identifyItems } from '../src/identify/index.js';
import { parseFeed } from '../src/parser/index.js';
import { HostLimiter } from '../src/scheduler/host-limiter.js';
import { spawnFarm, type FarmProcess } from './farm/process.js';

const FEEDS = 1000;
const HOSTS = 250;
const STEADY_CYCLES = 3;
const EMITTER_REFRESH_MS = 15_000;

interface CycleFigures {
  cpuMs: number;
  wallMs: number;
  unchanged: number;
  unchangedBytes: number;
  errors: number;
}

async function benchTaza(farm: FarmProcess): Promise<Record<string, number>> {
  const fetcher = createFetcher({ userAgent: 'Taza/bench', networkPolicy: createNetworkPolicy(['127.0.0.0/8']) });
  const limiter = new HostLimiter({ globalConcurrency: 16, perHostConcurrency: 1, perHostGapMs: 0 });
  const validators = new Map<string, Validators>();

  async function cycle(): Promise<CycleFigures> {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const figures: CycleFigures = { cpuMs: 0, wallMs: 0, unchanged: 0, unchangedBytes: 0, errors: 0 };
    await Promise.all(
      farm.urls.map((url) =>
        limiter
          .run(url, () => fetcher({ url, validators: validators.get(url) }))
          .then((result: FetchResult) => {
            if (result.validators) validators.set(url, result.validators);
            if (result.kind === 'not-modified') {
              figures.unchanged += 1;
              figures.unchangedBytes += result.bytes;
            } else {
              identifyItems(parseFeed(result.body, result.contentType, { baseUrl: result.finalUrl }).items);
            }
          }, () => {
            figures.errors += 1;
          }),
      ),
    );
    const cpu = process.cpuUsage(cpuBefore);
    figures.cpuMs = (cpu.user + cpu.system) / 1000;
    figures.wallMs = performance.now() - started;
    return figures;
  }

  const first = await cycle();
  await farm.resetStats();
  const steady: CycleFigures[] = [];
  for (let i = 0; i < STEADY_CYCLES; i += 1) steady.push(await cycle());
  const farmStats = await farm.stats();
  const checks = steady.reduce((sum, figures) => sum + figures.unchanged, 0);
  const cpuMs = steady.reduce((sum, figures) => sum + figures.cpuMs, 0);
  const wallMs = steady.reduce((sum, figures) => sum + figures.wallMs, 0);
  return {
    tazaFirstCycleSeconds: first.wallMs / 1000,
    tazaFirstCycleCpuMsPerCheck: first.cpuMs / FEEDS,
    tazaCpuMsPerUnchangedCheck: cpuMs / checks,
    tazaBodyBytesPerUnchangedCheck: steady.reduce((sum, figures) => sum + figures.unchangedBytes, 0) / checks,
    tazaFarmBytesSentPerSteadyCheck: farmStats.bytesSent / farmStats.requests,
    tazaSteadyCycleSeconds: wallMs / STEADY_CYCLES / 1000,
    tazaChecksPerSecond: checks / (wallMs / 1000),
    tazaErrors: first.errors + steady.reduce((sum, figures) => sum + figures.errors, 0),
    tazaMaxInFlightPerHost: farmStats.maxInFlightPerHost,
    tazaRssMb: process.memoryUsage().rss / 1024 / 1024,
  };
}

async function waitForRequests(farm: FarmProcess, count: number): Promise<void> {
  // Polling the farm's counter is measurement plumbing, not test synchronisation.
  while ((await farm.stats()).requests < count) await new Promise((resolve) => setTimeout(resolve, 200));
}

async function benchEmitter(farm: FarmProcess): Promise<Record<string, number>> {
  const script = fileURLToPath(new URL('./farm/emitter-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(EMITTER_REFRESH_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const nextLine = async (): Promise<Record<string, number>> => JSON.parse(((await once(lines, 'line')) as [string])[0]) as Record<string, number>;
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
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(36)} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
  console.log('targets: < 0.4 ms CPU per unchanged check, 0 body bytes, 1,000 feeds < 10 s, < 150 MB RSS');
}
