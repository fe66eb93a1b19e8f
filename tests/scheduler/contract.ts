/**
 * What every CheckScheduler does, whichever runs it (in this process, or the job engine on Redis or Postgres):
 * each due feed checked once per due time, never twice at once; per host at most PER_HOST_CONCURRENCY in flight
 * and PER_HOST_GAP between starts, checkNow included; stop() waits for the checks under way.
 * The checks are fake (they only record when they ran and move the feed's next check on), so what is measured
 * is the scheduler.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../src/coordination/coordinator.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import type { CheckScheduler } from '../../src/scheduler/check-scheduler.js';
import { createCheckScheduler } from '../../src/scheduler/create.js';
import type { Store } from '../../src/store/open.js';
import { captureLogger } from '../support/logger.js';

export interface Limits {
  globalConcurrency: number;
  perHostConcurrency: number;
  perHostGapMs: number;
}

/** One check as the fake saw it. */
export interface CheckRecord {
  instance: number;
  feedId: string;
  host: string;
  startedAt: number;
  endedAt?: number;
}

/** Records the fake checks and derives what the contract asserts. */
export class CheckLog {
  readonly checks: CheckRecord[] = [];
  /** Every feed id the scheduler asked to check, whether or not the feed was still there. */
  readonly asked: string[] = [];
  private waiters: Array<() => void> = [];

  started(record: CheckRecord): void {
    this.checks.push(record);
    this.notify();
  }

  ended(record: CheckRecord): void {
    record.endedAt = Date.now();
    this.notify();
  }

  /** Resolves once `predicate` holds, checked at each check's start and end; rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const waiter = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  of(feedId: string): CheckRecord[] {
    return this.checks.filter((check) => check.feedId === feedId);
  }

  /** The most checks of one feed in flight at once. */
  maxInFlightPerFeed(): number {
    return this.maxInFlight((check) => check.feedId);
  }

  maxInFlightPerHost(): number {
    return this.maxInFlight((check) => check.host);
  }

  /** The smallest time between two starts of checks to one host. */
  minGapPerHost(): number {
    let min = Infinity;
    const byHost = new Map<string, number[]>();
    for (const check of this.checks) byHost.set(check.host, [...(byHost.get(check.host) ?? []), check.startedAt]);
    for (const starts of byHost.values()) {
      starts.sort((a, b) => a - b);
      for (let i = 1; i < starts.length; i++) min = Math.min(min, starts[i]! - starts[i - 1]!);
    }
    return min;
  }

