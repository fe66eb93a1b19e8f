/** The delivery side of the subscription rules: a destination that refuses alerts, and a chat that moved. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination } from '../../src/core/destination.js';
import type { Subscription } from '../../src/core/records.js';
import { SubscriptionRegistry } from '../../src/registry/subscriptions.js';
import { moveDestination, pauseDestination, withPause } from '../../src/subscriptions/rules.js';
import { tempStore } from '../support/store.js';

const GROUP: Destination = { platform: 'telegram', id: '-100555' };
const OTHER: Destination = { platform: 'telegram', id: '-100777' };
const NOW = new Date('2026-11-29T10:00:00.000Z');
const REASON = 'Telegram refused chat -100555: Forbidden: bot was kicked from the group chat';

describe('pauseDestination and moveDestination', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  let registry: SubscriptionRegistry;
  const add = (
    destination: Destination,
    scope: string,
    query = 'bitcoin',
    source: Subscription['source'] = 'command',
  ) => registry.add({ feedId: 'feed-1', query, destination, scope, source }, NOW);

  beforeEach(async () => {
    env = await tempStore();
    registry = await SubscriptionRegistry.load(env.store);
  });
  afterEach(async () => env.cleanup());

  it('pauses every active subscription of the destination once, with the reason, and nothing else', async () => {
    const a = await add(GROUP, GROUP.id, 'bitcoin');
    const b = await add(GROUP, GROUP.id, 'crypto council');
    const byAdmin = withPause(await add(GROUP, GROUP.id, 'etf'), 'paused by Ayesha', 'user', new Date(0));
    await registry.save(byAdmin);
    const elsewhere = await add(OTHER, OTHER.id);

    expect(await pauseDestination(registry, GROUP, REASON, NOW)).toBe(2);
    const paused = { reason: REASON, at: NOW.toISOString(), by: 'delivery' };
    expect(registry.get(a.id)!.paused).toEqual(paused);
    expect(registry.get(b.id)!.paused).toEqual(paused);
    // Already paused by a person: kept as the person left it.
    expect(registry.get(byAdmin.id)!.paused).toEqual(byAdmin.paused);
    expect(registry.get(elsewhere.id)!.paused).toBeUndefined();

    // Once: a second refusal changes nothing.
    expect(await pauseDestination(registry, GROUP, 'another reason', new Date(NOW.getTime() + 60_000))).toBe(0);
    expect(registry.get(a.id)!.paused).toEqual(paused);

    // Written to the store, not only kept in memory.
    const reloaded = await SubscriptionRegistry.load(await env.reopen());
    expect(reloaded.get(a.id)!.paused).toEqual(paused);
    expect(reloaded.get(elsewhere.id)!.paused).toBeUndefined();
  });

  it('moves the subscriptions of a chat that moved, and the scope of those the chat owned', async () => {
    const moved: Destination = { platform: 'telegram', id: '-100999' };
    const owned = await add(GROUP, GROUP.id);
    const fromFile = await add(GROUP, 'file', 'bitcoin', 'file');
    const postsHereOwnedElsewhere = await add(GROUP, '-100321', 'etf');
    const elsewhere = await add(OTHER, OTHER.id);

    expect(await moveDestination(registry, GROUP, moved)).toBe(3);
    expect(registry.get(owned.id)).toMatchObject({ destination: moved, scope: moved.id });
    expect(registry.get(fromFile.id)).toMatchObject({ destination: moved, scope: 'file' });
    expect(registry.get(postsHereOwnedElsewhere.id)).toMatchObject({ destination: moved, scope: '-100321' });
    expect(registry.get(elsewhere.id)).toMatchObject({ destination: OTHER, scope: OTHER.id });
    expect(registry.byDestination(GROUP)).toEqual([]);

    const reloaded = await SubscriptionRegistry.load(await env.reopen());
    expect(reloaded.get(owned.id)).toMatchObject({ destination: moved, scope: moved.id });
  });
});
