/**
 * `resume missed:yes`: the feed's current items published while the subscription was paused, matched and put in
 * the outbox like any alert. Alert ids are the pipeline's (subscription + feed + item), so nothing is posted twice.
 */
import type { Alert } from '../core/alert.js';
import { shortHash } from '../core/hash.js';
import { claimStory } from '../outbox/stories.js';
import { summarize } from '../summarizer/index.js';
import type { FeedRecord, Subscription } from '../store/records.js';
import { matchItems } from './item-matches.js';
import type { LoadedFeed } from './load-feed.js';
import { compileQuery } from './subscriptions.js';
import type { CommandServices } from './services.js';

export async function enqueueMissed(services: CommandServices, subscription: Subscription, feed: FeedRecord, loaded: LoadedFeed, since: Date): Promise<number> {
  const now = services.now();
  const { settings, outbox, store } = services.pipeline;
  // Strictly after the pause began: an earlier item may already have been posted, or deliberately skipped.
  const from = since.getTime();
  const missed = matchItems(loaded, compileQuery(subscription.query))
    .filter((m) => m.result.matched && m.item.published !== undefined && m.item.published.getTime() >= from)
    .reverse();
  let count = 0;
  for (const { item, result } of missed) {
    const alert: Alert = {
      id: shortHash('alert', subscription.id, feed.id, item.key),
      subscriptionId: subscription.id,
      destination: subscription.destination,
      feed: { id: feed.id, url: feed.url, title: loaded.parsed.title || feed.url },
      item: { key: item.key, title: item.title, link: item.link, published: item.published!.toISOString() },
      summary: summarize({ title: item.title, html: item.html, language: loaded.parsed.language }, result.terms, {
        maxSentences: settings.summaryMaxSentences,
        maxChars: settings.summaryMaxChars,
      }),
      matchedTerms: result.terms,
      firstSeenAt: now.toISOString(),
      createdAt: now.toISOString(),
    };
    if (!(await claimStory(store.stories, alert.destination, alert.item, alert.id))) continue;
    if (await outbox.enqueue(alert, now)) count++;
  }
  return count;
}
