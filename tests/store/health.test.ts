/**
 * The store health on its own and with the parts that share it, on fake timers: a StoreError marks the store
 * down once (one log line), probes retry on a 0.5 s → 30 s doubling schedule, success resumes (one line, how
 * long); while down the poller starts no check and the delivery worker sends nothing; a failed write puts the
 * registry and the outbox back as they were.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeliveryWorker } from '../../src/outbox/delivery.js';
import { Outbox } from '../../src/outbox/outbox.js';
import type { Sink } from '../../src/outbox/sink.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { HostLimiter } from '../../src/scheduler/host-limiter.js';
import { Poller } from '../../src/scheduler/poller.js';
import { StoreError } from '../../src/store/errors.js';
import { StoreHealth } from '../../src/store/health.js';
import { makeAlert } from '../support/alerts.js';
import { captureLogger } from '../support/logger.js';
import { tempStore } from '../support/store.js';

const refused = () =>
  new StoreError({
    setting: 'STORE_URL=redis://127.0.0.1:6399',
    problem: 'refused',
    reason: 'nothing is listening (connection refused)',
    fix: 'Start Redis, or fix STORE_URL.',
  });

/** A health whose round-trip fails while `down.value` is true; counts the probes and when they ran. */
function scriptedHealth(options: { heartbeatMs?: number } = {}) {
  const logs = captureLogger();
  const down = { value: false };
  const probes: number[] = [];
  const health = new StoreHealth({
    roundTrip: async () => {
      probes.push(Date.now());
      if (down.value) throw refused();
    },
    logger: logs.logger,
    location: 'redis://127.0.0.1:6399',
    heartbeatMs: options.heartbeatMs ?? 0,
  });
  return { health, down, probes, logs };
}