  private maxInFlight(keyOf: (check: CheckRecord) => string): number {
    const events: Array<{ at: number; key: string; delta: number }> = [];
    for (const check of this.checks) {
      events.push({ at: check.startedAt, key: keyOf(check), delta: 1 });
      events.push({ at: check.endedAt ?? Infinity, key: keyOf(check), delta: -1 });
    }
    // An end and a start at the same millisecond: the end first (they did not overlap).
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    const current = new Map<string, number>();
    let max = 0;
    for (const event of events) {
      const value = (current.get(event.key) ?? 0) + event.delta;
      current.set(event.key, value);
      max = Math.max(max, value);
    }
    return max;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A backend the schedulers run on: a store per instance (as separate processes would have), opened fresh. */
export interface Backend {
  /** Opens a new connection to the backend's store. */
  openStore(): Promise<Store>;
  storeUrl: string;
  /** Whether instances share it (the engine), or it is one process's own (in-process). */
  shared: boolean;
  /** Opens a coordinator on it, with connections of its own, as another instance would. */
  openCoordinator(): Promise<Coordinator>;
}

export interface Instance {
  index: number;
  store: Store;
  feeds: FeedRegistry;
  scheduler: CheckScheduler;
  /** After this, the instance's checks hang, as its process would be gone. */
  dead: boolean;
  close(): Promise<void>;
}

export async function startInstance(input: {
  index: number;
  backend: Backend;
  log: CheckLog;
  limits: Limits;
  intervalMs: number;
  checkMs: number;
  start?: boolean;
}): Promise<Instance> {
  const store = await input.backend.openStore();
  const coordinator = await input.backend.openCoordinator();
  const feeds = await FeedRegistry.load(store, { coordinator });
  const scheduler = await createCheckScheduler({
    coordinator,
    storeUrl: input.backend.storeUrl,
    feeds,
    logger: captureLogger('warn').logger,
    health: { isUp: () => true, report: () => false, onChange: () => () => {} },
    limits: input.limits,
    check: async (feedId) => {
      input.log.asked.push(feedId);
      const feed = feeds.shared ? await feeds.refresh(feedId) : feeds.get(feedId);
      if (!feed) return;
      const record: CheckRecord = {
        instance: input.index,
        feedId,
        host: new URL(feed.url).host,
        startedAt: Date.now(),
      };
      input.log.started(record);
      await new Promise((resolve) => setTimeout(resolve, input.checkMs));
      if (instance.dead) await new Promise(() => {});
      await feeds.save({ ...feed, nextCheckAt: new Date(record.startedAt + input.intervalMs).toISOString() });
      input.log.ended(record);
    },
  });
  // The checks above read `instance` only once the scheduler has started, below.
  const instance: Instance = {
    index: input.index,
    store,
    feeds,
    scheduler,
    dead: false,
    async close() {
      if (!instance.dead) await scheduler.stop();
      await coordinator.close();
      await store.close();
    },
  };
  if (input.start !== false) await scheduler.start();
  return instance;
}

/** Feeds `count` over `hosts` hosts, all due now, written to the store. */
export async function addFeeds(feeds: FeedRegistry, count: number, hosts: number, prefix = 'f'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const feed = await feeds.ensure(`http://host${i % hosts}.example/${prefix}${i}.xml`);
    ids.push(feed.id);
  }
  return ids;
}

/** `fresh` gives each test a backend of its own (an empty database on the same server). */
export function schedulerContract(name: string, fresh: () => Promise<Backend>): void {
  describe(`the check scheduler contract: ${name}`, () => {
    const open: Instance[] = [];
    afterEach(async () => {
      await Promise.allSettled(open.splice(0).map((instance) => instance.close()));
    });

    const start = async (log: CheckLog, limits: Limits, intervalMs: number, checkMs: number) => {
      const backend = await fresh();
      const instance = await startInstance({
        index: 0,
        backend,
        log,
        limits,
        intervalMs,
        checkMs,
        start: false,
      });
      open.push(instance);
      return instance;
    };

    it('checks each due feed once per due time, never twice at once', { timeout: 60_000 }, async () => {
      const log = new CheckLog();
      const intervalMs = 1500;
      const instance = await start(
        log,
        { globalConcurrency: 4, perHostConcurrency: 1, perHostGapMs: 0 },
        intervalMs,
        50,
      );
      const ids = await addFeeds(instance.feeds, 6, 6);
      await instance.scheduler.start();
      await log.until(() => ids.every((id) => log.of(id).length >= 3), 20_000, 'three checks of every feed');
      for (const id of ids) {
        const starts = log.of(id).map((check) => check.startedAt);
        // A second check for one due time would start right after the first, not an interval later.
        for (let i = 1; i < starts.length; i++)
          expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(intervalMs - 5);
      }
      expect(log.maxInFlightPerFeed()).toBe(1);
    });

    it('holds the per-host limits: one in flight, the gap between starts', { timeout: 60_000 }, async () => {
      const log = new CheckLog();
      const gap = 300;
      const instance = await start(log, { globalConcurrency: 8, perHostConcurrency: 1, perHostGapMs: gap }, 60_000, 80);
      const ids = await addFeeds(instance.feeds, 8, 2);
      await instance.scheduler.start();
      await log.until(() => log.checks.filter((c) => c.endedAt).length >= ids.length, 20_000, 'every feed checked');
      expect(log.maxInFlightPerHost()).toBe(1);
      expect(log.minGapPerHost()).toBeGreaterThanOrEqual(gap - 5);
      expect(new Set(log.checks.map((c) => c.feedId)).size).toBe(ids.length);
    });

    it('does not let feeds waiting for a busy host hold back the other hosts', { timeout: 60_000 }, async () => {
      const log = new CheckLog();
      const gap = 500;
      const instance = await start(log, { globalConcurrency: 2, perHostConcurrency: 1, perHostGapMs: gap }, 60_000, 20);
      const busy = await addFeeds(instance.feeds, 10, 1, 'busy');
      const others: string[] = [];
      for (let i = 0; i < 4; i++) others.push((await instance.feeds.ensure(`http://other${i}.example/feed.xml`)).id);
      const startedAt = Date.now();
      await instance.scheduler.start();
      await log.until(() => [...busy, ...others].every((id) => log.of(id).length > 0), 30_000, 'every feed checked');
      const lastOther = Math.max(...others.map((id) => log.of(id)[0]!.startedAt)) - startedAt;
      const lastBusy = Math.max(...busy.map((id) => log.of(id)[0]!.startedAt)) - startedAt;
      console.log(`${name}: other hosts all checked after ${lastOther} ms; the busy host's ten after ${lastBusy} ms`);
      // The busy host takes ten gaps (4.5 s at least); the other hosts are not kept waiting behind it.
      expect(lastBusy).toBeGreaterThanOrEqual(9 * gap);
      expect(lastOther).toBeLessThan(lastBusy / 2);
    });

    it('never checks a removed feed again, and goes on with the others', { timeout: 60_000 }, async () => {
      const log = new CheckLog();
      const instance = await start(log, { globalConcurrency: 4, perHostConcurrency: 1, perHostGapMs: 0 }, 1000, 10);
      const [removed, kept] = await addFeeds(instance.feeds, 2, 2);
      // The kept feed runs half a second behind, so its checks tell when the removed one's next check is scheduled
      // (its job in the engine) and not yet due: that is when it is removed.
      const record = instance.feeds.get(kept!)!;
      await instance.feeds.save({ ...record, nextCheckAt: new Date(Date.now() + 500).toISOString() });
      await instance.scheduler.start();
      await log.until(() => log.of(removed!).some((check) => check.endedAt), 20_000, 'the removed feed checked');
      const endedAt = log.of(removed!)[0]!.endedAt!;
      await log.until(
        () => log.of(kept!).some((check) => check.startedAt > endedAt + 300),
        20_000,
        'the other feed checked after it',
      );
      await instance.feeds.remove(removed!);
      const askedBefore = log.asked.filter((id) => id === removed).length;
      const keptBefore = log.of(kept!).length;
      // Its next due time passes, three times, while the other feed goes on.
      await log.until(() => log.of(kept!).length >= keptBefore + 3, 20_000, 'three more checks of the other feed');
      expect(log.asked.filter((id) => id === removed)).toHaveLength(askedBefore);
    });

    it(
      'runs checkNow within the same per-host limits, and stop() waits for checks under way',
      { timeout: 60_000 },
      async () => {
        const log = new CheckLog();
        const gap = 300;
        const instance = await start(
          log,
          { globalConcurrency: 8, perHostConcurrency: 1, perHostGapMs: gap },
          60_000,
          200,
        );
        const [due, other] = await addFeeds(instance.feeds, 2, 1);
        // Only `due` is due; `other` is checked by checkNow while `due`'s check may be under way on the same host.
        const record = instance.feeds.get(other!)!;
        await instance.feeds.save({ ...record, nextCheckAt: new Date(Date.now() + 3_600_000).toISOString() });
        await instance.scheduler.start();
        await log.until(() => log.of(due!).length > 0, 20_000, 'the due feed started');
        await instance.scheduler.checkNow(other!);
        expect(log.of(other!)).toHaveLength(1);
        expect(log.of(other!)[0]!.endedAt).toBeDefined();
        expect(log.maxInFlightPerHost()).toBe(1);
        expect(log.minGapPerHost()).toBeGreaterThanOrEqual(gap - 5);

        // A check under way when stop() is called has ended when it resolves.
        await instance.feeds.save({ ...instance.feeds.get(due!)!, nextCheckAt: new Date().toISOString() });
        instance.scheduler.wake();
        await instance.scheduler.feedAdded(due!);
        await log.until(() => log.of(due!).length >= 2, 20_000, 'the second check started');
        await instance.scheduler.stop();
        expect(log.checks.every((check) => check.endedAt !== undefined)).toBe(true);
      },
    );
  });
}
