/**
 * Profiles the job engine in the scale-out setup: N `taza run` on one Redis or Postgres (POLL_STRATEGY=fixed, as
 * bench/scale-out.ts runs them), the first under `node --cpu-prof`, over a steady window after the baseline. Prints
 * CPU per check of each instance, the backend's commands per check (Redis: INFO commandstats; Postgres:
 * pg_stat_statements, loaded for this run, and the statements by time taken) and where the profiled instance's CPU
 * went.
 *   npx tsx bench/lib/profile-engine.ts --store redis|postgres [--instances 3] [--feeds 1000] [--hosts 250]
 *     [--interval 30s] [--seconds 60] [--gap 1000ms] [--no-prof] [--top 30]
 * Build first (npm run build).
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { summariseProfile } from './cpuprofile.js';
import { spawnFarm } from '../farm/process.js';
import { ProcessSampler } from './proc.js';
import { pause } from './stats.js';
import { startTaza, type TazaRun } from './taza.js';
import { KEYWORD } from './workload.js';
import { startPostgres } from '../../tests/support/servers/postgres.js';
import { startRedis } from '../../tests/support/servers/redis.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'redis' },
    instances: { type: 'string', default: '3' },
    feeds: { type: 'string', default: '1000' },
    hosts: { type: 'string', default: '250' },
    interval: { type: 'string', default: '30s' },
    gap: { type: 'string', default: '1000ms' },
    seconds: { type: 'string', default: '60' },
    dir: { type: 'string', default: '/tmp/taza-prof-engine' },
    top: { type: 'string', default: '30' },
    'no-prof': { type: 'boolean', default: false },
    main: { type: 'string' },
  },
});
const feeds = Number(values.feeds);
const seconds = Number(values.seconds);
rmSync(values.dir, { recursive: true, force: true });
mkdirSync(values.dir, { recursive: true });

const postgres = values.store === 'postgres';
const server = postgres ? await startPostgres() : await startRedis();
if (postgres) {
  // pg_stat_statements counts every statement by its text; it must be preloaded, so one restart.
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await client.end();
  await server.stop();
  await server.start();
}

/** The backend's command counts so far, by command (Redis) or statement (Postgres). */
async function commandCounts(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (postgres) {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const { rows } = await client.query<{ query: string; calls: string }>(
      'SELECT query, calls FROM pg_stat_statements',
    );
    await client.end();
    for (const row of rows) {
      const key = row.query.replace(/\s+/g, ' ').slice(0, 110);
      counts.set(key, (counts.get(key) ?? 0) + Number(row.calls));
    }
  } else {
    const client = new Redis(server.url);
    const info = await client.info('commandstats');
    client.disconnect();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(match[1]!, Number(match[2]));
  }
  return counts;
}

/** Postgres's statements by the time they took since the start (baseline included): where the server's time goes. */
async function statementTimes(): Promise<string> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  const { rows } = await client.query<{ query: string; calls: string; mean: number; total: number }>(
    'SELECT query, calls, mean_exec_time AS mean, total_exec_time AS total FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 10',
  );
  await client.end();
  const lines = rows.map(
    (row) =>
      `${Number(row.total).toFixed(0).padStart(8)} ms, mean ${Number(row.mean).toFixed(2)} ms, ${row.calls} calls: ` +
      row.query.replace(/\s+/g, ' ').slice(0, 90),
  );
  return ['statements by time taken since the start:', ...lines].join('\n');
}

/**
 * Redis's MONITOR for `ms`: the commands clients sent (a script's own calls are marked "lua" and left out), by
 * command, with the script of each EVALSHA told apart by its first key's last part.
 */
async function monitorRoundTrips(ms: number): Promise<{ ms: number; counts: Map<string, number> }> {
  const client = new Redis(server.url);
  const counts = new Map<string, number>();
  client.on('error', () => {});
  const monitor = await client.monitor();
  // ioredis now and then fails to match a MONITOR line to its queue; the count goes on without that line.
  monitor.on('error', () => {});
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source.includes('lua')) return;
    const command = String(args[0]).toLowerCase();
    const detail =
      command === 'evalsha' || command === 'eval'
        ? ` ${String(args[3] ?? '')
            .split(':')
            .at(-1)}`
        : '';
    const key = command + detail;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  await pause(ms);
  monitor.disconnect();
  client.disconnect();
  return { ms, counts };
}

