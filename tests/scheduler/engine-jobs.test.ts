/**
 * A feed's jobs on the engine form a chain: each check adds the next. A run that fails (the store or the coordinator
 * failing while the backend restarts) must not end the chain, or the feed is not checked again until the resync
 * (every 5 minutes): on Redis and Postgres, a failure injected where a backend restart puts it, and the feed is
 * checked again within seconds.
 *
 * FETCH_CONCURRENCY bounds the checks an instance runs at once, not the jobs it holds: a job also waits for the
 * batched add of its next job after its check, and that wait must not keep the next feed's check from starting.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../src/coordination/coordinator.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { openEngineQueue } from '../../src/scheduler/engine-backend.js';
import { EngineScheduler, registryFeeds } from '../../src/scheduler/engine.js';
import { StoreError } from '../../src/store/errors.js';
import { captureLogger } from '../support/logger.js';
import type { TestServer } from '../support/servers/process.js';
import { SERVER_BACKENDS } from './backends.js';
import { addFeeds, CheckLog } from './contract.js';

const INTERVAL_MS = 1000;
const LIMITS = { globalConcurrency: 2, perHostConcurrency: 1, perHostGapMs: 0 };

const downError = () =>
  new StoreError({ setting: 'STORE_URL=test', problem: 'disconnected', reason: 'the connection is down', fix: '-' });

describe.each(SERVER_BACKENDS)("the engine's job chain on $name", ({ start, fresh }) => {
  let server: TestServer;
  const closing: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    server = await start();
  });
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close().catch(() => {});
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A fresh backend's store, coordinator and feed registry, closed after the test. */
  async function openFeeds() {
    const backend = await fresh(server);
    const store = await backend.openStore();
    closing.push(() => store.close());
    const coordinator = await backend.openCoordinator();
    closing.push(() => coordinator.close());
    return { backend, coordinator, feeds: await FeedRegistry.load(store, { coordinator }) };
  }

  /**
   * One engine scheduler on one feed checked every second, whose coordinator's `tryLease` and whose feed loads can
   * be made to fail, as they do while the backend restarts. The resync is an hour away: only the engine's own
   * retry can bring the feed back.
   */
  async function oneFeed() {
    const { backend, coordinator, feeds } = await openFeeds();
    const [feedId] = await addFeeds(feeds, 1, 1);
    const faults = { leases: 0, loads: 0 };
    const flaky = new Proxy(coordinator, {
      get(target, property) {
        if (property === 'tryLease')
          return async (name: string, ttlMs: number) => {
            if (faults.leases > 0) {
              faults.leases--;
              throw downError();
            }
            return target.tryLease(name, ttlMs);
          };
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as Coordinator;
    const log = new CheckLog();
    let onChecked: (() => void) | undefined;
    const reported: unknown[] = [];
    const logs = captureLogger('warn');
    const scheduler = new EngineScheduler({
      engine: openEngineQueue(backend.storeUrl, 'taza-checks'),
      coordinator: flaky,
      feeds: {
        ...registryFeeds(feeds),
        load: async (id) => {
          if (faults.loads > 0) {
            faults.loads--;
            throw downError();
          }
          return feeds.refresh(id);
        },
      },
      check: async (id) => {
        const feed = (await feeds.refresh(id))!;
        const record = { instance: 0, feedId: id, host: new URL(feed.url).host, startedAt: Date.now() };
        log.started(record);
        await feeds.save({ ...feed, nextCheckAt: new Date(record.startedAt + INTERVAL_MS).toISOString() });
        log.ended(record);
        onChecked?.();
      },
      logger: logs.logger,
      limits: LIMITS,
      health: {
        isUp: () => true,
        report: (error) => {
          reported.push(error);
          return error instanceof StoreError;
        },
      },
      resyncMs: 3_600_000,
    });
    closing.push(() => scheduler.stop());
    await scheduler.start();
    await log.until(() => log.of(feedId!).length >= 1, 20_000, 'the first check');
    return {
      feedId: feedId!,
      log,
      faults,
      reported,
      afterNextCheck: (action: () => void) => (onChecked = () => ((onChecked = undefined), action())),
    };
  }

  it('a lease that fails before the check: the job runs again and the feed goes on being checked', async () => {
    const { feedId, log, faults, reported } = await oneFeed();
    const before = log.of(feedId).length;
    // The next run's first lease (the feed's, or its host's) fails: that run throws.
    faults.leases = 1;
    await log.until(() => log.of(feedId).length >= before + 3, 20_000, 'three more checks after the failed run');
    expect(faults.leases).toBe(0);
    expect(reported.some((error) => error instanceof StoreError)).toBe(true);
  }, 60_000);

  it('the next job not added (the store failing right after a check): added by the run tried again', async () => {
    const { feedId, log, faults, reported, afterNextCheck } = await oneFeed();
    // The check is saved (the feed is due a second later), then loading it to add its next job fails.
    afterNextCheck(() => (faults.loads = 1));
    const before = log.of(feedId).length;
    await log.until(() => log.of(feedId).length >= before + 3, 20_000, 'three more checks after the failed add');
    expect(faults.loads).toBe(0);
    expect(reported.some((error) => error instanceof StoreError)).toBe(true);
  }, 60_000);

  it('runs the next check while a finished check waits for its next job to be added', async () => {
    const { backend, coordinator, feeds } = await openFeeds();
    // Two feeds on two hosts, both due now.
    const ids = await addFeeds(feeds, 2, 2);
    const engine = openEngineQueue(backend.storeUrl, 'taza-checks');
    // Once started, every add of a next job waits until `release` is called.
    let holdAdds = false;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const addBulk = engine.queue.addBulk.bind(engine.queue);
    engine.queue.addBulk = (async (jobs: Parameters<typeof addBulk>[0]) => {
      if (holdAdds) await released;
      return addBulk(jobs);
    }) as typeof engine.queue.addBulk;
    const log = new CheckLog();
    let inFlight = 0;
    let mostInFlight = 0;
    const scheduler = new EngineScheduler({
      engine,
      coordinator,
      feeds: registryFeeds(feeds),
      check: async (id, held) => {
        const feed = held ?? (await feeds.refresh(id))!;
        const record = { instance: 0, feedId: id, host: new URL(feed.url).host, startedAt: Date.now() };
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        log.started(record);
        await feeds.save({ ...feed, nextCheckAt: new Date(record.startedAt + 60_000).toISOString() });
        inFlight--;
        log.ended(record);
      },
      logger: captureLogger('warn').logger,
      limits: { globalConcurrency: 1, perHostConcurrency: 1, perHostGapMs: 0 },
      resyncMs: 3_600_000,
    });
    closing.push(() => scheduler.stop());
    closing.push(async () => release());
    await scheduler.start();
    // From here (before the worker has taken a job), next jobs' adds wait; the resync's add at start went through.
    holdAdds = true;
    try {
      // Both checks ran although the first one's next job is not in yet (its job still holds a worker slot).
      await log.until(() => ids.every((id) => log.of(id).length === 1), 20_000, 'both feeds checked');
      expect(mostInFlight).toBe(1);
    } finally {
      release();
    }
  }, 60_000);
});
