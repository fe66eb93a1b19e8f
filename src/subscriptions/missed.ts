/**
 * `resume missed:yes`: the feed's current items published while the subscription was paused, matched and sent the
 * way the subscription's alerts go (digest and quiet hours included).
 */
import type { FeedRecord, Subscription } from '../core/records.js';
import type { LoadedFeed } from './load-feed.js';
import { postMatches } from './post-matches.js';
import type { SubscriptionServices } from './services.js';

export async function enqueueMissed(
  services: SubscriptionServices,
  subscription: Subscription,
  feed: FeedRecord,
  loaded: LoadedFeed,
  since: Date,
): Promise<number> {
  // Strictly after the pause began: an earlier item may already have been posted, or deliberately skipped.
  const from = since.getTime();
  return postMatches(services, subscription, feed, loaded, {
    pick: (matches) =>
      matches.filter((m) => m.item.published !== undefined && m.item.published.getTime() >= from).reverse(),
    route: 'as-subscribed',
  });
}
