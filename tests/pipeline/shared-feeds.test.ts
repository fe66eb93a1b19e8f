/**
 * The feed registry of an instance among several: feeds added or removed on one are known to the others through
 * 'taza:feeds' (and a reload, for a lost message); a feed is read fresh from the store before a check, and a check
 * that changed only the times is written through at once (tests/pipeline/shared-detection.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { openStore, type Store } from '../../src/store/open.js';
import type { TestServer } from '../support/servers/process.js';
import { startRedis } from '../support/servers/redis.js';

describe('feed registries shared by instances', () => {
  let redis: TestServer;
  let db = 0;
  const stores: Store[] = [];
  const registries: FeedRegistry[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });
  /** What the registries' following reported: nothing, in every test. */
  const followErrors: unknown[] = [];
  afterEach(async () => {
    // Unfollowing waits for reads under way, so none of them meets a closed store.
    await Promise.all(registries.splice(0).map((registry) => registry.unfollow()));
    await Promise.all(stores.splice(0).map((store) => store.close()));
    expect(followErrors.splice(0)).toEqual([]);
  });

  async function twoInstances(reloadMs = 60_000) {
    db++;
    // Each instance has its own id on one message bus.
    const coordinator = { ...createLocalCoordinator(), shared: true };
    const open = async () => {
      const store = await openStore({ storeUrl: `${redis.url}/${db}`, dataDir: '' });
      stores.push(store);
      const registry = await FeedRegistry.load(store, {
        coordinator: { ...coordinator, instanceId: `i${registries.length}` },
      });
      registries.push(registry);
      await registry.follow((error) => followErrors.push(error), reloadMs);
      return registry;
    };
    return { a: await open(), b: await open(), coordinator };
  }

  async function until(predicate: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('tells the other instances of an added and a removed feed', async () => {
    const { a, b } = await twoInstances();
    expect(a.shared).toBe(true);
    const feed = await a.ensure('https://news.example/feed.xml');
    await until(() => b.get(feed.id) !== undefined, 'the feed on the other instance');
    expect(b.findByUrl('https://news.example/feed.xml')?.id).toBe(feed.id);
    await a.remove(feed.id);
    await until(() => b.get(feed.id) === undefined, 'the feed gone on the other instance');
  });

  it('reloads every feed now and then, for a message that was lost', async () => {
    const { a, b } = await twoInstances(100);
    // Written behind the registries' backs: no message.
    const store = stores[0]!;
    await store.feeds.set('quiet', {
      id: 'quiet',
      url: 'https://quiet.example/feed.xml',
      failures: 0,
      nextCheckAt: new Date().toISOString(),
      baselineTaken: false,
      createdAt: new Date().toISOString(),
    });
    await until(() => a.get('quiet') !== undefined && b.get('quiet') !== undefined, 'the reload');
  });

  it('reads a feed fresh from the store: another instance may have checked it last', async () => {
    const { a, b } = await twoInstances();
    const feed = await a.ensure('https://news.example/feed.xml');
    await until(() => b.get(feed.id) !== undefined, 'the feed on the other instance');
    await a.save({ ...feed, etag: '"v2"', baselineTaken: true });
    expect((await b.refresh(feed.id))?.etag).toBe('"v2"');
    expect(b.get(feed.id)?.etag).toBe('"v2"');
  });
});
