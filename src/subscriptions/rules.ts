/**
 * Creating and finding subscriptions for commands. Adding one validates everything first (query, quota, feed,
 * duplicate), takes the silent baseline so the items already in the feed never alert, and only then saves.
 */
import { detectNewItems } from '../detector/index.js';
import { formatDestination } from '../core/destination.js';
import { parseQuery, type CompiledQuery } from '../matcher/index.js';
import type { FeedRecord, Subscription } from '../core/records.js';
import { UserError } from '../chat/reply/errors.js';
import { code } from '../chat/reply/markup.js';
import { loadFeed, type LoadedFeed } from './load-feed.js';
import { resolveFeedSource, type FeedSource } from './feed-source.js';
import type { SubscriptionServices, SubscriptionTarget } from './services.js';

export function compileQuery(query: string): CompiledQuery {
  const parsed = parseQuery(query);
  if (!parsed.ok) throw new UserError(`The keywords ${code(query)} cannot be read: ${parsed.error}.`);
  return parsed.query;
}

export function checkQuota(services: SubscriptionServices, target: SubscriptionTarget, adding = 1): void {
  const count = services.subscriptions.byScope(target.scope).length;
  if (count + adding > services.quota) {
    throw new UserError(
      `${target.label} already has ${count} subscriptions; the limit is ${services.quota}. Remove some with /unsubscribe first.`,
    );
  }
}

function sameQuery(a: string, b: string): boolean {
  return a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();
}

function checkDuplicate(
  services: SubscriptionServices,
  target: SubscriptionTarget,
  feedUrl: string,
  query: string,
): void {
  const feed = services.feeds.findByUrl(feedUrl);
  if (!feed) return;
  const where = formatDestination(target.destination);
  const twin = services.subscriptions
    .byFeed(feed.id)
    .find((s) => s.scope === target.scope && formatDestination(s.destination) === where && sameQuery(s.query, query));
  if (twin)
    throw new UserError(
      `This is already subscribed here as ${code(twin.id)} (same feed, same keywords). Use /edit to change its keywords.`,
    );
}

/** Records the current items as seen (the silent baseline) and saves the feed, or refreshes a feed already polled. */
async function baseline(services: SubscriptionServices, loaded: LoadedFeed): Promise<FeedRecord> {
  const now = services.now();
  const existing = services.feeds.findByUrl(loaded.url);
  if (existing) {
    if (existing.disabled) {
      const { disabled: _disabled, ...enabled } = existing;
      await services.feeds.save({ ...enabled, failures: 0, nextCheckAt: now.toISOString() });
    }
    // A feed already polled: check it now, so items that arrived since its last check go to the subscribers it
    // already has and are seen before this subscription exists.
    await services.checkNow(existing.id);
    return services.feeds.get(existing.id) ?? existing;
  }
  const feed = await services.feeds.ensure(loaded.url, now);
  await detectNewItems({
    feedId: feed.id,
    items: loaded.items,
    seen: services.pipeline.store.seen,
    baseline: true,
    now,
    maxItemAgeMs: services.pipeline.settings.maxItemAgeMs,
  });
  const saved: FeedRecord = {
    ...feed,
    title: loaded.parsed.title || undefined,
    link: loaded.parsed.link,
    language: loaded.parsed.language,
    baselineTaken: true,
    lastCheckAt: now.toISOString(),
    lastSuccessAt: now.toISOString(),
    nextCheckAt: new Date(now.getTime() + services.pipeline.settings.pollIntervalMs).toISOString(),
  };
  await services.feeds.save(saved);
  return saved;
}

export interface AddedSubscription {
  subscription: Subscription;
  feed: FeedRecord;
  loaded: LoadedFeed;
  source: FeedSource;
}

export async function addSubscription(
  services: SubscriptionServices,
  request: { feed: string; query: string; target: SubscriptionTarget; createdBy?: string; paused?: boolean },
): Promise<AddedSubscription> {
  compileQuery(request.query);
  checkQuota(services, request.target);
  const source = resolveFeedSource(request.feed, services.presets);
  checkDuplicate(services, request.target, source.url, request.query);
  const loaded = await loadFeed(services, source.url);
  // Checked again: the fetch took time, and a site URL may have led to a feed already subscribed.
  checkDuplicate(services, request.target, loaded.url, request.query);
  checkQuota(services, request.target);
  const feed = await baseline(services, loaded);
  const now = services.now();
  const subscription = await services.subscriptions.add(
    {
      feedId: feed.id,
      query: request.query,
      destination: request.target.destination,
      scope: request.target.scope,
      source: 'command',
      ...(request.createdBy ? { createdBy: request.createdBy } : {}),
      ...(request.paused ? { paused: { reason: 'imported paused', at: now.toISOString(), by: 'user' as const } } : {}),
    },
    now,
  );
  services.wake();
  services.logger.info(
    {
      event: 'subscription.added',
      subscriptionId: subscription.id,
      feedId: feed.id,
      feedUrl: feed.url,
      scope: subscription.scope,
      destination: formatDestination(subscription.destination),
      source: 'command',
    },
    'subscription added by command',
  );
  return { subscription, feed, loaded, source };
}

/** Deletes a subscription; its feed too when nothing else uses it, so the poller stops fetching it. */
export async function removeSubscription(
  services: SubscriptionServices,
  subscription: Subscription,
): Promise<{ feedRemoved: boolean }> {
  await services.subscriptions.remove(subscription.id);
  if (services.subscriptions.byFeed(subscription.feedId).length > 0) return { feedRemoved: false };
  await services.feeds.remove(subscription.feedId);
  return { feedRemoved: true };
}

/** The subscription with this id in this server/chat; a specific refusal for an unknown id or another's id. */
export function ownSubscription(services: SubscriptionServices, target: SubscriptionTarget, id: string): Subscription {
  const wanted = id.trim().toLowerCase();
  const subscription = services.subscriptions.get(wanted);
  if (!subscription)
    throw new UserError(`There is no subscription ${code(wanted)}. Send /list to see the ids of ${target.label}.`);
  if (subscription.scope !== target.scope) {
    throw new UserError(
      `Subscription ${code(wanted)} belongs to another server or chat, so it cannot be changed from ${target.label}.`,
    );
  }
  return subscription;
}
