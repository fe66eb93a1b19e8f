import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allValues } from '../../src/store/open.js';
import { tempStore } from '../support/store.js';

describe('the embedded store', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  beforeEach(async () => (env = await tempStore()));
  afterEach(async () => env.cleanup());

  it('keeps namespaces apart and survives a restart', async () => {
    await env.store.feeds.set('a', {
      id: 'a',
      url: 'https://x/feed',
      failures: 0,
      nextCheckAt: 'now',
      baselineTaken: true,
      createdAt: 'then',
    });
    await env.store.meta.set('a', 7);
    const store = await env.reopen();
    expect((await store.feeds.get('a'))?.url).toBe('https://x/feed');
    expect(await store.meta.get('a')).toBe(7);
    expect(await store.subscriptions.get('a')).toBeUndefined();
    expect((await allValues(store.feeds)).map((f) => f.id)).toEqual(['a']);
  });

  it('takes many concurrent writes across namespaces without a lock error', async () => {
    const writes = Array.from({ length: 400 }, (_, i) =>
      i % 2 === 0 ? env.store.seen.set(`f:${i}`, { firstSeenAt: 'x' }) : env.store.meta.set(`k${i}`, i),
    );
    await expect(Promise.all(writes)).resolves.toHaveLength(400);
    expect(await allValues(env.store.seen)).toHaveLength(200);
  });

  it('answers the health ping', async () => {
    expect(await env.store.ping()).toBe(true);
  });
});

describe('the embedded store, many keys at once', () => {
  it('writes and reads back many keys in one call, TTL included', async () => {
    const env = await tempStore();
    const entries = Array.from({ length: 60 }, (_, i) => ({
      key: `feed:${i}`,
      value: { firstSeenAt: `t${i}` },
      ttl: 60_000,
    }));
    await env.store.seen.setMany(entries);
    await env.store.seen.setMany([{ key: 'feed:0', value: { firstSeenAt: 'again' } }]);
    const values = await env.store.seen.getMany(entries.map((e) => e.key));
    expect(values[0]).toEqual({ firstSeenAt: 'again' });
    expect(values[59]).toEqual({ firstSeenAt: 't59' });
    const store = await env.reopen();
    expect(await store.seen.get('feed:30')).toEqual({ firstSeenAt: 't30' });
    await env.cleanup();
  });
});
