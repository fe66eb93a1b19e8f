/**
 * `subscribe … backfill:<n>`: the n newest matching items already in the feed are posted at once (oldest of them
 * first, whatever the subscription's digest or quiet hours), so the admin sees in place what the alerts look like.
 */
import type { FeedRecord, Subscription } from '../core/records.js';
import { UserError } from '../replies/errors.js';
import { code } from '../replies/markup.js';
import type { LoadedFeed } from './load-feed.js';
import { postMatches } from './post-matches.js';
import type { SubscriptionServices } from './services.js';

export const MAX_BACKFILL = 10;

/** 0 to 10; '' (not given) is 0. */
export function parseBackfill(text: string): number {
  const value = text.trim();
  if (value === '') return 0;
  if (!/^\d+$/.test(value) || Number(value) > MAX_BACKFILL)
    throw new UserError(`${code('backfill')} is a number of items from 0 to ${MAX_BACKFILL}, not ${code(value)}.`);
  return Number(value);
}

export async function backfill(
  services: SubscriptionServices,
  subscription: Subscription,
  feed: FeedRecord,
  loaded: LoadedFeed,
  count: number,
): Promise<number> {
  if (count <= 0) return 0;
  // Past the digest buffer: the admin asked to see them now, not at the next digest or after quiet hours.
  const enqueued = await postMatches(services, subscription, feed, loaded, {
    pick: (matches) => matches.slice(0, count).reverse(),
    route: 'now',
  });
  services.logger.info(
    { event: 'subscription.backfill', subscriptionId: subscription.id, feedId: feed.id, asked: count, enqueued },
    'newest matching items posted at once',
  );
  return enqueued;
}
