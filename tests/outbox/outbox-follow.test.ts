/**
 * The outbox as a cache of the store: what one instance enqueues, sends or reschedules reaches the others' views
 * by message, a lost message by the reload, and a stale view is corrected before a send. Two outboxes on one store
 * with an in-process coordinator marked shared stand for two instances here; alone (not shared) nothing is sent.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Coordinator } from '../../src/coordination/coordinator.js';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { Outbox, OUTBOX_CHANNEL } from '../../src/outbox/outbox.js';
import { allEntries } from '../../src/store/open.js';
import { makeAlert } from '../support/alerts.js';
import { waitUntil } from '../support/instances.js';
import { tempStore } from '../support/store.js';
import { turn } from '../support/wait.js';

describe('outbox views of one store', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  let shared: Coordinator;
  const opened: Outbox[] = [];
  beforeEach(async () => {
    env = await tempStore();
    // Each instance has its own id on one message bus.
    const bus = createLocalCoordinator();
    shared = { ...bus, shared: true };
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((outbox) => outbox.close()));
    await env.cleanup();
  });
  const indexKeys = async () => (await allEntries(env.store.unsent)).map((entry) => entry.key).sort();
  const open = async (coordinator: Coordinator, reloadMs = 60_000) => {
    const outbox = await Outbox.load(env.store, {
      coordinator: { ...coordinator, instanceId: `i${opened.length}` },
      reloadMs,
    });
    opened.push(outbox);
    return outbox;
  };

  it('an alert enqueued, then sent, on one instance is pending, then gone, on the other', async () => {
    const [a, b] = [await open(shared), await open(shared)];
    const woken = new Promise<void>((resolve) => b.onEnqueue(resolve));
    expect(await a.enqueue(makeAlert({ n: 1 }))).toBe(true);
    await woken;
    expect([...b.byDestination().values()].flat().map((entry) => entry.alert.id)).toEqual(['alert-1']);
    // The same id from the other instance is refused: the store has it.
    expect(await b.enqueue(makeAlert({ n: 1 }))).toBe(false);
    await a.markDone('alert-1');
    await waitUntil(() => b.depth() === 0, 2000, 'the other view drops the sent alert');
  });

  it('a stale view is corrected before a send, and the reload finds what no message announced', async () => {
    const [a, b] = [await open(shared), await open(shared)];
    await a.enqueue(makeAlert({ n: 1 }));
    await waitUntil(() => b.depth() === 1, 2000, 'the other view has it');
    const stale = b.byDestination().get('telegram:-100123')!;
    // Marked done straight in the store: no message, as if it was lost.
    await env.store.outbox.set('alert-1', { ...stale[0]!, status: 'done' });
    expect(await b.fresh(stale)).toEqual([]);
    expect(b.depth()).toBe(0);

    const entry = {
      alert: makeAlert({ n: 2 }),
      status: 'pending' as const,
      seq: 5,
      attempts: 0,
      nextAttemptAt: new Date().toISOString(),
    };
    // Stored as an enqueue stores it (indexed, then the entry), with its message lost.
    await env.store.unsent.set('alert-2', Date.now());
    await env.store.outbox.set('alert-2', entry);
    await b.reload();
    expect(b.depth()).toBe(1);
  });

  it('the reload reads the pending alerts through their index, never the sent ones the outbox keeps', async () => {
    const [a, b] = [await open(shared), await open(shared)];
    for (const n of [1, 2, 3]) await a.enqueue(makeAlert({ n }));
    for (const n of [1, 2]) await a.markDone(`alert-${n}`);
    expect(await indexKeys()).toEqual(['alert-3']);
    const listings = vi.spyOn(env.store.outbox, 'iterator');
    await b.reload();
    expect(listings).not.toHaveBeenCalled();
    expect([...b.byDestination().values()].flat().map((entry) => entry.alert.id)).toEqual(['alert-3']);
  });

  it('the reload removes index entries of sent alerts, and of alerts never stored once a minute has passed', async () => {
    const [a, b] = [await open(shared), await open(shared)];
    await a.enqueue(makeAlert({ n: 1 }));
    await a.enqueue(makeAlert({ n: 2 }));
    // Sent, but the index entry stayed (its removal failed); two enqueues that never stored their alert.
    const [sent] = a.byDestination().get('telegram:-100123')!;
    await env.store.outbox.set('alert-1', { ...sent!, status: 'done' });
    await env.store.unsent.set('not-stored-yet', Date.now() - 30_000);
    await env.store.unsent.set('never-stored', Date.now() - 61_000);
    await b.reload();
    expect(await indexKeys()).toEqual(['alert-2', 'not-stored-yet']);
    expect([...b.byDestination().values()].flat().map((entry) => entry.alert.id)).toEqual(['alert-2']);
  });

  it('alone on the store nothing is indexed; the first instance to share it indexes what is pending', async () => {
    const alone = await open(createLocalCoordinator());
    await alone.enqueue(makeAlert({ n: 1 }));
    await alone.enqueue(makeAlert({ n: 2 }));
    await alone.markDone('alert-1');
    expect(await indexKeys()).toEqual([]);
    await alone.close();

    const [, b] = [await open(shared), await open(shared)];
    expect(await indexKeys()).toEqual(['alert-2']);
    await b.reload();
    expect(b.depth()).toBe(1);
  });

  it('alone on the store, announces nothing and reads nothing again', async () => {
    const local = createLocalCoordinator();
    const heard: string[] = [];
    await local.subscribe(OUTBOX_CHANNEL, (message) => heard.push(message));
    const outbox = await open(local);
    await outbox.enqueue(makeAlert({ n: 1 }));
    const [entry] = outbox.byDestination().get('telegram:-100123')!;
    await env.store.outbox.set('alert-1', { ...entry!, status: 'done' });
    // Its own view is the store's: nothing is read to check it.
    expect(await outbox.fresh([entry!])).toEqual([entry]);
    await outbox.markDone('alert-1');
    await turn();
    expect(heard).toEqual([]);
  });
});
