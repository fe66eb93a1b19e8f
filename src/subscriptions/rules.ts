/**
 * The subscription rules, for commands and for delivery: add, change, pause, resume, move, remove. Adding one
 * validates everything first (query, quota, feed, duplicate), takes the silent baseline so the items already in
 * the feed never alert, and only then saves. A pause is always written by withPause(), whoever pauses.
 */
import type { DeliverySchedule } from '../core/delivery-schedule.js';
import { detectNewItems } from '../detector/index.js';
import { formatDestination, type Destination } from '../core/destination.js';
import type { CompiledQuery } from '../matcher/index.js';
import type { AlertStyle, FeedRecord, Subscription } from '../core/records.js';
import { UserError } from '../replies/errors.js';
import { plural } from '../replies/format.js';
import { code } from '../replies/markup.js';
import { loadFeed, type LoadedFeed } from './load-feed.js';
import { enqueueMissed } from './missed.js';
import { compileQuery } from './query.js';
import { resolveFeedSource, type FeedSource } from './feed-source.js';
import type { SubscriptionRegistry } from '../registry/subscriptions.js';
import type { SubscriptionServices, SubscriptionTarget } from './services.js';
import { ScopeLocks } from './scope-lock.js';
import { feedIdFor } from '../registry/feeds.js';

// One lock set per registry (one per app), keyed by scope: see scope-lock.ts.
const scopeLocks = new WeakMap<SubscriptionRegistry, ScopeLocks>();

/** Runs a subscription change's check-then-save alone in its scope (guild or chat). */
export function inScope<T>(
  services: Pick<SubscriptionServices, 'subscriptions'>,
  scope: string,
  task: () => Promise<T>,
) {
  let locks = scopeLocks.get(services.subscriptions);
  if (!locks) {
    locks = new ScopeLocks(services.subscriptions);
    scopeLocks.set(services.subscriptions, locks);
  }
  return locks.run(scope, task);
}

