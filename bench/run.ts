/**
 * The benchmark suite (`npm run bench`): builds once, then runs one measurement at a time (the machine has two
 * cores), Taza and the peer (rss-feed-emitter) each in its own process against the same local feed farm, and prints
 * one table of Taza, peer, ratio, target and result. Writes bench/results/latest.json with the machine it ran on.
 *
 *   npm run bench                      the whole suite (about 17 minutes)
 *   npm run bench -- --quick           a smoke run: 30 s steady state, 2,000-feed scale, shorter peer timeout
 *   npm run bench -- --only steady,scale   some sections only (steady, scale, matching, startup, fetch, hostile, push, reloads, scale-out)
 *   npm run bench -- --no-build        use the existing dist/
 *   npm run bench -- --only scale-out --feeds 1000   scale-out at 1,000 feeds (or SCALE_OUT_FEEDS=1000)
 *   npm run bench -- --only scale-out --interval 60  scale-out polling every 60 s (or SCALE_OUT_INTERVAL=60)
 *   SCALE_OUT_BACKENDS=Redis npm run bench -- --only scale-out   one instance on SQLite and three on Redis only
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runFetchBench } from './fetch.js';
import { HOSTILE_DEFAULTS, runHostile } from './hostile.js';
import { round } from './lib/stats.js';
import { renderTable, ratio, type Row } from './lib/table.js';
import { ROOT } from './lib/taza.js';
import { PUSH_DEFAULTS, runPush } from './push.js';
import { RELOADS_DEFAULTS, runReloads } from './reloads.js';
import { runScaleOut, SCALE_OUT_DEFAULTS } from './scale-out.js';
import { runScale, SCALE_DEFAULTS } from './scale.js';
import { runStartup, STARTUP_DEFAULTS } from './startup.js';
import { runSteady, STEADY_DEFAULTS } from './steady.js';

const SECTIONS = [
  'steady',
  'scale',
  'matching',
  'startup',
  'fetch',
  'hostile',
  'push',
  'reloads',
  'scale-out',
] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    /** Feeds for the scale-out section (also SCALE_OUT_FEEDS); 10,000 by default. */
    feeds: { type: 'string' },
    /** The poll interval of the scale-out section, in seconds (also SCALE_OUT_INTERVAL); 30 by default. */
    interval: { type: 'string' },
  },
});
const quick = values.quick;
const only = new Set<string>(values.only ? values.only.split(',').map((name) => name.trim()) : SECTIONS);
for (const name of only)
  if (!SECTIONS.includes(name as Section)) throw new Error(`unknown section "${name}": one of ${SECTIONS.join(', ')}`);

function log(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/**
 * The matching benchmark in a fresh process of its own (bench/matching.ts prints its figures as a last JSON
 * line): one core's CPU time for matching, not shared with the heap, garbage and JIT state the other sections
 * left in this one.
 */
async function matchingRows(): Promise<{ rows: Row[]; details: unknown }> {
  let f: Record<string, number>;
  try {
    const output = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/matching.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    f = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, number>;
  } catch (error) {
    return {
      rows: [
        { section: 'matching', measure: 'TODO: bench/matching.ts failed', unit: '', note: String(error).slice(0, 120) },
      ],
      details: undefined,
    };
  }
  const section = `matching ${(f.subscriptions ?? 0).toLocaleString('en-US')} subs`;
  const itemsPerSec = f.itemsPerSecIndex ?? 0;
  const speedup = f.speedup ?? 0;
  return {
    details: f,
    rows: [
      {
        section,
        measure: 'one item against every subscription',
        unit: 'µs',
        taza: f.usPerItemIndex,
        peer: f.usPerItemNaive,
        note: 'peer column: a naive loop over every subscription (the peer has no matching)',
      },
      {
        section,
        measure: 'items matched per second, one core',
        unit: 'items/s',
        taza: itemsPerSec,
        peer: f.itemsPerSecNaive,
        target: '≥ 20,000; ≥ 50× naive',
        pass: itemsPerSec >= 20_000 && speedup >= 50,
      },
      {
        section,
        measure: 'items never seen before, one core',
        unit: 'µs',
        taza: f.usPerItemIndexUnseen,
        note: 'a fresh index meeting them for the first time (no remembered explanations)',
      },
      { section, measure: 'index build', unit: 'ms', taza: f.indexBuildMs },
    ],
  };
}

async function fetchRows(): Promise<{ rows: Row[]; details: unknown }> {
  const f = await runFetchBench();
  const section = 'fetch stage 1000 feeds';
  const note = 'Taza: compiled fetcher in its own process; peer: its own process under tsx';
  return {
    details: f,
    rows: [
      {
        section,
        measure: 'CPU per unchanged check',
        unit: 'ms',
        taza: round(f.tazaCpuMsPerUnchangedCheck!, 3),
        peer: round(f.emitterCpuMsPerCheck!, 3),
        target: '< 0.4 ms',
        pass: f.tazaCpuMsPerUnchangedCheck! < 0.4,
        note,
      },
      {
        section,
        measure: 'body bytes per unchanged check',
        unit: 'B',
        taza: round(f.tazaFarmBytesSentPerSteadyCheck!, 1),
        peer: round(f.emitterBytesPerCheck!, 0),
        target: '0',
        pass: f.tazaFarmBytesSentPerSteadyCheck === 0,
      },
      {
        section,
        measure: 'first cycle (all new) wall time',
        unit: 's',
        taza: round(f.tazaFirstCycleSeconds!, 2),
        target: '< 10 s',
        pass: f.tazaFirstCycleSeconds! < 10,
      },
      { section, measure: 'unchanged cycle wall time', unit: 's', taza: round(f.tazaSteadyCycleSeconds!, 2) },
      {
        section,
        measure: 'peak resident memory',
        unit: 'MB',
        taza: round(f.tazaRssMb!, 0),
        peer: round(f.emitterRssMb!, 0),
        target: '< 150 MB',
        pass: f.tazaRssMb! < 150,
        note,
      },
      {
        section,
        measure: 'most requests in flight per host',
        unit: 'count',
        taza: f.tazaMaxInFlightPerHost,
        target: '1',
        pass: f.tazaMaxInFlightPerHost === 1,
      },
    ],
  };
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((value) => round(value, 2)),
  };
}

