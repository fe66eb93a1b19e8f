/**
 * The digest buffer on a real (SQLite) store: alerts held until their release, one message with their titles at
 * the boundary and nothing when none, split only past a platform's limit, surviving a restart on the same store,
 * and one digest when two instances release at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { parseSchedule, type DeliverySchedule } from '../../src/core/delivery-schedule.js';
import type { Subscription } from '../../src/core/records.js';
import { DigestBuffer } from '../../src/digests/buffer.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { allValues, type Store } from '../../src/store/open.js';
import { renderTelegram } from '../../src/render/index.js';
import { makeAlert } from '../support/alerts.js';
import { captureLogger } from '../support/logger.js';
import { tempStore } from '../support/store.js';
import { condition } from '../support/wait.js';

function scheduleOf(input: Parameters<typeof parseSchedule>[0]): DeliverySchedule {
  const parsed = parseSchedule(input);
  if (!parsed.ok || !parsed.schedule) throw new Error('bad schedule');
  return parsed.schedule;
}

function subscription(schedule: DeliverySchedule | undefined, id = 'sub-1'): Subscription {
  return {
    id,
    feedId: 'feed-1',
    query: 'bitcoin',
    destination: { platform: 'telegram', id: '-100123' },
    scope: '-100123',
    source: 'command',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...(schedule ? { schedule } : {}),
  };
}

describe('DigestBuffer', () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let clock: number;
  const subs = new Map<string, Subscription>();
  const registry = { get: (id: string) => subs.get(id) };
  const now = () => new Date(clock);

  async function instance(onStore = store) {
    const outbox = await Outbox.load(onStore);
    const buffer = new DigestBuffer({
      store: onStore,
      outbox,
      subscriptions: registry,
      logger: captureLogger().logger,
      now,
    });
    return { outbox, buffer };
  }

  function pending(outbox: Outbox): Alert[] {
    return [...outbox.byDestination().values()].flat().map((entry) => entry.alert);
  }

  beforeEach(async () => {
    temp = await tempStore();
    store = temp.store;
    subs.clear();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await temp.cleanup();
  });

  it('hourly digest in Karachi: held until the boundary, then one message listing the titles; nothing when none', async () => {
    subs.set('sub-1', subscription(scheduleOf({ every: '1h', timeZone: 'Asia/Karachi' })));
    const { outbox, buffer } = await instance();
    clock = Date.parse('2026-05-01T10:20:00Z');
    for (const n of [1, 2, 3]) expect(await buffer.route(makeAlert({ n }), now())).toBeUndefined();
    expect(outbox.depth()).toBe(0);

    clock = Date.parse('2026-05-01T10:59:59Z');
    expect(await buffer.releaseDue()).toBe(0);
    expect(outbox.depth()).toBe(0);

    clock = Date.parse('2026-05-01T11:00:00Z');
    expect(await buffer.releaseDue()).toBe(1);
    const [digest] = pending(outbox);
    expect(digest!.digest?.map((a) => a.item.title)).toEqual(['Story 1', 'Story 2', 'Story 3']);
    expect(digest!.item.title).toBe('Digest: 3 new alerts');
    const text = renderTelegram(digest!).text;
    expect(text).toContain('<b>Digest: 3 new alerts</b>');
    expect(text).toContain('<a href="https://news.example/2">Story 2</a>');
    // Released once: the held alerts are gone, and the next boundary with nothing held posts nothing.
    expect((await allValues(store.digests)).filter((r) => r.kind === 'held')).toEqual([]);
    expect(await buffer.releaseDue()).toBe(0);
    clock = Date.parse('2026-05-01T12:00:00Z');
    expect(await buffer.releaseDue()).toBe(0);
    expect(outbox.depth()).toBe(1);
  });

  it('instant with quiet hours: held during the window and released as one digest when it ends; silent mode marks it', async () => {
    subs.set('sub-1', subscription(scheduleOf({ quiet: '22:00-07:00', timeZone: 'Asia/Karachi' })));
    subs.set(
      'sub-2',
      subscription(scheduleOf({ quiet: '22:00-07:00', quietMode: 'silent', timeZone: 'Asia/Karachi' }), 'sub-2'),
    );
    const { outbox, buffer } = await instance();
    clock = Date.parse('2026-05-01T12:00:00Z'); // 17:00 Karachi
    expect(await buffer.route(makeAlert({ n: 1 }), now())).toMatchObject({ id: 'alert-1' });
    clock = Date.parse('2026-05-01T18:00:00Z'); // 23:00 Karachi
    expect(await buffer.route(makeAlert({ n: 2 }), now())).toBeUndefined();
    expect(await buffer.route(makeAlert({ n: 3 }), now())).toBeUndefined();
    const silent = await buffer.route(makeAlert({ n: 4, overrides: { subscriptionId: 'sub-2' } }), now());
    expect(silent).toMatchObject({ id: 'alert-4', silent: true });

    clock = Date.parse('2026-05-02T01:59:00Z');
    expect(await buffer.releaseDue()).toBe(0);
    clock = Date.parse('2026-05-02T02:00:00Z'); // 07:00 Karachi
    expect(await buffer.releaseDue()).toBe(1);
    const [released] = pending(outbox);
    expect(released!.item.title).toBe('Held during quiet hours: 2 new alerts');
    expect(released!.digest?.map((a) => a.id)).toEqual(['alert-2', 'alert-3']);
    expect(released!.silent).toBeUndefined();
  });

  it('one alert held by quiet hours goes out as itself', async () => {
    subs.set('sub-1', subscription(scheduleOf({ quiet: '22:00-07:00', timeZone: 'Asia/Karachi' })));
    const { outbox, buffer } = await instance();
    clock = Date.parse('2026-05-01T18:00:00Z');
    await buffer.route(makeAlert({ n: 7 }), now());
    clock = Date.parse('2026-05-02T02:00:00Z');
    await buffer.releaseDue();
    expect(pending(outbox).map((a) => [a.id, a.digest])).toEqual([['alert-7', undefined]]);
  });

  it('the held alerts survive a restart on the same store and go out at the boundary after it', async () => {
    subs.set('sub-1', subscription(scheduleOf({ every: 'daily 09:00', timeZone: 'Europe/London' })));
    clock = Date.parse('2026-03-28T12:00:00Z');
    const first = await instance();
    await first.buffer.route(makeAlert({ n: 1 }), now());
    await first.buffer.route(makeAlert({ n: 2 }), now());
    await first.buffer.stop();

    store = await temp.reopen();
    const second = await instance(store);
    // 09:00 London on the day the clocks went forward is 08:00 UTC.
    clock = Date.parse('2026-03-29T07:59:00Z');
    expect(await second.buffer.releaseDue()).toBe(0);
    clock = Date.parse('2026-03-29T08:00:00Z');
    expect(await second.buffer.releaseDue()).toBe(1);
    expect(pending(second.outbox)[0]!.digest?.map((a) => a.id)).toEqual(['alert-1', 'alert-2']);
  });

  it('two instances releasing at once post one digest', async () => {
    subs.set('sub-1', subscription(scheduleOf({ every: '6h', timeZone: 'Asia/Karachi' })));
    clock = Date.parse('2026-05-01T10:00:00Z');
    // The store contract says insertIfAbsent is atomic across instances; kept so here for this one store.
    const insert = store.insertIfAbsent.bind(store);
    let chain = Promise.resolve(true);
    store.insertIfAbsent = (...args) => (chain = chain.then(() => insert(...args)));
    const a = await instance();
    const b = await instance();
    await a.buffer.route(makeAlert({ n: 1 }), now());
    await b.buffer.route(makeAlert({ n: 2 }), now());
    clock = Date.parse('2026-05-01T13:00:00Z'); // 18:00 Karachi
    const counts = await Promise.all([a.buffer.releaseDue(), b.buffer.releaseDue()]);
    expect(counts.sort()).toEqual([0, 1]);
    const enqueued = [...(await allValues(store.outbox))];
    expect(enqueued).toHaveLength(1);
    expect(enqueued[0]!.alert.digest?.map((x) => x.id)).toEqual(['alert-1', 'alert-2']);
  });

  it('an alert held for a release already posted (an instance whose clock is behind) goes out late, not lost', async () => {
    subs.set('sub-1', subscription(scheduleOf({ every: '1h', timeZone: 'Asia/Karachi' })));
    const a = await instance();
    const b = await instance();
    clock = Date.parse('2026-05-01T10:20:00Z');
    await a.buffer.route(makeAlert({ n: 1 }), now());
    clock = Date.parse('2026-05-01T11:00:00Z');
    expect(await a.buffer.releaseDue()).toBe(1);
    // Instance b's clock is two seconds behind: for it the boundary has not come, so it holds for the one just posted.
    await b.buffer.route(makeAlert({ n: 2 }), new Date(clock - 2000));
    clock += 1000;
    // The next pass finds the release done, moves the alert to a late release, and the pass after posts it.
    await b.buffer.releaseDue();
    await a.buffer.releaseDue();
    const sent = [...(await allValues(store.outbox))].map((entry) => entry.alert.digest?.map((x) => x.id));
    expect(sent).toEqual(expect.arrayContaining([['alert-1'], ['alert-2']]));
    expect(sent).toHaveLength(2);
    expect((await allValues(store.digests)).filter((record) => record.kind === 'held')).toHaveLength(0);
  });

  it('a digest longer than a Telegram message is split into parts that each fit, titles all kept', async () => {
    subs.set('sub-1', subscription(scheduleOf({ every: '1h' })));
    const { outbox, buffer } = await instance();
    clock = Date.parse('2026-05-01T10:20:00Z');
    const long = 'A long headline about the markets and the council that keeps going '.repeat(2);
    for (let n = 1; n <= 60; n++) await buffer.route(makeAlert({ n, title: `${n}: ${long}` }), now());
    clock = Date.parse('2026-05-01T11:00:00Z');
    const messages = await buffer.releaseDue();
    expect(messages).toBeGreaterThan(1);
    const parts = pending(outbox);
    expect(parts).toHaveLength(messages);
    expect(parts.flatMap((p) => p.digest!.map((a) => a.id))).toEqual(
      Array.from({ length: 60 }, (_, i) => `alert-${i + 1}`),
    );
    for (const [index, part] of parts.entries()) {
      const text = renderTelegram(part).text;
      expect(text).toContain(`(${index + 1}/${parts.length})`);
      expect(text).not.toContain('more');
      expect(text.replace(/<[^>]*>/g, '').length).toBeLessThanOrEqual(4096);
    }
  });

  it('with fake timers: the release runs by itself at the boundary', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    subs.set('sub-1', subscription(scheduleOf({ every: '1h', timeZone: 'Asia/Karachi' })));
    clock = Date.parse('2026-05-01T10:59:00Z');
    const { outbox, buffer } = await instance();
    buffer.start();
    await buffer.route(makeAlert({ n: 1 }), now());
    await buffer.route(makeAlert({ n: 2 }), now());
    const enqueued = condition(() => outbox.depth() === 1);
    outbox.onEnqueue(enqueued.notify);
    clock = Date.parse('2026-05-01T11:00:00Z');
    await vi.advanceTimersByTimeAsync(60_000);
    await enqueued.done;
    expect(pending(outbox)[0]!.digest).toHaveLength(2);
    await buffer.stop();
  });

  it('the held alerts of a removed subscription are dropped, not posted', async () => {
    subs.set('sub-1', subscription(scheduleOf({ every: '1h' })));
    const { outbox, buffer } = await instance();
    clock = Date.parse('2026-05-01T10:20:00Z');
    await buffer.route(makeAlert({ n: 1 }), now());
    subs.delete('sub-1');
    clock = Date.parse('2026-05-01T11:00:00Z');
    expect(await buffer.releaseDue()).toBe(0);
    expect(outbox.depth()).toBe(0);
    expect((await allValues(store.digests)).filter((r) => r.kind === 'held')).toEqual([]);
  });

  it('a paused subscription keeps what it held until it is resumed', async () => {
    const active = subscription(scheduleOf({ every: '1h' }));
    subs.set('sub-1', {
      ...active,
      paused: { reason: 'paused by an admin', at: '2026-05-01T10:30:00.000Z', by: 'user' },
    });
    const { outbox, buffer } = await instance();
    clock = Date.parse('2026-05-01T10:20:00Z');
    await buffer.route(makeAlert({ n: 1 }), now());
    clock = Date.parse('2026-05-01T11:00:00Z');
    expect(await buffer.releaseDue()).toBe(0);
    expect(outbox.depth()).toBe(0);
    subs.set('sub-1', active);
    clock = Date.parse('2026-05-01T11:05:00Z');
    expect(await buffer.releaseDue()).toBe(1);
    expect(pending(outbox)[0]!.digest?.map((a) => a.id)).toEqual(['alert-1']);
  });
});
