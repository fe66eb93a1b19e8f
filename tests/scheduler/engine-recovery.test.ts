/**
 * The engine on one Redis: a feed whose check was saved by an instance that died before adding the next job is not
 * left without one (a job for the due time already checked adds it); checkNow and a due job of one feed, with one
 * slot per host and so no feed lease, never check it at once; and first checks go after the other due checks, on
 * Redis and on Postgres.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { TestServer } from '../support/servers/process.js';
import { startPostgres } from '../support/servers/postgres.js';
import { startRedis } from '../support/servers/redis.js';
import { freshPostgres, freshRedis } from './backends.js';
import { addFeeds, CheckLog, startInstance, type Instance } from './contract.js';

let server: TestServer;
let postgres: TestServer;
const open: Instance[] = [];
beforeAll(async () => {
  [server, postgres] = await Promise.all([startRedis(), startPostgres()]);
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((instance) => instance.close()));
});
afterAll(async () => {
  await Promise.allSettled([server?.close(), postgres?.close()]);
});

const LIMITS = { globalConcurrency: 4, perHostConcurrency: 1, perHostGapMs: 100 };

it(
  'gives a feed its next job when the instance that checked it died before adding it',
  { timeout: 60_000 },
  async () => {
    const log = new CheckLog();
    const instance = await startInstance({
      index: 0,
      backend: freshRedis(server),
      log,
      limits: LIMITS,
      intervalMs: 60_000,
      checkMs: 10,
      start: false,
    });
    open.push(instance);
    const [id] = await addFeeds(instance.feeds, 1, 1);
    const record = instance.feeds.get(id!)!;
    // The job added at start is for a due time 1.5 s on.
    await instance.feeds.save({ ...record, nextCheckAt: new Date(Date.now() + 1500).toISOString() });
    await instance.scheduler.start();
    // Then another instance checks the feed for that due time and saves its next one, 3 s on, but dies before adding
    // that job: the store says 3 s, the engine holds only the job for 1.5 s.
    const nextAt = Date.now() + 3000;
    await instance.feeds.save({ ...instance.feeds.get(id!)!, nextCheckAt: new Date(nextAt).toISOString() });
    // Without a job for it, the feed would wait for the resync (5 minutes).
    await log.until(() => log.of(id!).some((check) => check.endedAt), 15_000, 'the check at the saved due time');
    expect(log.of(id!)).toHaveLength(1);
    expect(log.of(id!)[0]!.startedAt).toBeGreaterThanOrEqual(nextAt - 5);
  },
);

it('never runs checkNow and a due job of one feed at once', { timeout: 60_000 }, async () => {
  const log = new CheckLog();
  const instance = await startInstance({
    index: 0,
    backend: freshRedis(server),
    log,
    limits: { ...LIMITS, perHostGapMs: 0 },
    intervalMs: 60_000,
    checkMs: 300,
  });
  open.push(instance);
  const [id] = await addFeeds(instance.feeds, 1, 1);
  instance.scheduler.wake();
  await log.until(() => log.of(id!).length > 0, 15_000, 'the due check started');
  // The due check is under way: checkNow waits for it, then checks on its own.
  await instance.scheduler.checkNow(id!);
  expect(log.of(id!)).toHaveLength(2);
  expect(log.maxInFlightPerFeed()).toBe(1);
});

it.each([
  { name: 'Redis', backend: async () => freshRedis(server) },
  { name: 'Postgres', backend: () => freshPostgres(postgres) },
])('checks a due feed before feeds waiting for their first check, on $name', { timeout: 60_000 }, async (setup) => {
  const log = new CheckLog();
  const instance = await startInstance({
    index: 0,
    backend: await setup.backend(),
    log,
    limits: { globalConcurrency: 1, perHostConcurrency: 1, perHostGapMs: 0 },
    intervalMs: 60_000,
    checkMs: 20,
    start: false,
  });
  open.push(instance);
  const ids = await addFeeds(instance.feeds, 24, 24);
  // The last one has its baseline already (a feed checked before, due again); the others have never been checked.
  const checked = ids.at(-1)!;
  // All due at one instant, so their jobs come due together (one due grid slot) and only the priority orders them:
  // added one after the other, a grid boundary could fall between their due times, and the feeds before it ran first.
  const dueAt = instance.feeds.get(ids[0]!)!.nextCheckAt;
  for (const id of ids)
    await instance.feeds.save({ ...instance.feeds.get(id)!, nextCheckAt: dueAt, baselineTaken: id === checked });
  await instance.scheduler.start();
  await log.until(() => log.checks.length >= 3, 20_000, 'the first checks');
  // Added last, taken among the first (one check slot: one at a time). Without the priority it would come at a
  // random place among 24.
  expect(log.checks.slice(0, 3).map((check) => check.feedId)).toContain(checked);
});
