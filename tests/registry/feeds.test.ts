import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { tempStore } from '../support/store.js';

describe('the feed registry', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  beforeEach(async () => (env = await tempStore()));
  afterEach(async () => {
    vi.restoreAllMocks();
    await env.cleanup();
  });

  it('writes durable changes at once and check times in batches at flush', async () => {
    const feeds = await FeedRegistry.load(env.store);
    const feed = await feeds.ensure('https://news.example/feed.xml');
    await feeds.save({ ...feed, etag: '"v1"' });
    feeds.saveLater({ ...feeds.get(feed.id)!, nextCheckAt: '2030-01-01T00:00:00.000Z' });
    expect(feeds.get(feed.id)!.nextCheckAt).toBe('2030-01-01T00:00:00.000Z');
    expect((await env.store.feeds.get(feed.id))!.etag).toBe('"v1"');
    expect((await env.store.feeds.get(feed.id))!.nextCheckAt).not.toBe('2030-01-01T00:00:00.000Z');
    await feeds.flush();
    const reloaded = await FeedRegistry.load(await env.reopen());
    expect(reloaded.get(feed.id)).toMatchObject({ etag: '"v1"', nextCheckAt: '2030-01-01T00:00:00.000Z' });
  });

  it('flushes many feeds in several bounded statements, losing none', async () => {
    const feeds = await FeedRegistry.load(env.store);
    const ids: string[] = [];
    for (let i = 0; i < 1201; i++) ids.push((await feeds.ensure(`https://news.example/${i}.xml`)).id);
    for (const id of ids) feeds.saveLater({ ...feeds.get(id)!, nextCheckAt: '2031-01-01T00:00:00.000Z' });
    const batches: number[] = [];
    const setMany = env.store.feeds.setMany.bind(env.store.feeds);
    env.store.feeds.setMany = (entries) => {
      batches.push(entries.length);
      return setMany(entries);
    };
    await feeds.flush();
    expect(batches).toEqual([500, 500, 201]);
    const reloaded = await FeedRegistry.load(await env.reopen());
    expect(ids.filter((id) => reloaded.get(id)?.nextCheckAt === '2031-01-01T00:00:00.000Z')).toHaveLength(1201);
  });

  it('does not write back a feed removed while its check was under way; added again, it is saved as usual', async () => {
    const feeds = await FeedRegistry.load(env.store);
    const url = 'https://news.example/feed.xml';
    const checked = await feeds.ensure(url);
    await feeds.remove(checked.id);
    // The check that started before the removal ends now, with its results.
    await feeds.save({ ...checked, etag: '"v2"', baselineTaken: true });
    feeds.saveLater({ ...checked, nextCheckAt: '2030-01-01T00:00:00.000Z' });
    await feeds.flush();
    expect(feeds.get(checked.id)).toBeUndefined();
    expect(feeds.findByUrl(url)).toBeUndefined();
    expect(await env.store.feeds.get(checked.id)).toBeUndefined();

    const again = await feeds.ensure(url);
    expect(again.baselineTaken).toBe(false);
    await feeds.save({ ...again, etag: '"v3"' });
    expect((await env.store.feeds.get(again.id))?.etag).toBe('"v3"');
  });

  it('shared: a feed another instance removed is not written back by a check here', async () => {
    // One millisecond for the whole test: a read that starts after a removal, in the same millisecond, is newer.
    vi.spyOn(Date, 'now').mockReturnValue(Date.now());
    const coordinator = { ...createLocalCoordinator(), shared: true };
    const here = await FeedRegistry.load(env.store, { coordinator: { ...coordinator, instanceId: 'here' } });
    const feed = await here.ensure('https://news.example/feed.xml');
    const there = await FeedRegistry.load(env.store, { coordinator: { ...coordinator, instanceId: 'there' } });
    await there.remove(feed.id);
    // This instance learns it (a message, or the read before a check) while its check runs.
    expect(await here.refresh(feed.id)).toBeUndefined();
    await here.save({ ...feed, etag: '"v2"' });
    expect(await env.store.feeds.get(feed.id)).toBeUndefined();
    await here.reload();
    expect(here.get(feed.id)).toBeUndefined();
    // Added again elsewhere: this instance takes it back, and saves it.
    const added = await there.ensure('https://news.example/feed.xml');
    expect(await here.refresh(added.id)).toEqual(added);
    await here.save({ ...added, etag: '"v3"' });
    expect((await env.store.feeds.get(added.id))?.etag).toBe('"v3"');
  });

  it('finds a feed by its current URL after a permanent redirect changed it', async () => {
    const feeds = await FeedRegistry.load(env.store);
    const feed = await feeds.ensure('http://old.example/feed');
    await feeds.save({ ...feed, url: 'https://new.example/feed' });
    expect(feeds.findByUrl('https://new.example/feed')?.id).toBe(feed.id);
    expect(feeds.findByUrl('http://old.example/feed')?.id).toBe(feed.id);
    expect(await feeds.ensure('https://new.example/feed')).toMatchObject({ id: feed.id });
  });
});
