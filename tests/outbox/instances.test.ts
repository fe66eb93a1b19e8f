/**
 * The outbox and the delivery worker with three instances on one real Redis or Postgres: every alert delivered
 * exactly once per destination, oldest first, never two sends in flight to one destination, and the pending
 * alerts of an instance that died mid-send delivered by the others once its lease expires.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Destination } from '../../src/core/destination.js';
import { allValues } from '../../src/store/open.js';
import { DeliveryWorker } from '../../src/outbox/delivery.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { claimStory } from '../../src/outbox/stories.js';
import type { Sink } from '../../src/outbox/sink.js';
import { makeAlert } from '../support/alerts.js';
import { captureLogger } from '../support/logger.js';
import type { TestServer } from '../support/servers/process.js';
import { BACKENDS, clearStore, DeliveryRecord, openInstances, waitUntil, type Instance } from '../support/instances.js';

const LEASE_TTL_MS = 1000;
const destination = (n: number): Destination => ({ platform: 'telegram', id: `-100${n}` });

describe.each(BACKENDS)('outbox and delivery, three instances on $name', (backend) => {
  let server: TestServer;
  let instances: Instance[];
  const workers: DeliveryWorker[] = [];
  const outboxes: Outbox[] = [];

  beforeAll(async () => {
    server = await backend.start();
  }, 60_000);
  afterAll(async () => server?.close());
  beforeEach(async () => {
    instances = await openInstances(backend, server.url, 3);
    await clearStore(instances[0]!.store);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await Promise.all(outboxes.splice(0).map((outbox) => outbox.close()));
    await Promise.all(instances.map((instance) => instance.close()));
  });

  const outboxOf = async (instance: Instance) => {
    const outbox = await Outbox.load(instance.store, { coordinator: instance.coordinator, reloadMs: 500 });
    outboxes.push(outbox);
    return outbox;
  };
  /** `killed`: never stopped (its send never ends, as in a process that died during it). */
  const workerOf = (instance: Instance, outbox: Outbox, sink: Sink, killed = false, digestThreshold = 0) => {
    const worker = new DeliveryWorker({
      outbox,
      sinks: { telegram: sink },
      logger: captureLogger().logger,
      hooks: { onPermanentFailure: async () => {}, onMoved: async () => {} },
      digestThreshold,
      digestGatherMs: 50,
      coordinator: instance.coordinator,
      leaseTtlMs: LEASE_TTL_MS,
      leaseRetryMs: 50,
    });
    if (!killed) workers.push(worker);
    return worker;
  };

  it('delivers 150 alerts enqueued by three instances (30 of them by all three) once each, in order, one at a time per destination', async () => {
    const boxes = await Promise.all(instances.map(outboxOf));
    const alerts = Array.from({ length: 150 }, (_, i) => makeAlert({ n: i + 1, to: destination(i % 5) }));
    // Each instance enqueues its third, in order; the first 30 are enqueued by all three at once.
    const accepted = await Promise.all(
      boxes.map(async (outbox, index) => {
        let count = 0;
        for (const alert of alerts) {
          const n = Number(alert.id.slice('alert-'.length));
          if (n > 30 && n % 3 !== index) continue;
          if (await outbox.enqueue(alert)) count++;
        }
        return count;
      }),
    );
    expect(accepted.reduce((a, b) => a + b, 0)).toBe(150);
    const stored = await allValues(instances[0]!.store.outbox);
    expect(stored).toHaveLength(150);
    // Every instance's view has caught up (messages, then the periodic reload) before delivery starts.
    await waitUntil(() => boxes.every((outbox) => outbox.depth() === 150), 5000, 'every outbox sees 150 pending');

    const record = new DeliveryRecord();
    const all = new Promise<void>((resolve) => record.onChange(() => record.all().length >= 150 && resolve()));
    for (const [i, instance] of instances.entries()) workerOf(instance, boxes[i]!, record.sink()).start();
    await all;
    await waitUntil(() => boxes.every((outbox) => outbox.depth() === 0), 5000, 'every outbox sees 0 pending');

    const delivered = record.all();
    expect(delivered).toHaveLength(150);
    expect(new Set(delivered).size).toBe(150);
    expect(record.maxInFlight).toBe(1);
    // Per destination, oldest first: the order of the sequence numbers the store holds (ties by id).
    for (let d = 0; d < 5; d++) {
      const key = `telegram:${destination(d).id}`;
      const expected = stored
        .filter((entry) => entry.alert.destination.id === destination(d).id)
        .sort((a, b) => a.seq - b.seq || a.alert.id.localeCompare(b.alert.id))
        .map((entry) => entry.alert.id);
      expect(record.delivered.get(key)).toEqual(expected);
    }
    const after = await allValues(instances[0]!.store.outbox);
    expect(after.filter((entry) => entry.status !== 'done')).toEqual([]);
  }, 60_000);

  it('an instance killed mid-send: the others deliver its pending alerts once its lease expires, each once', async () => {
    const [dying, ...survivors] = instances as [Instance, Instance, Instance];
    const record = new DeliveryRecord();
    const dyingOutbox = await outboxOf(dying);
    const survivorOutboxes = await Promise.all(survivors.map(outboxOf));
    // The dying instance made all 30 alerts, to 3 destinations, and is the only one sending at first.
    for (let n = 1; n <= 30; n++) await dyingOutbox.enqueue(makeAlert({ n, to: destination(n % 3) }));
    const dyingSink = record.sink({ hang: () => true });
    const hungAll = new Promise<void>((resolve) => record.onChange(() => dyingSink.hung.length === 3 && resolve()));
    workerOf(dying, dyingOutbox, dyingSink, true).start();
    await hungAll;
    // Killed: no lease released, no renewal any more, its process-local state gone.
    await dyingOutbox.close();
    await dying.coordinator.close();
    const killedAt = Date.now();

    const all = new Promise<void>((resolve) => record.onChange(() => record.all().length >= 30 && resolve()));
    for (const [i, survivor] of survivors.entries()) workerOf(survivor, survivorOutboxes[i]!, record.sink()).start();
    await all;
    const takeoverMs = Date.now() - killedAt;

    expect(takeoverMs).toBeLessThan(30_000);
    const delivered = record.all();
    expect(delivered).toHaveLength(30);
    expect(new Set(delivered).size).toBe(30);
    // The three alerts in flight when it died are among them.
    for (const alert of dyingSink.hung) expect(delivered).toContain(alert.id);
    expect(record.maxInFlight).toBe(1);
    for (let d = 0; d < 3; d++) {
      const ids = record.delivered.get(`telegram:${destination(d).id}`)!.map((id) => Number(id.slice(6)));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    // Marked done once acknowledged (the last mark may still be on its way).
    await waitUntil(
      async () => (await allValues(survivors[0].store.outbox)).every((entry) => entry.status === 'done'),
      5000,
      'every alert marked done in the store',
    );
  }, 60_000);

  it('a delivery waits while another instance holds the destination, and the lease is kept through a slow send', async () => {
    const [first, second] = instances as [Instance, Instance, Instance];
    const record = new DeliveryRecord();
    const [a, b] = await Promise.all([outboxOf(first), outboxOf(second)]);
    // Each send takes three lease lifetimes: only renewals keep the other instance from sending the same alert.
    const slow = 3 * LEASE_TTL_MS;
    for (let n = 1; n <= 2; n++) await a.enqueue(makeAlert({ n, to: destination(7) }));
    await waitUntil(() => b.depth() === 2, 5000, 'the second instance sees both alerts');
    const done = new Promise<void>((resolve) => record.onChange(() => record.all().length >= 2 && resolve()));
    workerOf(first, a, record.sink({ sendMs: slow })).start();
    workerOf(second, b, record.sink({ sendMs: slow })).start();
    await done;
    expect(record.all()).toEqual(['alert-1', 'alert-2']);
    expect(record.maxInFlight).toBe(1);
  }, 60_000);

  it('a burst to one destination is sent by one instance and collapses into a digest as it would alone', async () => {
    const boxes = await Promise.all(instances.map(outboxOf));
    for (let n = 1; n <= 12; n++) await boxes[n % 3]!.enqueue(makeAlert({ n, to: destination(8) }));
    await waitUntil(() => boxes.every((outbox) => outbox.depth() === 12), 5000, 'every outbox sees the burst');
    const record = new DeliveryRecord();
    const all = new Promise<void>((resolve) => record.onChange(() => record.all().length >= 12 && resolve()));
    for (const [i, instance] of instances.entries()) workerOf(instance, boxes[i]!, record.sink(), false, 3).start();
    await all;
    // Three alone, then the rest as one digest, oldest first: what one instance does with a threshold of 3.
    const ids = (await allValues(instances[0]!.store.outbox))
      .sort((a, b) => a.seq - b.seq || a.alert.id.localeCompare(b.alert.id))
      .map((entry) => entry.alert.id);
    expect(record.sends).toEqual([[ids[0]], [ids[1]], [ids[2]], ids.slice(3)]);
  }, 60_000);

  it('one story from two instances at once is claimed by one of them', async () => {
    const item = { title: 'Central bank raises rates again', link: 'https://news.example/rates?utm_source=x' };
    const claims = await Promise.all(
      instances.map((instance, i) => claimStory(instance.store, destination(1), item, `alert-${i}`)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // The winner's retry is still its own; a later repeat is refused.
    const winner = claims.indexOf(true);
    expect(await claimStory(instances[1]!.store, destination(1), item, `alert-${winner}`)).toBe(true);
    expect(await claimStory(instances[2]!.store, destination(1), item, 'alert-late')).toBe(false);
  });
});
