import { expect, it } from 'vitest';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { RecordChannel } from '../../src/coordination/record-channel.js';
import { waitUntil } from '../support/instances.js';

/** Two instances on one in-process message bus, each with its own id. */
function twoInstances() {
  const bus = createLocalCoordinator();
  return [
    { ...bus, instanceId: 'a' },
    { ...bus, instanceId: 'b' },
  ];
}

it('refreshes the record another instance announced, never its own, and stops with close', async () => {
  const [a, b] = twoInstances();
  const refreshed: Record<string, string[]> = { a: [], b: [] };
  const channel = (coordinator: typeof a) =>
    new RecordChannel({
      coordinator: coordinator!,
      channel: 'test:records',
      refresh: async (id) => refreshed[coordinator!.instanceId]!.push(id),
      reload: async () => undefined,
      reloadMs: 0,
      onError: () => undefined,
    });
  const [ca, cb] = [channel(a), channel(b)];
  await ca.follow();
  await cb.follow();
  await ca.announce('feed-1');
  await waitUntil(() => refreshed.b!.length === 1, 2000, 'b refreshes feed-1');
  expect(refreshed).toEqual({ a: [], b: ['feed-1'] });
  await cb.close();
  await ca.announce('feed-2');
  await a!.publish('test:records', 'not json');
  expect(refreshed.b).toEqual(['feed-1']);
  await ca.close();
});

it('reloads every reloadMs while following, reports a failed read, and waits for a read under way on close', async () => {
  const [a] = twoInstances();
  let reloads = 0;
  let finish: () => void = () => undefined;
  const errors: string[] = [];
  const channel = new RecordChannel({
    coordinator: a!,
    channel: 'test:records',
    refresh: async () => undefined,
    reload: async () => {
      reloads++;
      if (reloads === 1) throw new Error('store down');
      if (reloads === 2) await new Promise<void>((resolve) => (finish = resolve));
    },
    reloadMs: 20,
    onError: (failed) => errors.push(failed),
  });
  await channel.follow();
  await waitUntil(() => reloads >= 2, 2000, 'a second reload');
  expect(errors).toEqual(['reload']);
  let closed = false;
  const closing = channel.close().then(() => (closed = true));
  await new Promise((resolve) => setImmediate(resolve));
  expect(closed).toBe(false);
  finish();
  await closing;
  expect(closed).toBe(true);
});

it('an announcement that fails is reported, not thrown', async () => {
  const [a] = twoInstances();
  const errors: unknown[] = [];
  const channel = new RecordChannel({
    coordinator: {
      ...a!,
      publish: async () => {
        throw new Error('backend down');
      },
    },
    channel: 'test:records',
    refresh: async () => undefined,
    reload: async () => undefined,
    reloadMs: 0,
    onError: (failed, error) => errors.push([failed, (error as Error).message]),
  });
  await channel.announce('feed-1');
  expect(errors).toEqual([['announce', 'backend down']]);
});
