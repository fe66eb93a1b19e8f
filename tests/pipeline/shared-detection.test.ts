/**
 * New-item detection with two instances on one store (Redis): of two checks that find the same new item at once,
 * exactly one enqueues its alert; a claim whose instance died before its alerts were in the outbox is processed
 * again by a later check, and a claim still at work is left alone.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { createFetcher, createNetworkPolicy } from '../../src/fetcher/index.js';
import { Outbox } from '../../src/outbox/outbox.js';
import type { PipelineDeps } from '../../src/pipeline/deps.js';
import { processFeed, STALE_CLAIM_MS } from '../../src/pipeline/process-feed.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { SubscriptionRegistry } from '../../src/registry/subscriptions.js';
import { openStore, type Store } from '../../src/store/open.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { captureLogger } from '../support/logger.js';
import type { TestServer } from '../support/servers/process.js';
import { startRedis } from '../support/servers/redis.js';

describe('new-item detection shared by two instances', () => {
  let redis: TestServer;
  let feedServer: FeedServer;
  let db = 0;
  const stores: Store[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });
  beforeEach(async () => {
    feedServer = await startFeedServer();
    db++;
  });
  afterEach(async () => {
    await Promise.allSettled(stores.splice(0).map((store) => store.close()));
    await feedServer.close();
  });

  const coordinator = { ...createLocalCoordinator(), shared: true };
  /** Insert-if-absent made one step for the two stores of this process, as the backend's own is across processes. */
  let serial: Promise<unknown> = Promise.resolve();

  async function instance(): Promise<PipelineDeps> {
    const store = await openStore({ storeUrl: `${redis.url}/${db}`, dataDir: '' });
    stores.push(store);
    const insert = store.insertIfAbsent.bind(store);
    store.insertIfAbsent = (...args) => {
      const result = serial.then(() => insert(...args));
      serial = result.catch(() => {});
      return result;
    };
    return {
      store,
      feeds: await FeedRegistry.load(store, { coordinator }),
      subscriptions: await SubscriptionRegistry.load(store),
      outbox: await Outbox.load(store),
      fetcher: createFetcher({ userAgent: 'Taza-test', networkPolicy: createNetworkPolicy(['127.0.0.0/8']) }),
      logger: captureLogger('warn').logger,
      settings: {
        pollIntervalMs: 60_000,
        minPollIntervalMs: 1000,
        maxItemAgeMs: 3 * 86_400_000,
        summaryMaxSentences: 3,
        summaryMaxChars: 500,
      },
    };
  }

  /** A feed with a subscription and its baseline taken, and two instances on the store. */
  async function setUp(): Promise<{ a: PipelineDeps; b: PipelineDeps; feedId: string }> {
    const a = await instance();
    feedServer.setItems('news', [testItem(1, 'Weather today')]);
    const feed = await a.feeds.ensure(feedServer.url('news'));
    await a.subscriptions.add({
      feedId: feed.id,
      query: 'bitcoin',
      destination: { platform: 'telegram', id: '-100' },
      scope: '-100',
      source: 'command',
    });
    expect(await processFeed(a, feed.id)).toBe('parsed');
    const b = await instance();
    return { a, b, feedId: feed.id };
  }

  it('enqueues a new item once when two checks find it at the same moment', async () => {
    const { a, b, feedId } = await setUp();
    feedServer.publish('news', testItem(2, 'Bitcoin climbs'));
    // Both checks read the seen set before either claims the item: the race the claim must settle.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    for (const deps of [a, b]) {
      const getMany = deps.store.seen.getMany.bind(deps.store.seen);
      deps.store.seen.getMany = (async (keys: string[]) => {
        // Only the detection's read waits for the other's (the check for edits of older items reads again later).
        deps.store.seen.getMany = getMany;
        const records = await getMany(keys);
        if (++arrived === 2) release();
        await bothRead;
        return records;
      }) as typeof deps.store.seen.getMany;
    }
    const enqueued: string[] = [];
    for (const [name, deps] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const enqueue = deps.outbox.enqueue.bind(deps.outbox);
      deps.outbox.enqueue = async (alert, now) => {
        const added = await enqueue(alert, now);
        if (added) enqueued.push(name);
        return added;
      };
    }
    await Promise.all([processFeed(a, feedId), processFeed(b, feedId)]);
    expect(arrived).toBe(2);
    expect(enqueued).toHaveLength(1);
    expect(await allOutboxEntries(a.store)).toBe(1);
  });

  it('writes the times of an unchanged check through at once: the next check may be another instance', async () => {
    const { a, b, feedId } = await setUp();
    expect(await processFeed(b, feedId)).toBe('not-modified');
    expect(b.feeds.unsaved()).toBe(0);
    expect((await a.store.feeds.get(feedId))?.nextCheckAt).toBe(b.feeds.get(feedId)!.nextCheckAt);
    // b's validators came from a's check, read from the store.
    expect(feedServer.requests.at(-1)!.headers['if-none-match']).toBeDefined();
  });

  it('processes again a claim left pending by an instance that died, and leaves a live claim alone', async () => {
    const { a, b, feedId } = await setUp();
    feedServer.publish('news', testItem(2, 'Bitcoin climbs'));
    // Instance a claims the item and dies before its alert is in the outbox.
    a.outbox.enqueue = async () => {
      throw new Error('killed');
    };
    await expect(processFeed(a, feedId)).rejects.toThrow('killed');
    expect(await allOutboxEntries(b.store)).toBe(0);

    // Soon after, the claim may still be at work: b leaves it.
    const claimedAt = Date.now();
    b.now = () => new Date(claimedAt + 1000);
    await processFeed(b, feedId);
    expect(await allOutboxEntries(b.store)).toBe(0);

    // Long after, the claim is stale: b enqueues the alert (it did not mark the body read while the claim was
    // pending, so it reads it again), and the claim is cleared.
    b.now = () => new Date(claimedAt + STALE_CLAIM_MS + 5000);
    await processFeed(b, feedId);
    expect(await allOutboxEntries(b.store)).toBe(1);
    const seen = await seenRecords(b.store);
    expect(seen.some((record) => record.pendingSince !== undefined)).toBe(false);
  });
});

async function allOutboxEntries(store: Store): Promise<number> {
  let count = 0;
  for await (const [, value] of store.outbox.iterator!(undefined)) if (value !== undefined) count++;
  return count;
}

async function seenRecords(store: Store): Promise<Array<{ pendingSince?: string }>> {
  const records: Array<{ pendingSince?: string }> = [];
  for await (const [, value] of store.seen.iterator!(undefined))
    if (value) records.push(value as { pendingSince?: string });
  return records;
}
