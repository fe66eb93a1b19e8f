/**
 * Matching items already in a feed, put in the outbox as alerts outside a regular check (backfill, missed items
 * on resume). They carry the pipeline's ids (subscription + feed + item), so a later check never posts them again.
 */
import type { FeedRecord, Subscription } from '../core/records.js';
import { buildAlert, enqueueAlert, scopeTemplate } from '../pipeline/alert.js';
import { matchItems, type ItemMatch } from './item-matches.js';
import type { LoadedFeed } from './load-feed.js';
import { compileQuery } from './query.js';
import type { SubscriptionServices } from './services.js';

export interface PostMatchesOptions {
  /** Which of the feed's matching items (newest first) to post, in the order to post them. */
  pick(matches: ItemMatch[]): ItemMatch[];
  /**
   * 'now' skips the subscription's digest and quiet hours (the admin asked to see them at once); 'as-subscribed'
   * sends them the way the subscription's other alerts go.
   */
  route: 'now' | 'as-subscribed';
}

/** How many alerts went in the outbox (or into the subscription's digest). */
export async function postMatches(
  services: SubscriptionServices,
  subscription: Subscription,
  feed: FeedRecord,
  loaded: LoadedFeed,
  options: PostMatchesOptions,
): Promise<number> {
  const now = services.now();
  const matched = matchItems(services, loaded, compileQuery(subscription.query)).filter((m) => m.evaluation.matched);
  const picked = options.pick(matched);
  if (picked.length === 0) return 0;
  const template = await scopeTemplate(services.pipeline.store, subscription);
  const { store, outbox, digests } = services.pipeline;
  const deps = options.route === 'now' ? { store, outbox } : { store, outbox, digests };
  let posted = 0;
  for (const { item, evaluation } of picked) {
    const alert = buildAlert({
      subscription,
      feed,
      parsed: loaded.parsed,
      item,
      evaluation,
      firstSeenAt: now.toISOString(),
      now,
      scopeTemplate: template,
    });
    const outcome = await enqueueAlert(deps, alert, now);
    if (outcome === 'enqueued' || outcome === 'held') posted++;
  }
  return posted;
}