const farm = await spawnFarm(feeds, Number(values.hosts));
const env: Record<string, string> = {
  POLL_INTERVAL: values.interval,
  MIN_POLL_INTERVAL: '1s',
  POLL_STRATEGY: 'fixed',
  PER_HOST_GAP: values.gap,
  PER_HOST_CONCURRENCY: '1',
  STORE_URL: server.url,
};
const subscriptions = farm.urls.map((feed) => ({ feed, keywords: KEYWORD, to: 'console' }));
const instances: TazaRun[] = [];
for (let i = 0; i < Number(values.instances); i++)
  instances.push(
    startTaza({
      subscriptions,
      env,
      main: values.main,
      nodeArgs: i === 0 && !values['no-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values.dir}`] : [],
      keep: () => false,
    }),
  );
const samplers = instances.map((taza) => new ProcessSampler(taza.pid, 500));
const sum = (name: string) => instances.reduce((total, taza) => total + (taza.counts.get(name) ?? 0), 0);
const spawnedAt = Date.now();
try {
  while (sum('feed.baseline') < feeds) {
    if (Date.now() - spawnedAt > 300_000) throw new Error(`only ${sum('feed.baseline')} baselined`);
    for (const taza of instances) if (taza.child.exitCode !== null) throw new Error(taza.errors.join('\n'));
    await pause(500);
  }
  console.log(`baseline ${((Date.now() - spawnedAt) / 1000).toFixed(1)} s`);
  await farm.resetStats();
  const from = Date.now();
  const before = await commandCounts();
  const roundTrips = postgres ? undefined : await monitorRoundTrips(Math.min(15, seconds) * 1000);
  await pause(Math.max(0, from + seconds * 1000 - Date.now()));
  const after = await commandCounts();
  if (postgres) console.log(await statementTimes());
  const stats = await farm.stats();
  const to = Date.now();
  const cpu = samplers.map((sampler) => sampler.cpuBetween(from, to));
  const checks = stats.requests;
  console.log(
    `window ${seconds} s: ${checks} checks (${(checks / feeds / (seconds / Number.parseInt(values.interval))).toFixed(3)} per feed per interval)`,
  );
  console.log(
    `CPU per check, all instances: ${(cpu.reduce((a, b) => a + b, 0) / checks).toFixed(3)} ms (each: ${cpu.map((ms) => ms.toFixed(0)).join(', ')} ms)`,
  );
  // Requests of one feed closer together than the interval allows (fixed polling shortens it by up to 20%): repeats.
  const intervalMs = Number.parseInt(values.interval) * 1000;
  const lastAt = new Map<number, number>();
  const close: number[] = [];
  for (const [at, feed] of (await farm.timeline()).filter((record) => record[0] <= to)) {
    const previous = lastAt.get(feed);
    if (previous !== undefined && at - previous < 0.75 * intervalMs) close.push(at - previous);
    lastAt.set(feed, at);
  }
  close.sort((a, b) => a - b);
  console.log(
    `requests under 0.75 × the interval after the feed's previous one: ${close.length}` +
      (close.length ? ` (gaps ${close.slice(0, 10).join(', ')} … ${close.at(-1)} ms)` : ''),
  );
  if (roundTrips) {
    const checksMonitored = (checks * roundTrips.ms) / (seconds * 1000);
    const total = [...roundTrips.counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `Redis round trips (commands from clients, not from scripts) per check over ${roundTrips.ms / 1000} s: ${(total / checksMonitored).toFixed(2)}`,
    );
    for (const [name, count] of [...roundTrips.counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20))
      console.log(`${(count / checksMonitored).toFixed(3).padStart(8)}  ${name}`);
  }
  const diff = [...after.entries()]
    .map(([name, calls]) => [name, calls - (before.get(name) ?? 0)] as const)
    .filter(([, calls]) => calls > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = diff.reduce((a, [, calls]) => a + calls, 0);
  console.log(`backend commands per check: ${(total / checks).toFixed(2)} (${total} in the window)`);
  for (const [name, calls] of diff.slice(0, Number(values.top)))
    console.log(`${(calls / checks).toFixed(3).padStart(8)}  ${name}`);
} finally {
  for (const sampler of samplers) sampler.stop();
  await Promise.all(instances.map((taza) => taza.stop()));
  await farm.stop();
  await server.close();
}
const file = readdirSync(values.dir).find((name) => name.endsWith('.cpuprofile'));
if (file) console.log(`\n${summariseProfile(join(values.dir, file), { windowS: seconds, top: Number(values.top) })}`);
