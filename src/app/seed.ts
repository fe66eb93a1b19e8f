/**
 * Brings the store in line with the subscriptions file: entries added, entries removed from the file removed.
 * While some entry is invalid, nothing is removed: an entry with a typo must not silently delete the subscription
 * it used to create.
 *
 * Instances starting together on one backend seed one at a time, under the lease 'seed', each after reading the
 * subscriptions again from the store: the first adds the file's entries, the others find them there.
 */
import { formatDestination } from '../core/destination.js';
import type { Subscription } from '../core/records.js';
import { styleOf, withoutStyle } from '../core/style-fields.js';
import type { FileSubscription, SubscriptionsFile } from '../config/subscriptions-file.js';
import type { Logger } from '../log/logger.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { SubscriptionRegistry } from '../registry/subscriptions.js';

/** Seeding thousands of entries takes a while; the lease is renewed meanwhile, so a crash frees it this soon. */
const SEED_LEASE_TTL_MS = 15_000;
/** How long an instance waits for another's seeding before it gives up starting. */
const SEED_WAIT_MS = 10 * 60_000;

export async function seedFromFile(
  file: Pick<SubscriptionsFile, 'subscriptions' | 'problems'>,
  feeds: FeedRegistry,
  subscriptions: SubscriptionRegistry,
  logger: Logger,
): Promise<void> {
  const coordinator = subscriptions.coordinator;
  if (!coordinator) return seed(file, feeds, subscriptions, logger);
  const lease = await coordinator.lease('seed', SEED_LEASE_TTL_MS, { timeoutMs: SEED_WAIT_MS, pollMs: 200 });
  const renewal = setInterval(() => {
    lease.renew(SEED_LEASE_TTL_MS).catch(() => {});
  }, SEED_LEASE_TTL_MS / 3);
  renewal.unref();
  try {
    await subscriptions.reload();
    await seed(file, feeds, subscriptions, logger);
  } finally {
    clearInterval(renewal);
    await lease.release().catch(() => {});
  }
}

async function seed(
  file: Pick<SubscriptionsFile, 'subscriptions' | 'problems'>,
  feeds: FeedRegistry,
  subscriptions: SubscriptionRegistry,
  logger: Logger,
): Promise<void> {
  const entries = file.subscriptions;
  const wanted = new Set<string>();
  // Keys of the file's subscriptions already in the store, built once: the file can hold thousands of entries.
  const existing = new Map(
    subscriptions
      .all()
      .filter((s) => s.source === 'file')
      .map((s) => [fileKey(s.feedId, s.query, formatDestination(s.destination)), s] as const),
  );
  for (const entry of entries) {
    let feed = await feeds.ensure(entry.feed);
    if (entry.fullText && !feed.fullText) {
      feed = { ...feed, fullText: true };
      await feeds.save(feed);
    }
    const key = fileKey(feed.id, entry.keywords, formatDestination(entry.destination));
    wanted.add(key);
    const present = existing.get(key);
    if (present) {
      await applyFileSettings(subscriptions, present, entry);
      continue;
    }
    const subscription = await subscriptions.add({
      feedId: feed.id,
      query: entry.keywords,
      destination: entry.destination,
      scope: 'file',
      source: 'file',
      ...(entry.schedule ? { schedule: entry.schedule } : {}),
      ...entry.style,
    });
    existing.set(key, subscription);
    logger.info(
      {
        event: 'subscription.added',
        subscriptionId: subscription.id,
        feedId: feed.id,
        feedUrl: feed.url,
        source: 'file',
      },
      'subscription added from file',
    );
  }
  if (file.problems.length > 0) {
    logger.warn(
      { event: 'config.removals-skipped' },
      'the subscriptions file has invalid entries: subscriptions missing from it are kept until it is fixed',
    );
    return;
  }
  for (const subscription of subscriptions.all()) {
    if (subscription.source !== 'file') continue;
    if (wanted.has(fileKey(subscription.feedId, subscription.query, formatDestination(subscription.destination))))
      continue;
    await subscriptions.remove(subscription.id);
    logger.info(
      { event: 'subscription.removed', subscriptionId: subscription.id, source: 'file' },
      'subscription no longer in the file',
    );
  }
}

/**
 * The file is the truth for how its alerts look (template, mention, …) and when they go out (digests, quiet
 * hours), since that is where they are edited: a change of either in the file applies on restart.
 */
async function applyFileSettings(
  subscriptions: SubscriptionRegistry,
  subscription: Subscription,
  entry: Pick<FileSubscription, 'style' | 'schedule'>,
): Promise<void> {
  const style = entry.style ?? {};
  const sameStyle = JSON.stringify(styleOf(subscription)) === JSON.stringify(styleOf(style));
  if (sameStyle && JSON.stringify(subscription.schedule) === JSON.stringify(entry.schedule)) return;
  const { schedule: _stored, ...rest } = withoutStyle(subscription);
  await subscriptions.save({ ...rest, ...style, ...(entry.schedule ? { schedule: entry.schedule } : {}) });
}

function fileKey(feedId: string, query: string, destination: string): string {
  return `${feedId}\u0000${query}\u0000${destination}`;
}
