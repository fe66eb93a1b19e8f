/**
 * Brings the store in line with the subscriptions file: entries added, entries removed from the file removed.
 * While some entry is invalid, nothing is removed: an entry with a typo must not silently delete the subscription
 * it used to create.
 */
import { formatDestination } from '../core/destination.js';
import type { SubscriptionsFile } from '../config/subscriptions-file.js';
import type { Subscription } from '../core/records.js';
import type { Logger } from '../log/logger.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { SubscriptionRegistry } from '../registry/subscriptions.js';

export async function seedFromFile(
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
      .map((s) => [fileKey(s.feedId, s.query, formatDestination(s.destination)), s]),
  );
  for (const entry of entries) {
    let feed = await feeds.ensure(entry.feed);
    if (entry.fullText && !feed.fullText) {
      feed = { ...feed, fullText: true };
      await feeds.save(feed);
    }
    const key = fileKey(feed.id, entry.keywords, formatDestination(entry.destination));
    wanted.add(key);
    const already = existing.get(key);
    if (already) {
      // The file is the truth for how its alerts look too: an edited template or mention applies on restart.
      const restyled = { ...withoutStyle(already), ...entry.style };
      if (JSON.stringify(restyled) !== JSON.stringify(already)) await subscriptions.save(restyled);
      continue;
    }
    const subscription = await subscriptions.add({
      feedId: feed.id,
      query: entry.keywords,
      destination: entry.destination,
      scope: 'file',
      source: 'file',
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

function fileKey(feedId: string, query: string, destination: string): string {
  return `${feedId}\u0000${query}\u0000${destination}`;
}

function withoutStyle(subscription: Subscription): Subscription {
  const {
    template: _t,
    mention: _m,
    silent: _s,
    images: _i,
    edits: _e,
    thread: _th,
    forumTags: _f,
    ...rest
  } = subscription;
  return rest;
}
