/**
 * Three engine schedulers on one Redis and on one Postgres, each with its own store and engine connections as
 * separate instances would have: each feed checked once per due time between them, the per-host limits held
 * across them, and the feeds of an instance that vanished mid-check taken over by the others within 30 s.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EngineScheduler } from '../../src/scheduler/engine.js';
import type { TestServer } from '../support/servers/process.js';
import { SERVER_BACKENDS } from './backends.js';
import { addFeeds, CheckLog, startInstance, type Instance } from './contract.js';

const FEEDS = 40;
const HOSTS = 10;
const GAP_MS = 300;
const INTERVAL_MS = 3000;
const LIMITS = { globalConcurrency: 4, perHostConcurrency: 1, perHostGapMs: GAP_MS };

describe.each(SERVER_BACKENDS)('three instances on one $name', ({ start, fresh }) => {
  let server: TestServer;
  const open: Instance[] = [];
  beforeAll(async () => {
    server = await start();
  });
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((instance) => instance.close()));
  });
  afterAll(async () => {
    await server?.close();
  });

  async function threeInstances(log: CheckLog, checkMs: number): Promise<{ instances: Instance[]; ids: string[] }> {
    const backend = await fresh(server);
    const setup = await backend.openStore();
    const { FeedRegistry } = await import('../../src/registry/feeds.js');
    const ids = await addFeeds(await FeedRegistry.load(setup), FEEDS, HOSTS);
    await setup.close();
    const instances = await Promise.all(
      [0, 1, 2].map((index) =>
        startInstance({ index, backend, log, limits: LIMITS, intervalMs: INTERVAL_MS, checkMs }),
      ),
    );
    open.push(...instances);
    return { instances, ids };
  }

  it(
    'checks each feed once per due time between them, one request per host at a time, the gap held',
    {
      timeout: 90_000,
    },
    async () => {
      const log = new CheckLog();
      const { ids } = await threeInstances(log, 30);
      const intervals = 4;
      await log.until(() => ids.every((id) => log.of(id).length >= intervals + 1), 60_000, 'five checks of each feed');
      const firstAt = Math.min(...log.checks.map((check) => check.startedAt));
      const windowEnd = firstAt + intervals * INTERVAL_MS;
      const inWindow = log.checks.filter((check) => check.startedAt < windowEnd).length;
      // One instance checks each feed once per interval (the fake's interval has no jitter): `intervals` per feed.
      const perFeedPerInterval = inWindow / (FEEDS * intervals);
      console.log(`checks per feed per interval: ${perFeedPerInterval.toFixed(3)}`);
      expect(perFeedPerInterval).toBeLessThanOrEqual(1.05);
      for (const id of ids) {
        const starts = log.of(id).map((check) => check.startedAt);
        for (let i = 1; i < starts.length; i++)
          expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(INTERVAL_MS - 5);
      }
      expect(log.maxInFlightPerFeed()).toBe(1);
      expect(log.maxInFlightPerHost()).toBe(1);
      console.log(`min gap per host: ${log.minGapPerHost()} ms`);
      expect(log.minGapPerHost()).toBeGreaterThanOrEqual(GAP_MS);
      // The work is shared: every instance took checks.
      expect(new Set(log.checks.map((check) => check.instance)).size).toBe(3);
    },
  );

  it('takes over the checks of an instance that vanished mid-check within 30 s', { timeout: 90_000 }, async () => {
    const log = new CheckLog();
    const { instances, ids } = await threeInstances(log, 200);
    await log.until(() => ids.every((id) => log.of(id).some((c) => c.endedAt)), 30_000, 'every feed checked');
    const victim = instances[0]!;
    await log.until(
      () => log.checks.some((check) => check.instance === 0 && check.endedAt === undefined),
      30_000,
      'a check under way on the first instance',
    );
    const killedAt = Date.now();
    victim.dead = true;
    (victim.scheduler as EngineScheduler).abandon();
    const stranded = log.checks.filter((check) => check.instance === 0 && check.endedAt === undefined);
    expect(stranded.length).toBeGreaterThan(0);
    const takenOver = () =>
      stranded.every((lost) =>
        log.of(lost.feedId).some((check) => check.instance !== 0 && check.startedAt > lost.startedAt && check.endedAt),
      );
    await log.until(takenOver, 30_000, "the vanished instance's checks done by the others");
    const takeoverMs = Math.max(
      ...stranded.map(
        (lost) =>
          log.of(lost.feedId).find((check) => check.instance !== 0 && check.startedAt > lost.startedAt)!.startedAt -
          killedAt,
      ),
    );
    console.log(`takeover after an abrupt close: ${takeoverMs} ms`);
    expect(takeoverMs).toBeLessThanOrEqual(30_000);
    // Its other feeds (waiting in the engine, not in its hands) go on being checked by the survivors.
    const after = Date.now();
    await log.until(
      () => ids.every((id) => log.of(id).some((check) => check.instance !== 0 && check.startedAt > after)),
      30_000,
      'every feed checked again by the survivors',
    );
  });
});
