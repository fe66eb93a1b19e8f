/**
 * The subscription registry with three instances on one real Redis or Postgres: a change on one instance (add,
 * pause, remove) is seen by the others within 2 s through the coordinator's messages, and the periodic reload
 * catches a change whose message never came (listing only when the change mark moved, or every tenth time).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Subscription } from '../../src/core/records.js';
import type { MatchInput } from '../../src/matcher/index.js';
import { SubscriptionRegistry } from '../../src/registry/subscriptions.js';
import { withPause } from '../../src/subscriptions/rules.js';
import type { TestServer } from '../support/servers/process.js';
import { BACKENDS, clearStore, openInstances, waitUntil, type Instance } from '../support/instances.js';

const SEEN_WITHIN_MS = 2000;
const ITEM: MatchInput = { title: 'Bitcoin ETF approved', text: 'The regulator approved it.', categories: [] };

describe.each(BACKENDS)('subscriptions, three instances on $name', (backend) => {
  let server: TestServer;
  let instances: Instance[];
  const registries: SubscriptionRegistry[] = [];

  beforeAll(async () => {
    server = await backend.start();
  }, 60_000);
  afterAll(async () => server?.close());
  beforeEach(async () => {
    instances = await openInstances(backend, server.url, 3);
    await clearStore(instances[0]!.store);
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((registry) => registry.close()));
    await Promise.all(instances.map((instance) => instance.close()));
  });

  const registryOf = async (instance: Instance, reloadMs = 60_000) => {
    const registry = await SubscriptionRegistry.load(instance.store, { coordinator: instance.coordinator, reloadMs });
    registries.push(registry);
    return registry;
  };
  /** An instance whose messages are all lost: its changes reach the store (and move the change mark) only. */
  const silentRegistryOf = async (instance: Instance) => {
    const registry = await SubscriptionRegistry.load(instance.store, {
      coordinator: { ...instance.coordinator, publish: async () => {} },
      reloadMs: 60_000,
    });
    registries.push(registry);
    return registry;
  };
  const fields = (scope: string): Omit<Subscription, 'id' | 'createdAt'> => ({
    feedId: 'feed-1',
    query: 'bitcoin',
    destination: { platform: 'telegram', id: scope },
    scope,
    source: 'command',
  });

  it('an added, paused, then removed subscription is seen so by the others within 2 s', async () => {
    // A long reload period: what the others see here comes from the messages.
    const [here, ...others] = await Promise.all(instances.map((instance) => registryOf(instance)));
    const matched = (registry: SubscriptionRegistry, id: string) =>
      registry.match('feed-1', ITEM).some((match) => match.subscription.id === id);

    let started = Date.now();
    const added = await here!.add(fields('-1001'));
    await waitUntil(() => others.every((r) => matched(r, added.id)), SEEN_WITHIN_MS, 'the new subscription matches');
    expect(Date.now() - started).toBeLessThan(SEEN_WITHIN_MS);
    expect(others.map((r) => r.get(added.id))).toEqual([added, added]);

    started = Date.now();
    await here!.save(withPause(added, 'paused by an admin', 'user', new Date()));
    await waitUntil(() => others.every((r) => r.get(added.id)?.paused), SEEN_WITHIN_MS, 'the pause is seen');
    expect(Date.now() - started).toBeLessThan(SEEN_WITHIN_MS);
    expect(others.some((r) => matched(r, added.id))).toBe(false);

    started = Date.now();
    await here!.remove(added.id);
    await waitUntil(() => others.every((r) => !r.get(added.id)), SEEN_WITHIN_MS, 'the removal is seen');
    expect(Date.now() - started).toBeLessThan(SEEN_WITHIN_MS);
    expect(others.some((r) => r.match('feed-1', ITEM).length > 0)).toBe(false);
  });

  it('the periodic reload brings a change whose message was lost', async () => {
    const registry = await registryOf(instances[0]!, 200);
    const silent = await silentRegistryOf(instances[1]!);
    const added = await silent.add(fields('-1002'));
    await waitUntil(() => registry.get(added.id) !== undefined, SEEN_WITHIN_MS, 'the reload finds it');
    expect(registry.byScope('-1002')).toEqual([added]);
    await silent.remove(added.id);
    await waitUntil(() => registry.get(added.id) === undefined, SEEN_WITHIN_MS, 'the reload drops it');
    expect(registry.match('feed-1', ITEM)).toEqual([]);
  });

  it('a periodic reload lists the subscriptions only when one changed, and every tenth time whatever happened', async () => {
    const registry = await registryOf(instances[0]!);
    const listings = vi.spyOn(instances[0]!.store.subscriptions, 'iterator');
    for (let i = 0; i < 5; i++) await registry.reloadIfChanged();
    expect(listings).not.toHaveBeenCalled();

    // A change on another instance (its message lost) moves the mark: the next one lists.
    const other = await silentRegistryOf(instances[1]!);
    const added = await other.add(fields('-1003'));
    // The first listing after it fails (the store away): the next reload lists again.
    listings.mockImplementationOnce(() => {
      throw new Error('the store is away');
    });
    await expect(registry.reloadIfChanged()).rejects.toThrow('the store is away');
    expect(registry.get(added.id)).toBeUndefined();
    await registry.reloadIfChanged();
    expect(listings).toHaveBeenCalledTimes(2);
    expect(registry.get(added.id)).toEqual(added);

    // Written without the mark (a process that died between the two): found by the tenth reload after a listing.
    const orphan: Subscription = { ...fields('-1004'), id: 'abc234', createdAt: new Date().toISOString() };
    await instances[1]!.store.subscriptions.set(orphan.id, orphan);
    for (let i = 0; i < 9; i++) await registry.reloadIfChanged();
    expect(registry.get(orphan.id)).toBeUndefined();
    await registry.reloadIfChanged();
    expect(registry.get(orphan.id)).toEqual(orphan);
    expect(listings).toHaveBeenCalledTimes(3);
  });
});
