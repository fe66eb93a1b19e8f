/**
 * A feed's jobs on the engine form a chain: each check adds the next. A run that fails (the store or the coordinator
 * failing while the backend restarts) must not end the chain, or the feed is not checked again until the resync
 * (every 5 minutes): on Redis and Postgres, a failure injected where a backend restart puts it, and the feed is
 * checked again within seconds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../src/coordination/coordinator.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { openEngineQueue } from '../../src/scheduler/engine-backend.js';
import { EngineScheduler } from '../../src/scheduler/engine.js';
import { StoreError } from '../../src/store/errors.js';
import { captureLogger } from '../support/logger.js';
import { startPostgres } from '../support/servers/postgres.js';
import type { TestServer } from '../support/servers/process.js';
import { startRedis } from '../support/servers/redis.js';
import { freshPostgres, freshRedis } from './backends.js';
import { addFeeds, CheckLog, type Backend } from './contract.js';

const INTERVAL_MS = 1000;
const LIMITS = { globalConcurrency: 2, perHostConcurrency: 1, perHostGapMs: 0 };

const backends: Array<{ name: string; start: () => Promise<TestServer>; fresh: (s: TestServer) => Promise<Backend> }> =
  [
    { name: 'Redis', start: () => startRedis(), fresh: async (server) => freshRedis(server) },
    { name: 'Postgres', start: () => startPostgres(), fresh: (server) => freshPostgres(server) },
  ];

const downError = () =>
  new StoreError({ setting: 'STORE_URL=test', problem: 'disconnected', reason: 'the connection is down', fix: '-' });

describe.each(backends)('a job whose run fails, on $name', ({ start, fresh }) => {
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

  /**
   * One engine scheduler on one feed checked every second, whose coordinator's `tryLease` and whose feed loads can
   * be made to fail, as they do while the backend restarts. The resync is an hour away: only the engine's own
   * retry can bring the feed back.
   */
  async function oneFeed() {
    const backend = await fresh(server);
    const store = await backend.openStore();
    closing.push(() => store.close());
    const coordinator = await backend.openCoordinator();
    closing.push(() => coordinator.close());
    const feeds = await FeedRegistry.load(store, { coordinator });
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
        load: async (id) => {
          if (faults.loads > 0) {
            faults.loads--;
            throw downError();
          }
          return feeds.refresh(id);
        },
        loadAll: async () => {
          await feeds.reload();
          return feeds.all();
        },
        known: () => feeds.values(),
        cached: (id) => feeds.get(id),
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
});
