/**
 * `resume missed:yes`: the feed's current items published while the subscription was paused, matched and put in
 * the outbox like any alert. Alert ids are the pipeline's (subscription + feed + item), so nothing is posted twice.
 */
import { buildAlert, enqueueAlert, scopeTemplate } from '../pipeline/alert.js';
import type { FeedRecord, Subscription } from '../core/records.js';
import { matchItems } from './item-matches.js';
import type { LoadedFeed } from './load-feed.js';
import { compileQuery } from './query.js';
import type { SubscriptionServices } from './services.js';

export async function enqueueMissed(
  services: SubscriptionServices,
  subscription: Subscription,
  feed: FeedRecord,
  loaded: LoadedFeed,
  since: Date,
): Promise<number> {
  const now = services.now();
  // Strictly after the pause began: an earlier item may already have been posted, or deliberately skipped.
  const from = since.getTime();
  const missed = matchItems(services, loaded, compileQuery(subscription.query))
    .filter((m) => m.evaluation.matched && m.item.published !== undefined && m.item.published.getTime() >= from)
    .reverse();
  let count = 0;
  for (const { item, evaluation } of missed) {
    const alert = buildAlert({
      subscription,
      feed,
      parsed: loaded.parsed,
      item,
      evaluation,
      firstSeenAt: now.toISOString(),
      now,
      scopeTemplate: await scopeTemplate(services.pipeline.store, subscription),
    });
    const outcome = await enqueueAlert(services.pipeline, alert, now);
    if (outcome === 'enqueued' || outcome === 'held') count++;
  }
  return count;
}