export function checkQuota(services: SubscriptionServices, target: SubscriptionTarget, adding = 1): void {
  const count = services.subscriptions.byScope(target.scope).length;
  if (count + adding > services.quota) {
    throw new UserError(
      `${target.label} already has ${plural(count, 'subscription')}; the limit is ${services.quota}. Remove some with /unsubscribe first.`,
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
  // By the id the URL gives, not only the feeds known here: another instance may have added the feed just now.
  const feedId = services.feeds.findByUrl(feedUrl)?.id ?? feedIdFor(feedUrl);
  const where = formatDestination(target.destination);
  const twin = services.subscriptions
    .byFeed(feedId)
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
  request: {
    feed: string;
    query: string;
    target: SubscriptionTarget;
    createdBy?: string;
    paused?: boolean;
    /** Digests and quiet hours, validated (scheduleFrom). */
    schedule?: DeliverySchedule;
    /** How its alerts appear (already checked: alert-style.ts). */
    style?: AlertStyle;
  },
): Promise<AddedSubscription> {
  compileQuery(request.query);
  checkQuota(services, request.target);
  const source = resolveFeedSource(request.feed, services.presets);
  checkDuplicate(services, request.target, source.url, request.query);
  const loaded = await loadFeed(services, source.url);
  // The fetch above runs outside the lock (it is slow and changes nothing); from the last checks to the save, one
  // change at a time in this scope, or concurrent subscribes would all pass the quota and duplicate checks.
  const { feed, subscription } = await inScope(services, request.target.scope, async () => {
    // Checked again: the fetch took time, and a site URL may have led to a feed already subscribed.
    checkDuplicate(services, request.target, loaded.url, request.query);
    checkQuota(services, request.target);
    const feed = await baseline(services, loaded);
    const now = services.now();
    const fields: Omit<Subscription, 'id' | 'createdAt'> = {
      feedId: feed.id,
      query: request.query,
      destination: request.target.destination,
      scope: request.target.scope,
      source: 'command',
      ...(request.createdBy ? { createdBy: request.createdBy } : {}),
      ...(request.schedule ? { schedule: request.schedule } : {}),
      ...request.style,
    };
    const subscription = await services.subscriptions.add(
      request.paused ? withPause(fields, 'imported paused', 'user', now) : fields,
      now,
    );
    return { feed, subscription };
  });
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
  // Shared: another instance may have just subscribed to this feed, and its feed must stay.
  if (services.subscriptions.coordinator) await services.subscriptions.reload();
  const feedRemoved = services.subscriptions.byFeed(subscription.feedId).length === 0;
  if (feedRemoved) await services.feeds.remove(subscription.feedId);
  services.logger.info(
    {
      event: 'subscription.removed',
      subscriptionId: subscription.id,
      scope: subscription.scope,
      feedRemoved,
      source: 'command',
    },
    'subscription removed by command',
  );
  return { feedRemoved };
}

/** Replaces a subscription's keywords; returns the compiled query. */
export async function changeQuery(
  services: SubscriptionServices,
  subscription: Subscription,
  query: string,
): Promise<CompiledQuery> {
  const compiled = compileQuery(query);
  await services.subscriptions.save({ ...subscription, query });
  services.logger.info(
    { event: 'subscription.edited', subscriptionId: subscription.id, scope: subscription.scope },
    'subscription keywords changed by command',
  );
  return compiled;
}

type PauseCause = NonNullable<Subscription['paused']>['by'];

/**
 * The one way a subscription is marked paused: why, since when, and who paused it (`user`: an admin or an imported
 * file; `delivery`: the platform refused to post there). Used for saved subscriptions and for ones being added.
 */
export function withPause<T extends Pick<Subscription, 'paused'>>(
  subscription: T,
  reason: string,
  by: PauseCause,
  at: Date,
): T {
  return { ...subscription, paused: { reason, at: at.toISOString(), by } };
}

/** An admin pauses a subscription: nothing is posted for it until it is resumed. */
export async function pauseSubscription(
  services: SubscriptionServices,
  subscription: Subscription,
  admin?: string,
): Promise<Subscription> {
  if (subscription.paused)
    throw new UserError(`${code(subscription.id)} is already paused. Use /resume to start it again.`);
  const reason = admin ? `paused by ${admin}` : 'paused by an admin';
  const paused = withPause(subscription, reason, 'user', services.now());
  await services.subscriptions.save(paused);
  services.logger.info(
    { event: 'subscription.paused', subscriptionId: subscription.id, scope: subscription.scope },
    'subscription paused by command',
  );
  return paused;
}

/**
 * Starts a paused subscription again. What arrived while it was paused is recorded as seen and not posted, unless
 * `missed` asks for the matching items published during the pause that are still in the feed (their count is
 * returned). `beforeSlowWork` is called once the request is known to be valid, before the feed is fetched.
 */
export async function resumeSubscription(
  services: SubscriptionServices,
  subscription: Subscription,
  options: { missed: boolean; beforeSlowWork?: () => Promise<void> },
): Promise<{ missed?: number }> {
  if (!subscription.paused) throw new UserError(`${code(subscription.id)} is not paused.`);
  await options.beforeSlowWork?.();
  const feed = services.feeds.get(subscription.feedId);
  // Read before anything changes, so a feed that cannot be fetched leaves the subscription paused.
  const loaded = options.missed && feed ? await loadFeed(services, feed.url) : undefined;
  // Checked while still paused: whatever arrived during the pause is recorded as seen and not posted.
  await services.checkNow(subscription.feedId);
  const current = services.subscriptions.get(subscription.id) ?? subscription;
  const { paused: _paused, ...active } = current;
  await services.subscriptions.save(active);
  services.logger.info(
    {
      event: 'subscription.resumed',
      subscriptionId: subscription.id,
      scope: subscription.scope,
      missed: loaded !== undefined,
    },
    'subscription resumed by command',
  );
  if (!loaded || !feed) return {};
  return { missed: await enqueueMissed(services, active, feed, loaded, new Date(subscription.paused.at)) };
}

/**
 * A destination refused an alert for good (the bot was removed, the channel deleted): every active subscription
 * posting there is paused once, with the platform's reason, so nothing is retried in a loop. Returns how many.
 */
export async function pauseDestination(
  subscriptions: SubscriptionRegistry,
  destination: Destination,
  reason: string,
  now: Date,
): Promise<number> {
  let count = 0;
  for (const subscription of subscriptions.byDestination(destination)) {
    if (subscription.paused) continue;
    await subscriptions.save(withPause(subscription, reason, 'delivery', now));
    count++;
  }
  return count;
}

/**
 * A chat moved (a Telegram group became a supergroup with a new id): its subscriptions post to the new chat, and
 * those owned by the old chat are owned by the new one. Returns how many moved.
 */
export async function moveDestination(
  subscriptions: SubscriptionRegistry,
  from: Destination,
  to: Destination,
): Promise<number> {
  const moving = subscriptions.byDestination(from);
  for (const subscription of moving) {
    const scope = subscription.scope === from.id ? to.id : subscription.scope;
    await subscriptions.save({ ...subscription, destination: to, scope });
  }
  return moving.length;
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