describe('the store health', () => {
  afterEach(() => vi.useRealTimers());

  it('goes down on a StoreError, probes with a doubling backoff capped at 30 s, and comes back once', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z') });
    const { health, down, probes, logs } = scriptedHealth();
    const changes: boolean[] = [];
    health.onChange((up) => changes.push(up));
    health.start();
    expect(health.report(new Error('not the store'))).toBe(false);
    expect(health.isUp()).toBe(true);

    down.value = true;
    const start = Date.now();
    expect(health.report(refused())).toBe(true);
    // Ten more failures in the same second change nothing but the reason: still one line.
    for (let i = 0; i < 10; i++) health.report(refused());
    expect(health.state()).toMatchObject({
      up: false,
      problem: 'refused',
      since: '2026-12-01T10:00:00.000Z',
      reason: expect.stringContaining('STORE_URL=redis://127.0.0.1:6399'),
    });
    await vi.advanceTimersByTimeAsync(120_000);
    const waits = probes.map((at, i) => at - (i === 0 ? start : probes[i - 1]!));
    expect(waits.slice(0, 8)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);

    down.value = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(health.isUp()).toBe(true);
    expect(changes).toEqual([false, true]);
    const downLines = logs.lines.filter((l) => l.event === 'store.down');
    const upLines = logs.lines.filter((l) => l.event === 'store.up');
    expect(downLines).toHaveLength(1);
    expect(downLines[0]!.msg).toMatch(/store unreachable.*STORE_URL=redis:\/\/127\.0\.0\.1:6399: nothing is listening/);
    expect(upLines).toHaveLength(1);
    expect(upLines[0]!.downMs).toBe(probes.at(-1)! - start);
    expect(upLines[0]!.msg).toBe('store answers again after 2 min; polling and delivery resume');

    // Back up: no more probes (heartbeat off here), and the next outage starts the schedule at 0.5 s again.
    const count = probes.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probes).toHaveLength(count);
    down.value = true;
    health.report(refused());
    await vi.advanceTimersByTimeAsync(500);
    expect(probes).toHaveLength(count + 1);
    health.stop();
  });

  it('notices an outage by its heartbeat when nothing else touches the store', async () => {
    vi.useFakeTimers();
    const { health, down } = scriptedHealth({ heartbeatMs: 10_000 });
    health.start();
    down.value = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(health.isUp()).toBe(false);
    down.value = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(health.isUp()).toBe(true);
    health.stop();
  });

  it('pauses the poller while down (no check starts, the feed is not marked failing) and resumes it', async () => {
    const env = await tempStore();
    const feeds = await FeedRegistry.load(env.store);
    vi.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z') });
    const feed = await feeds.ensure('https://one.example/feed');
    const { health, down } = scriptedHealth();
    health.start();
    const checks: string[] = [];
    const poller = new Poller({
      feeds,
      logger: captureLogger().logger,
      health,
      limiter: new HostLimiter({ globalConcurrency: 4, perHostConcurrency: 1, perHostGapMs: 0 }),
      check: async (feedId) => {
        checks.push(feedId);
        // The check fails on the store, as processFeed does when Redis is gone.
        if (down.value) throw refused();
        feeds.saveLater({ ...feeds.get(feedId)!, nextCheckAt: new Date(Date.now() + 60_000).toISOString() });
      },
    });
    down.value = true;
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(checks).toEqual([feed.id]);
    expect(health.isUp()).toBe(false);
    // Down for two minutes: the feed stays due, yet no further check starts.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(checks).toEqual([feed.id]);
    expect(feeds.get(feed.id)).toMatchObject({ failures: 0 });
    expect(feeds.get(feed.id)!.lastError).toBeUndefined();

    down.value = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(health.isUp()).toBe(true);
    expect(checks).toEqual([feed.id, feed.id]);
    vi.useRealTimers();
    health.stop();
    await poller.stop();
    await env.cleanup();
  });

  it('sends nothing while down, and a send whose mark-done fails stays pending with no attempt counted', async () => {
    const env = await tempStore();
    const outbox = await Outbox.load(env.store);
    const { health, down } = scriptedHealth();
    const sent: string[] = [];
    const sink: Sink = {
      platform: 'telegram',
      start: async () => {},
      stop: async () => {},
      state: () => 'connected',
      async send(alert) {
        sent.push(alert.id);
        // The platform accepted; the store dies before the mark.
        down.value = true;
      },
    };
    const realSet = env.store.outbox.set.bind(env.store.outbox);
    env.store.outbox.set = (async (...args: Parameters<typeof realSet>) => {
      if (down.value) throw refused();
      return realSet(...args);
    }) as typeof realSet;
    let settledCount = 0;
    let onSettled = () => {};
    const worker = new DeliveryWorker({
      outbox,
      sinks: { telegram: sink },
      logger: captureLogger().logger,
      health,
      digestThreshold: 0,
      hooks: {
        onPermanentFailure: async () => {},
        onMoved: async () => {},
        onSettled: () => {
          settledCount++;
          onSettled();
        },
      },
    });
    health.start();
    worker.start();
    const settled = (n: number) =>
      new Promise<void>((resolve) => {
        onSettled = () => settledCount >= n && resolve();
        onSettled();
      });
    await outbox.enqueue(makeAlert({ n: 1 }));
    await settled(1);
    expect(sent).toEqual(['alert-1']);
    expect(health.isUp()).toBe(false);
    expect(outbox.depth()).toBe(1);
    expect(outbox.byDestination().get('telegram:-100123')![0]!.attempts).toBe(0);
    expect((await env.store.outbox.get('alert-1'))?.status).toBe('pending');

    // While down, a new alert (already in the outbox) is not sent.
    down.value = false;
    await outbox.enqueue(makeAlert({ n: 2 }));
    down.value = true;
    worker.kick();
    expect(sent).toEqual(['alert-1']);

    // Back: the pending one is sent again (the documented at-most-one repeat), then the next, each marked done.
    sink.send = async (alert) => void sent.push(alert.id);
    down.value = false;
    await health.check();
    await settled(3);
    expect(sent).toEqual(['alert-1', 'alert-1', 'alert-2']);
    expect(outbox.depth()).toBe(0);
    health.stop();
    await worker.stop();
    await env.cleanup();
  });

  it('keeps unsaved check times across a failed flush, and undoes a save the store refused', async () => {
    const env = await tempStore();
    const feeds = await FeedRegistry.load(env.store);
    const feed = await feeds.ensure('https://one.example/feed');
    const realSetMany = env.store.feeds.setMany.bind(env.store.feeds);
    const realSet = env.store.feeds.set.bind(env.store.feeds);
    let failing = true;
    env.store.feeds.setMany = (async (entries: Parameters<typeof realSetMany>[0]) => {
      if (failing) throw refused();
      return realSetMany(entries);
    }) as typeof realSetMany;
    env.store.feeds.set = (async (...args: Parameters<typeof realSet>) => {
      if (failing) throw refused();
      return realSet(...args);
    }) as typeof realSet;

    feeds.saveLater({ ...feed, lastCheckAt: '2026-12-01T10:00:00.000Z' });
    await expect(feeds.flush()).rejects.toBeInstanceOf(StoreError);
    expect(feeds.unsaved()).toBe(1);

    await expect(feeds.save({ ...feed, bodyHash: 'new', baselineTaken: true })).rejects.toBeInstanceOf(StoreError);
    expect(feeds.get(feed.id)!.bodyHash).toBeUndefined();
    expect(feeds.get(feed.id)!.lastCheckAt).toBe('2026-12-01T10:00:00.000Z');
    expect(feeds.unsaved()).toBe(1);

    failing = false;
    await feeds.flush();
    expect(feeds.unsaved()).toBe(0);
    expect((await env.store.feeds.get(feed.id))?.lastCheckAt).toBe('2026-12-01T10:00:00.000Z');
    await env.cleanup();
  });
});
