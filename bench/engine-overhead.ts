/**
 * What the job engine costs per feed check, against the in-process poll loop: one instance, FEEDS feeds over HOSTS
 * hosts all due at once, a fake check that only reads the feed and writes its next check time (what a real check
 * does to the store), no per-host gap. Prints wall time and this process's CPU per check on each backend.
 *
 *   npx tsx bench/engine-overhead.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalCoordinator } from '../src/coordination/local.js';
import { openStore } from '../src/store/open.js';
import { FeedRegistry } from '../src/registry/feeds.js';
import { startPostgres } from '../tests/support/servers/postgres.js';
import { startRedis } from '../tests/support/servers/redis.js';
import { freshPostgres, freshRedis } from '../tests/scheduler/backends.js';
import { addFeeds, CheckLog, startInstance, type Backend } from '../tests/scheduler/contract.js';

const FEEDS = Number(process.env.FEEDS ?? 500);
const HOSTS = 50;
const LIMITS = { globalConcurrency: 8, perHostConcurrency: 1, perHostGapMs: 0 };

async function measure(name: string, backend: Backend): Promise<void> {
  const setup = await backend.openStore();
  const ids = await addFeeds(await FeedRegistry.load(setup), FEEDS, HOSTS);
  await setup.close();
  const log = new CheckLog();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const instance = await startInstance({
    index: 0,
    backend,
    log,
    limits: LIMITS,
    intervalMs: 3_600_000,
    checkMs: 0,
  });
  await log.until(() => log.checks.filter((check) => check.endedAt).length >= ids.length, 300_000, 'all checked');
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await instance.close();
  const perCheck = (value: number) => (value / ids.length).toFixed(2);
  console.log(
    `${name.padEnd(22)} wall ${perCheck(wallMs)} ms/check, CPU ${perCheck((used.user + used.system) / 1000)} ms/check`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'taza-overhead-'));
await measure('in-process, SQLite', {
  storeUrl: '',
  shared: false,
  openStore: () => openStore({ dataDir: dir }),
  openCoordinator: async () => createLocalCoordinator(),
});
rmSync(dir, { recursive: true, force: true });
const redis = await startRedis();
await measure('engine, Redis', freshRedis(redis));
await redis.close();
const postgres = await startPostgres();
await measure('engine, Postgres', await freshPostgres(postgres));
await postgres.close();
process.exit(0);
