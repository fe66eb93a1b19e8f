/**
 * The engine on one Redis: a feed whose check was saved by an instance that died before adding the next job is not
 * left without one (a job for the due time already checked adds it), and checkNow and a due job of one feed, with
 * one slot per host and so no feed lease, never check it at once.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { TestServer } from '../support/servers/process.js';
import { startRedis } from '../support/servers/redis.js';
import { freshRedis } from './backends.js';
import { addFeeds, CheckLog, startInstance, type Instance } from './contract.js';

let server: TestServer;
const open: Instance[] = [];
beforeAll(async () => {
  server = await startRedis();
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((instance) => instance.close()));
});
afterAll(async () => {
  await server?.close();
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
