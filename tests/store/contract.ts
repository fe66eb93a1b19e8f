/**
 * What every store backend must do for Taza: each operation src/ uses (get, set with and without a TTL, has,
 * delete, getMany, setMany, listing through allValues, clear, ping, close and reopen), on each namespace, with
 * the records as Taza writes them. Run once per backend by tests/store/contract-*.test.ts.
 *
 * Expiry is tested with Date.now moved forward, not by waiting: keyv decides expiry from the `expires` time it
 * stores with each value, on every backend (Redis also expires the key itself, later, on its own clock).
 */
import type Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { allValues, NAMESPACES, StoreError, type Store } from '../../src/store/open.js';
import type { FeedRecord, OutboxEntry, Subscription } from '../../src/core/records.js';

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`the ${name} store`, () => {
    let store: Store;
    const realNow = Date.now.bind(Date);
    let offset = 0;
    /** Moves keyv's clock (Date.now) forward; timers and the servers' clocks are untouched. */
    const advanceClock = (ms: number) => {
      offset += ms;
      vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    };

    beforeEach(async () => {
      offset = 0;
      store = await open();
      for (const ns of NAMESPACES) await store[ns].clear();
    });
    afterEach(async () => {
      vi.restoreAllMocks();
      await store.close();
    });

    it('opens without a process warning (one connection, a listener per namespace)', async () => {
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
      process.on('warning', onWarning);
      try {
        const another = await open();
        await another.close();
        // Warnings are emitted on the next tick.
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings).toEqual([]);
    });

    it('gets, sets, tells whether it has, and deletes', async () => {
      expect(await store.feeds.get('nope')).toBeUndefined();
      expect(await store.feeds.has('nope')).toBe(false);
      await store.feeds.set('a', feed('a'));
      expect(await store.feeds.get('a')).toEqual(feed('a'));
      expect(await store.feeds.has('a')).toBe(true);
      await store.feeds.set('a', { ...feed('a'), failures: 3 });
      expect((await store.feeds.get('a'))?.failures).toBe(3);
      expect(await store.feeds.delete('a')).toBe(true);
      expect(await store.feeds.delete('a')).toBe(false);
      expect(await store.feeds.get('a')).toBeUndefined();
      expect(await store.feeds.has('a')).toBe(false);
    });

    it('gives back every record as Taza writes it: nested objects, Urdu, numbers, strings that look encoded', async () => {
      const sub = subscription('k3x9qa');
      const entry = outboxEntry('alert-1', 2);
      await store.subscriptions.set(sub.id, sub);
      await store.outbox.set('alert-1', entry);
      await store.meta.set('outbox-seq', 41);
      await store.meta.set('zero', 0);
      await store.seen.set('f:i', { firstSeenAt: '2026-11-29T09:30:00.000Z' });
      // keyv's serializer escapes strings that start with ':' (and decodes ':base64:' as a Buffer): a
      // story owner is an alert id, which may be anything.
      for (const value of ['alert-1', ':colon-first', ':base64:aGVsbG8=', '', 'اردو خبریں 🚀', '"quoted" \\ \n'])
        await store.stories.set(`owner:${value}`, value);

      expect(await store.subscriptions.get(sub.id)).toEqual(sub);
      expect(await store.outbox.get('alert-1')).toEqual(entry);
      expect(await store.meta.get('outbox-seq')).toBe(41);
      expect(await store.meta.get('zero')).toBe(0);
      expect(await store.seen.get('f:i')).toEqual({ firstSeenAt: '2026-11-29T09:30:00.000Z' });
      for (const value of ['alert-1', ':colon-first', ':base64:aGVsbG8=', '', 'اردو خبریں 🚀', '"quoted" \\ \n'])
        expect(await store.stories.get(`owner:${value}`)).toBe(value);
    });

    it('stores a Date as its ISO string and drops undefined fields (why records keep times as strings)', async () => {
      const at = new Date('2026-11-29T09:30:00.000Z');
      const value = { at, missing: undefined, nothing: null, list: [1, 'two', { three: true }] };
      await (store.seen as unknown as Keyv<unknown>).set('dated', value);
      expect(await store.seen.get('dated')).toEqual({
        at: '2026-11-29T09:30:00.000Z',
        nothing: null,
        list: [1, 'two', { three: true }],
      });
    });

    it('takes keys with colons, pipes, spaces and any script, and keeps them apart', async () => {
      const keys = [
        'feed:item:with:colons',
        'discord:123456789012345678|link:ab12cd',
        'telegram:@channel|title:9f',
        'key with spaces',
        'کلید-اردو',
        '键🚀',
        'a'.repeat(200),
        'A',
        'a',
      ];
      for (const [i, key] of keys.entries()) await store.seen.set(key, { firstSeenAt: `t${i}` });
      for (const [i, key] of keys.entries()) expect(await store.seen.get(key)).toEqual({ firstSeenAt: `t${i}` });
      const listed = await listKeys(store, 'seen');
      expect(listed.sort()).toEqual([...keys].sort());
    });

    it('keeps namespaces apart: the same key, clear() and listing touch one namespace only', async () => {
      await store.feeds.set('same', feed('same'));
      await store.seen.set('same', { firstSeenAt: 'seen' });
      await store.meta.set('same', 7);
      await store.stories.set('same', 'story');
      expect(await store.seen.get('same')).toEqual({ firstSeenAt: 'seen' });
      expect(await store.subscriptions.get('same')).toBeUndefined();
      await store.seen.delete('same');
      expect((await store.feeds.get('same'))?.id).toBe('same');
      await store.feeds.clear();
      expect(await store.feeds.get('same')).toBeUndefined();
      expect(await store.meta.get('same')).toBe(7);
      expect(await allValues(store.stories)).toEqual(['story']);
      expect(await allValues(store.feeds)).toEqual([]);
    });

    it('reads and writes many keys in one call, in order, a missing key as undefined, the last write winning', async () => {
      const entries = Array.from({ length: 60 }, (_, i) => ({ key: `feed:${i}`, value: { firstSeenAt: `t${i}` } }));
      await store.seen.setMany(entries);
      await store.seen.setMany([]);
      await store.seen.setMany([
        { key: 'feed:0', value: { firstSeenAt: 'first' } },
        { key: 'feed:0', value: { firstSeenAt: 'again' } },
      ]);
      const values = await store.seen.getMany(['feed:0', 'missing', 'feed:59', 'feed:30']);
      expect(values).toEqual([{ firstSeenAt: 'again' }, undefined, { firstSeenAt: 't59' }, { firstSeenAt: 't30' }]);
      expect(await store.seen.getMany([])).toEqual([]);
      const owners = await store.stories.getMany(['x|link:1', 'x|title:2']);
      expect(owners).toEqual([undefined, undefined]);
    });

    it('forgets a record once its TTL has passed: get, has, getMany and listing agree', async () => {
      await store.outbox.set('done', { ...outboxEntry('done', 1), status: 'done' }, 60_000);
      await store.outbox.set('pending', outboxEntry('pending', 2));
      await store.stories.setMany([
        { key: 'short', value: 'a', ttl: 60_000 },
        { key: 'long', value: 'b', ttl: 3_600_000 },
      ]);
      expect(await store.outbox.has('done')).toBe(true);
      advanceClock(120_000);
      // has() first: the SQL adapters' own has() counts an expired row until something deletes it.
      expect(await store.outbox.has('done')).toBe(false);
      expect(await store.outbox.get('done')).toBeUndefined();
      expect(await store.stories.getMany(['short', 'long'])).toEqual([undefined, 'b']);
      expect((await allValues(store.outbox)).map((e) => e.alert.id)).toEqual(['pending']);
      expect(await allValues(store.stories)).toEqual(['b']);
      // Written again after expiry, the key is live again.
      await store.stories.set('short', 'c', 60_000);
      expect(await store.stories.get('short')).toBe('c');
    });

    it('lists every live record, once, while expired ones are deleted during the listing (2,500 rows)', async () => {
      // Expired rows are deleted by keyv as the listing reaches them: a listing that pages by position
      // then skips live rows (pending alerts, at start-up).
      const entries = Array.from({ length: 2500 }, (_, i) => ({
        key: `alert-${String(i).padStart(4, '0')}`,
        value: outboxEntry(`alert-${i}`, i),
        ttl: i % 3 === 0 ? undefined : 60_000,
      }));
      for (let i = 0; i < entries.length; i += 500) await store.outbox.setMany(entries.slice(i, i + 500));
      advanceClock(120_000);
      const live = entries.filter((e) => e.ttl === undefined).map((e) => e.value.alert.id);
      const listed = (await allValues(store.outbox)).map((e) => e.alert.id);
      expect(listed).toHaveLength(live.length);
      expect(new Set(listed)).toEqual(new Set(live));
      // And the expired ones are gone for good.
      vi.restoreAllMocks();
      expect(await store.outbox.get('alert-0001')).toBeUndefined();
    });

    it('lists every live record while rows expire and are deleted mid-listing', async () => {
      const entries = Array.from({ length: 2500 }, (_, i) => ({
        key: `k${String(i).padStart(4, '0')}`,
        value: { firstSeenAt: `t${i}` },
        ttl: i % 2 === 0 ? 60_000 : undefined,
      }));
      for (let i = 0; i < entries.length; i += 500) await store.seen.setMany(entries.slice(i, i + 500));
      const deleted = new Set<string>();
      const seen = new Set<string>();
      let count = 0;
      for await (const [key] of store.seen.iterator!(undefined)) {
        seen.add(String(key));
        count++;
        // A third of the way through, the short-lived rows expire; half way, another caller deletes rows
        // all over the namespace (outbox entries done, say).
        if (count === 800) advanceClock(120_000);
        if (count === 1250)
          for (let i = 1; i < 2500; i += 10) {
            const key = `k${String(i).padStart(4, '0')}`;
            if (!seen.has(key)) {
              deleted.add(key);
              await store.seen.delete(key);
            }
          }
      }
      const mustSee = entries.filter((e) => e.ttl === undefined && !deleted.has(e.key)).map((e) => e.key);
      // A row deleted mid-listing may still be listed (it was in a page already read); a live one must be.
      for (const key of mustSee) expect(seen.has(key), `${key} was not listed`).toBe(true);
      expect(deleted.size).toBeGreaterThan(50);
    });

    it('keeps large values whole (a digest of 200 alerts, a 1 MB text)', async () => {
      const digest: OutboxEntry = {
        ...outboxEntry('digest', 1),
        alert: {
          ...outboxEntry('digest', 1).alert,
          digest: Array.from({ length: 200 }, (_, i) => outboxEntry(`a${i}`, i).alert),
        },
      };
      await store.outbox.set('digest', digest);
      expect(await store.outbox.get('digest')).toEqual(digest);
      const big = 'خبر news '.repeat(120_000);
      await store.feeds.set('big', { ...feed('big'), title: big });
      expect((await store.feeds.get('big'))?.title).toBe(big);
    });

    it('takes many concurrent writes across namespaces without an error', async () => {
      const writes = Array.from({ length: 400 }, (_, i) =>
        i % 2 === 0 ? store.seen.set(`f:${i}`, { firstSeenAt: 'x' }) : store.meta.set(`k${i}`, i),
      );
      await expect(Promise.all(writes)).resolves.toHaveLength(400);
      expect(await allValues(store.seen)).toHaveLength(200);
    });

    it('inserts if absent atomically: of 50 racing calls from two connections exactly one wins, and get reads it', async () => {
      const other = await open();
      try {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            (i % 2 === 0 ? store : other).insertIfAbsent('seen', 'feed:1|item:42', { firstSeenAt: `t${i}` }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = { firstSeenAt: `t${results.indexOf(true)}` };
        expect(await store.seen.get('feed:1|item:42')).toEqual(winner);
        expect(await other.seen.get('feed:1|item:42')).toEqual(winner);
        expect(await allValues(other.seen)).toEqual([winner]);
      } finally {
        await other.close();
      }
    });

    it('inserts if absent only where nothing live is: a set record blocks it, an expired one does not', async () => {
      await store.stories.set('taken', 'by set');
      expect(await store.insertIfAbsent('stories', 'taken', 'by insert')).toBe(false);
      expect(await store.stories.get('taken')).toBe('by set');

      // Values keyv's serializer escapes, and a key that already starts with the namespace's prefix.
      expect(await store.insertIfAbsent('stories', 'x|link:1', ':colon-first', 60_000)).toBe(true);
      expect(await store.insertIfAbsent('stories', 'stories:y', 'اردو 🚀', 60_000)).toBe(true);
      expect(await store.insertIfAbsent('stories', 'x|link:1', 'second', 60_000)).toBe(false);
      expect(await store.stories.get('x|link:1')).toBe(':colon-first');
      expect(await store.stories.get('stories:y')).toBe('اردو 🚀');
      expect(await store.insertIfAbsent('outbox', 'alert-1', outboxEntry('alert-1', 1))).toBe(true);
      expect(await store.outbox.get('alert-1')).toEqual(outboxEntry('alert-1', 1));
      expect(await store.insertIfAbsent('meta', 'zero', 0)).toBe(true);
      expect(await store.meta.get('zero')).toBe(0);

      // Its TTL is kept like set's: once past, the record is gone for get, and a later insert wins.
      advanceClock(120_000);
      expect(await store.insertIfAbsent('stories', 'x|link:1', 'after expiry', 60_000)).toBe(true);
      expect(await store.stories.get('x|link:1')).toBe('after expiry');
      expect(await store.stories.get('stories:y')).toBeUndefined();
      expect(await store.insertIfAbsent('stories', 'taken', 'by insert')).toBe(false);
      expect(await store.stories.getMany(['x|link:1', 'taken'])).toEqual(['after expiry', 'by set']);
    });

    it('rejects insertIfAbsent with a StoreError once closed', async () => {
      await store.close();
      await expect(store.insertIfAbsent('seen', 'k', { firstSeenAt: 'x' })).rejects.toBeInstanceOf(StoreError);
      store = await open();
    });

    it('answers the health ping', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('keeps its data across a close and a reopen', async () => {
      await store.feeds.set('a', feed('a'));
      await store.outbox.set('p', outboxEntry('p', 9));
      await store.meta.set('outbox-seq', 9);
      await store.close();
      store = await open();
      expect(await store.feeds.get('a')).toEqual(feed('a'));
      expect((await allValues(store.outbox)).map((e) => e.seq)).toEqual([9]);
      expect(await store.meta.get('outbox-seq')).toBe(9);
    });

    it('closes more than once without an error; afterwards operations reject, they do not reconnect', async () => {
      await store.close();
      await store.close();
      await expect(store.feeds.get('a')).rejects.toBeInstanceOf(StoreError);
      await expect(store.meta.set('a', 1)).rejects.toBeInstanceOf(StoreError);
      expect(await store.ping()).toBe(false);
      store = await open();
    });
  });
}

