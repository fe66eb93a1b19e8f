import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { DeliveryWorker, type DeliveryHooks } from '../../src/outbox/delivery.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { DeliveryError, type Sink } from '../../src/outbox/sink.js';
import { makeAlert } from '../support/alerts.js';
import { waitUntil } from '../support/instances.js';
import { condition } from '../support/wait.js';
import { captureLogger } from '../support/logger.js';
import { tempStore } from '../support/store.js';

/** A sink that records sends and fails as scripted. */
function scriptedSink(script: Array<DeliveryError | 'ok'> = []) {
  const sent: Alert[] = [];
  const attempts: Alert[] = [];
  const sink: Sink = {
    platform: 'telegram',
    start: async () => {},
    stop: async () => {},
    state: () => 'connected',
    async send(alert) {
      attempts.push(alert);
      const step = script.shift() ?? 'ok';
      if (step !== 'ok') {
        throw step;
      }
      sent.push(alert);
    },
  };
  return { sink, sent, attempts };
}

describe('delivery worker', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  let worker: DeliveryWorker | undefined;
  beforeEach(async () => (env = await tempStore()));
  afterEach(async () => {
    await worker?.stop();
    await env.cleanup();
  });

  let settled = () => {};
  beforeEach(() => (settled = () => {}));
  const hooks = (over: Partial<DeliveryHooks> = {}): DeliveryHooks => ({
    onPermanentFailure: async () => {},
    onMoved: async () => {},
    onSettled: () => settled(),
    ...over,
  });

  it('sends each alert once, oldest first, and logs alert.sent', async () => {
    const outbox = await Outbox.load(env.store);
    const { sink, sent } = scriptedSink();
    const { logger, lines } = captureLogger();
    const all = condition(() => sent.length === 3);
    settled = all.notify;
    worker = new DeliveryWorker({ outbox, sinks: { telegram: sink }, logger, hooks: hooks(), digestThreshold: 0 });
    worker.start();
    for (const n of [1, 2, 3]) await outbox.enqueue(makeAlert({ n }));
    expect(await outbox.enqueue(makeAlert({ n: 1 }))).toBe(false);
    await all.done;
    expect(sent.map((a) => a.id)).toEqual(['alert-1', 'alert-2', 'alert-3']);
    // The third send may be counted before the second's attempt has settled; its log line comes once it is marked.
    const logged = () => lines.filter((l) => l.event === 'alert.sent');
    await waitUntil(() => logged().length >= 3, 5000, 'three alert.sent lines');
    expect(logged()).toHaveLength(3);
    expect(logged()[0]).toMatchObject({
      destination: 'telegram:-100123',
      feedUrl: 'https://news.example/feed.xml',
      itemId: 'item-1',
      itemLink: 'https://news.example/1',
      matchedTerms: ['bitcoin'],
    });
  });

  it('retries a transient failure after the platform’s Retry-After and delivers once', async () => {
    const outbox = await Outbox.load(env.store);
    const { sink, sent, attempts } = scriptedSink([
      new DeliveryError('transient', '429', { retryAfterMs: 30 }),
      new DeliveryError('transient', '502', { retryAfterMs: 10 }),
    ]);
    const all = condition(() => sent.length === 1);
    settled = all.notify;
    worker = new DeliveryWorker({ outbox, sinks: { telegram: sink }, logger: captureLogger().logger, hooks: hooks() });
    worker.start();
    await outbox.enqueue(makeAlert({ n: 1 }));
    await all.done;
    expect(attempts).toHaveLength(3);
    expect(sent).toHaveLength(1);
    expect(outbox.depth()).toBe(0);
  });

  it('keeps other destinations moving while one waits', async () => {
    const outbox = await Outbox.load(env.store);
    const sent: string[] = [];
    const done = condition(() => sent.includes('alert-2'));
    const sink: Sink = {
      platform: 'telegram',
      start: async () => {},
      stop: async () => {},
      state: () => 'connected',
      async send(alert) {
        if (alert.destination.id === '-1') throw new DeliveryError('transient', 'down', { retryAfterMs: 60_000 });
        sent.push(alert.id);
      },
    };
    settled = done.notify;
    worker = new DeliveryWorker({ outbox, sinks: { telegram: sink }, logger: captureLogger().logger, hooks: hooks() });
    worker.start();
    await outbox.enqueue(makeAlert({ n: 1, to: { platform: 'telegram', id: '-1' } }));
    await outbox.enqueue(makeAlert({ n: 2, to: { platform: 'telegram', id: '-2' } }));
    await done.done;
    expect(sent).toEqual(['alert-2']);
    expect(outbox.depth()).toBe(1);
  });

  it('pauses the destination once on a permanent error and does not retry', async () => {
    const outbox = await Outbox.load(env.store);
    const { sink, attempts } = scriptedSink([new DeliveryError('permanent', 'bot was kicked from the group chat')]);
    const paused: string[] = [];
    const done = condition(() => paused.length === 1 && outbox.depth() === 0);
    settled = done.notify;
    worker = new DeliveryWorker({
      outbox,
      sinks: { telegram: sink },
      logger: captureLogger().logger,
      hooks: hooks({ onPermanentFailure: async (d, reason) => void paused.push(`${d.id}:${reason}`) }),
    });
    await outbox.enqueue(makeAlert({ n: 1 }));
    await outbox.enqueue(makeAlert({ n: 2 }));
    worker.start();
    await done.done;
    await worker.stop();
    expect(paused).toEqual(['-100123:bot was kicked from the group chat']);
    expect(attempts).toHaveLength(1);
  });

  it('follows a migrated Telegram chat and resends there', async () => {
    const outbox = await Outbox.load(env.store);
    const { sink, sent } = scriptedSink([new DeliveryError('moved', 'group upgraded', { movedTo: '-1009999' })]);
    const moved: string[] = [];
    const all = condition(() => sent.length === 2);
    settled = all.notify;
    worker = new DeliveryWorker({
      outbox,
      sinks: { telegram: sink },
      logger: captureLogger().logger,
      hooks: hooks({ onMoved: async (f, t) => void moved.push(`${f.id}->${t.id}`) }),
    });
    await outbox.enqueue(makeAlert({ n: 1 }));
    await outbox.enqueue(makeAlert({ n: 2 }));
    worker.start();
    await all.done;
    expect(moved).toEqual(['-100123->-1009999']);
    expect(sent.map((a) => a.destination.id)).toEqual(['-1009999', '-1009999']);
  });

  it('collapses a burst beyond the threshold into a digest, losing nothing', async () => {
    const outbox = await Outbox.load(env.store);
    const { sink, sent } = scriptedSink();
    const { logger, lines } = captureLogger();
    const all = condition(() => outbox.depth() === 0);
    settled = all.notify;
    for (let n = 1; n <= 12; n++) await outbox.enqueue(makeAlert({ n }));
    worker = new DeliveryWorker({ outbox, sinks: { telegram: sink }, logger, hooks: hooks(), digestThreshold: 3 });
    worker.start();
    await all.done;
    expect(sent.slice(0, 3).map((a) => a.id)).toEqual(['alert-1', 'alert-2', 'alert-3']);
    expect(sent).toHaveLength(4);
    expect(sent[3]!.item.title).toBe('9 new alerts');
    expect(sent[3]!.digest!.map((a) => a.id)).toEqual(Array.from({ length: 9 }, (_, i) => `alert-${i + 4}`));
    expect(lines.filter((l) => l.event === 'alert.sent')).toHaveLength(12);
  });

  it('sends what was pending before a restart', async () => {
    const first = await Outbox.load(env.store);
    await first.enqueue(makeAlert({ n: 1 }));
    const store = await env.reopen();
    const outbox = await Outbox.load(store);
    expect(outbox.depth()).toBe(1);
    const { sink, sent } = scriptedSink();
    const all = condition(() => sent.length === 1);
    settled = all.notify;
    worker = new DeliveryWorker({ outbox, sinks: { telegram: sink }, logger: captureLogger().logger, hooks: hooks() });
    worker.start();
    await all.done;
    expect(sent[0]!.id).toBe('alert-1');
    const again = await Outbox.load(store);
    expect(again.depth()).toBe(0);
    expect(await again.enqueue(makeAlert({ n: 1 }))).toBe(false);
  });
});