const started = Date.now();
const info = machine();
log(
  `machine: ${info.cpus} × ${String(info.cpuModel)}, ${String(info.totalMemoryMb)} MB, Node ${process.version}, load ${(info.loadAverageAtStart as number[]).join(' ')}${quick ? '; quick run' : ''}`,
);
if (!values['no-build']) {
  log('npm run build');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

const steadyOptions = quick ? { ...STEADY_DEFAULTS, durationMs: 30_000, publications: 5 } : STEADY_DEFAULTS;
const scaleOptions = quick
  ? { ...SCALE_DEFAULTS, feeds: 2_000, hosts: 500, peerTimeoutMs: 60_000, tazaFirstCycleTimeoutMs: 120_000 }
  : SCALE_DEFAULTS;
const startupOptions = quick ? { ...STARTUP_DEFAULTS, runs: 1 } : STARTUP_DEFAULTS;
const hostileOptions = quick
  ? { ...HOSTILE_DEFAULTS, feeds: 200, hosts: 50, durationMs: 60_000, publications: 5, firstLoadTimeoutMs: 60_000 }
  : HOSTILE_DEFAULTS;

const runners: Record<Section, () => Promise<{ rows: Row[]; details: unknown }>> = {
  steady: () => runSteady(steadyOptions),
  scale: () => runScale(scaleOptions),
  matching: matchingRows,
  startup: () => runStartup(startupOptions),
  fetch: fetchRows,
  hostile: () => runHostile(hostileOptions),
  push: () => runPush(quick ? { ...PUSH_DEFAULTS, publications: 10 } : PUSH_DEFAULTS),
  reloads: () => runReloads(quick ? { ...RELOADS_DEFAULTS, rounds: 3 } : RELOADS_DEFAULTS),
  'scale-out': () =>
    runScaleOut({
      ...SCALE_OUT_DEFAULTS,
      ...(values.feeds ? { feeds: Number(values.feeds) } : quick ? { feeds: 1_000 } : {}),
      ...(values.interval && { intervalS: Number(values.interval) }),
    }),
};

const rows: Row[] = [];
const details: Record<string, unknown> = {};
for (const section of SECTIONS) {
  if (!only.has(section)) continue;
  const sectionStart = Date.now();
  log(`${section}…`);
  try {
    const result = await runners[section]();
    rows.push(...result.rows);
    details[section] = result.details;
  } catch (error) {
    rows.push({
      section,
      measure: 'FAILED to run',
      unit: '',
      pass: false,
      target: 'runs',
      note: String(error instanceof Error ? error.message : error).slice(0, 200),
    });
    details[section] = { error: String(error instanceof Error ? error.stack : error) };
  }
  log(`${section} done in ${round((Date.now() - sectionStart) / 1000, 0)} s`);
}

const table = renderTable(rows);
console.log(
  `\nTaza vs rss-feed-emitter — ${new Date().toISOString()}, ${info.cpus} CPUs, Node ${process.version}${quick ? ' (quick run)' : ''}\n`,
);
console.log(table);
const failed = rows.filter((row) => row.pass === false);
console.log(
  `\n${rows.filter((row) => row.pass === true).length} targets met, ${failed.length} missed${failed.length ? `: ${failed.map((row) => `${row.section} ${row.measure}`).join('; ')}` : ''}`,
);
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')} (other work on the machine skews CPU and latency figures)`,
);

const results = join(ROOT, 'bench/results');
mkdirSync(results, { recursive: true });
writeFileSync(
  join(results, quick || values.only ? 'latest-partial.json' : 'latest.json'),
  `${JSON.stringify(
    {
      date: new Date(started).toISOString(),
      durationS: round((Date.now() - started) / 1000, 0),
      quick,
      sections: [...only],
      machine: { ...info, loadAverageAtEnd: os.loadavg().map((value) => round(value, 2)) },
      rows: rows.map((row) => ({ ...row, ratio: ratio(row) })),
      table,
      details,
    },
    null,
    2,
  )}\n`,
);
log(
  `done in ${round((Date.now() - started) / 1000, 0)} s; results in bench/results/${quick || values.only ? 'latest-partial.json' : 'latest.json'}`,
);
