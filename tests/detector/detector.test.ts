import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedItem } from '../../src/core/feed.js';
import { detectNewItems } from '../../src/detector/index.js';
import { tempStore } from '../support/store.js';

const item = (key: string, published?: Date): FeedItem => ({ key, title: key, html: '', categories: [], published });

describe('new-item detection', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  beforeEach(async () => (env = await tempStore()));
  afterEach(async () => env.cleanup());
  const now = new Date('2026-11-29T12:00:00Z');
  const base = { feedId: 'f1', maxItemAgeMs: 3 * 86_400_000, now };

  it('takes the first fetch as a silent baseline', async () => {
    const result = await detectNewItems({
      ...base,
      seen: env.store.seen,
      items: [item('a'), item('b')],
      baseline: true,
    });
    expect(result.fresh).toEqual([]);
    expect(result.silenced).toBe(2);
    const next = await detectNewItems({
      ...base,
      seen: env.store.seen,
      items: [item('c'), item('a'), item('b')],
      baseline: false,
    });
    expect(next.fresh.map((f) => f.item.key)).toEqual(['c']);
  });

  it('remembers items that leave the feed and come back', async () => {
    await detectNewItems({ ...base, seen: env.store.seen, items: [item('a')], baseline: true });
    await detectNewItems({ ...base, seen: env.store.seen, items: [item('b')], baseline: false });
    const back = await detectNewItems({
      ...base,
      seen: env.store.seen,
      items: [item('a'), item('b')],
      baseline: false,
    });
    expect(back.fresh).toEqual([]);
  });

  it('records but does not alert items published long before they were first seen', async () => {
    const old = new Date(now.getTime() - 5 * 86_400_000);
    const result = await detectNewItems({
      ...base,
      seen: env.store.seen,
      items: [item('old', old), item('new', now)],
      baseline: false,
    });
    expect(result.fresh.map((f) => f.item.key)).toEqual(['new']);
    expect(result.silenced).toBe(1);
  });

  it('keeps the seen set across a restart', async () => {
    await detectNewItems({ ...base, seen: env.store.seen, items: [item('a')], baseline: true });
    const store = await env.reopen();
    const result = await detectNewItems({ ...base, seen: store.seen, items: [item('a'), item('z')], baseline: false });
    expect(result.fresh.map((f) => f.item.key)).toEqual(['z']);
  });

  it('orders fresh items oldest first and keeps first-seen time for undated items', async () => {
    const t1 = new Date(now.getTime() - 60_000);
    const t2 = new Date(now.getTime() - 120_000);
    const result = await detectNewItems({
      ...base,
      seen: env.store.seen,
      items: [item('undated'), item('newer', t1), item('older', t2)],
      baseline: false,
    });
    expect(result.fresh.map((f) => f.item.key)).toEqual(['older', 'newer', 'undated']);
    expect(result.fresh[2]!.firstSeenAt).toBe(now.toISOString());
  });

  it('counts an item repeated inside one document once', async () => {
    const result = await detectNewItems({
      ...base,
      seen: env.store.seen,
      items: [item('a'), item('a')],
      baseline: false,
    });
    expect(result.fresh).toHaveLength(1);
  });
});