async function listKeys(store: Store, ns: (typeof NAMESPACES)[number]): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of store[ns].iterator!(undefined)) keys.push(String(key));
  return keys;
}

export function feed(id: string): FeedRecord {
  return {
    id,
    url: `https://news.example/${id}/feed.xml`,
    title: 'اردو خبریں',
    language: 'ur',
    etag: 'W/"abc"',
    lastError: { kind: 'http', message: '503 Service Unavailable', at: '2026-11-29T09:00:00.000Z', status: 503 },
    failures: 0,
    nextCheckAt: '2026-11-29T09:35:00.000Z',
    baselineTaken: true,
    createdAt: '2026-11-01T00:00:00.000Z',
  };
}

export function subscription(id: string): Subscription {
  return {
    id,
    feedId: 'f1',
    query: 'bitcoin OR "کرپٹو کونسل"',
    destination: { platform: 'discord', id: '123456789012345678' },
    scope: '987654321098765432',
    source: 'command',
    paused: { reason: 'Missing Access', at: '2026-11-29T09:00:00.000Z', by: 'delivery' },
    createdAt: '2026-11-01T00:00:00.000Z',
  };
}

export function outboxEntry(id: string, seq: number): OutboxEntry {
  return {
    alert: {
      id,
      subscriptionId: 'k3x9qa',
      destination: { platform: 'telegram', id: '-1001234567890' },
      feed: { id: 'f1', url: 'https://news.example/feed.xml', title: 'News' },
      item: { key: `i${seq}`, title: 'کرپٹو کونسل کا اجلاس', link: 'https://news.example/a?b=1&c=:2' },
      summary: { text: 'خلاصہ: ایک جملہ۔', lang: 'ur', dir: 'rtl' },
      matchedTerms: ['کرپٹو کونسل'],
      firstSeenAt: '2026-11-29T09:30:00.000Z',
      createdAt: '2026-11-29T09:30:01.000Z',
    },
    status: 'pending',
    seq,
    attempts: 0,
    nextAttemptAt: '2026-11-29T09:30:01.000Z',
  };
}
