/**
 * Building an alert and putting it in the outbox: the one way, used by feed checks and by `resume missed:yes`.
 * Alert ids are subscription + feed + item, so the same item never enters the outbox twice for a subscription.
 */
import type { Alert } from '../core/alert.js';
import type { FeedItem, ParsedFeed } from '../core/feed.js';
import { shortHash } from '../core/hash.js';
import type { DigestBuffer } from '../digests/buffer.js';
import { claimStory } from '../outbox/stories.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Store } from '../store/open.js';
import type { FeedRecord, Subscription } from '../core/records.js';
import { STYLE_FIELDS, styleOf } from '../core/style-fields.js';
import type { ItemEvaluation } from './evaluate-item.js';

/** The one rule for alert ids: the same subscription and item always give the same id. */
export function alertId(subscriptionId: string, feedId: string, itemKey: string): string {
  return shortHash('alert', subscriptionId, feedId, itemKey);
}

export function buildAlert(input: {
  subscription: Subscription;
  feed: FeedRecord;
  parsed: Pick<ParsedFeed, 'title'>;
  item: FeedItem;
  /** evaluateItem's answer for this subscription's query: the same terms and summary preview and check show. */
  evaluation: Pick<ItemEvaluation, 'terms' | 'summary'>;
  firstSeenAt: string;
  now: Date;
  /** The scope's default template (scopeTemplate()), used when the subscription has none of its own. */
  scopeTemplate: string | undefined;
}): Alert {
  const { subscription, feed, parsed, item, evaluation, firstSeenAt, now } = input;
  const styled =
    subscription.template === undefined && input.scopeTemplate !== undefined
      ? { ...subscription, template: input.scopeTemplate }
      : subscription;
  return {
    id: alertId(subscription.id, feed.id, item.key),
    subscriptionId: subscription.id,
    destination: subscription.destination,
    feed: { id: feed.id, url: feed.url, title: parsed.title || feed.url },
    item: {
      key: item.key,
      title: item.title,
      link: item.link,
      published: (item.published ?? new Date(firstSeenAt)).toISOString(),
      ...(item.author && { author: item.author }),
      ...(item.categories.length > 0 && { categories: item.categories }),
      ...(item.image && { image: item.image }),
    },
    summary: evaluation.summary,
    matchedTerms: evaluation.terms,
    firstSeenAt,
    createdAt: now.toISOString(),
    // A copy: a later change of the subscription's options does not alter an alert already made.
    ...(hasStyle(styled) && { style: styleOf(styled) }),
  };
}

/**
 * The default template of the subscription's server or chat, read from the store each time (an admin's change
 * reaches every instance at once); undefined when the subscription has its own, which wins, or none is set.
 */
export async function scopeTemplate(
  store: Pick<Store, 'scopes'>,
  subscription: Pick<Subscription, 'scope' | 'template'>,
): Promise<string | undefined> {
  if (subscription.template !== undefined) return undefined;
  return (await store.scopes.get(subscription.scope))?.template;
}

function hasStyle(subscription: Subscription): boolean {
  return STYLE_FIELDS.some((field) => subscription[field] !== undefined);
}

/** `held`: kept for the subscription's next digest, or until its quiet hours end (src/digests/). */
export type EnqueueOutcome = 'enqueued' | 'held' | 'duplicate-story' | 'already-enqueued';

/** Puts the alert in the outbox unless the same story already went to that destination (from any feed). */
export async function enqueueAlert(
  deps: { store: Store; outbox: Outbox; digests?: Pick<DigestBuffer, 'route'> },
  alert: Alert,
  now: Date,
): Promise<EnqueueOutcome> {
  if (!(await claimStory(deps.store, alert.destination, alert.item, alert.id))) return 'duplicate-story';
  const routed = deps.digests ? await deps.digests.route(alert, now) : alert;
  if (!routed) return 'held';
  return (await deps.outbox.enqueue(routed, now)) ? 'enqueued' : 'already-enqueued';
}
