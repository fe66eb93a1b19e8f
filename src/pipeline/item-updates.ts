/**
 * Edit on update: an item already posted whose title or summary changed (as a reader would notice) has its alert
 * message edited in place, within a window after it was posted (24 h), at most three times, and never posted again.
 *
 * The posted message is found through the alert's outbox entry (its id is subscription + feed + item, and the
 * entry keeps the platform's message id), so an edit after a restart finds it too. The edit itself is an outbox
 * entry like any alert, with `edit` naming the message: the sinks edit instead of posting, with the same retries.
 */
import type { Alert } from '../core/alert.js';
import type { FeedItem, ParsedFeed } from '../core/feed.js';
import type { FeedRecord, OutboxEntry, Subscription } from '../core/records.js';
import type { Logger } from '../log/logger.js';
import { alertId, buildAlert, scopeTemplate } from './alert.js';
import type { PipelineDeps } from './deps.js';
import { evaluateItem } from './evaluate-item.js';

export const EDIT_WINDOW_MS = 24 * 3_600_000;
export const MAX_EDITS = 3;
/** The outbox keeps a sent entry this long (outbox.ts); an updated entry keeps the rest of it. */
const SENT_ENTRY_LIFETIME_MS = 7 * 86_400_000;

export interface ItemUpdateInput {
  feed: FeedRecord;
  parsed: ParsedFeed;
  /** Items of this check that were seen before (not new). */
  items: readonly FeedItem[];
  textOf: (item: FeedItem) => string;
  now: Date;
  log: Logger;
}

/** Enqueues an edit for each posted alert whose item changed; returns how many. */
export async function editChangedItems(deps: PipelineDeps, input: ItemUpdateInput): Promise<number> {
  const { feed, items, now } = input;
  const editable = deps.subscriptions.byFeed(feed.id).filter((s) => s.edits !== false && !s.paused);
  if (editable.length === 0 || items.length === 0) return 0;
  // Only items first seen within the window can have an alert that is still editable.
  const seen = await deps.store.seen.getMany(items.map((item) => `${feed.id}:${item.key}`));
  const recent = items.filter((_, index) => {
    const at = seen[index]?.firstSeenAt;
    return at !== undefined && now.getTime() - Date.parse(at) <= EDIT_WINDOW_MS;
  });
  let edits = 0;
  for (const item of recent) edits += await editItem(deps, input, item, new Set(editable.map((s) => s.id)));
  return edits;
}

async function editItem(
  deps: PipelineDeps,
  input: ItemUpdateInput,
  item: FeedItem,
  editable: ReadonlySet<string>,
): Promise<number> {
  const { feed, parsed, now, log } = input;
  const text = input.textOf(item);
  const matches = deps.subscriptions.match(feed.id, {
    title: item.title,
    text,
    link: item.link,
    author: item.author,
    categories: item.categories,
  });
  let count = 0;
  for (const { subscription, result } of matches) {
    if (!editable.has(subscription.id)) continue;
    const entry = await deps.store.outbox.get(alertId(subscription.id, feed.id, item.key));
    if (!isEditable(entry, now)) continue;
    const evaluation = evaluateItem(item, parsed, result, deps.settings, { html: item.html, text });
    const updated = buildAlert({
      subscription,
      feed,
      parsed,
      item,
      evaluation,
      firstSeenAt: entry.alert.firstSeenAt,
      now,
      scopeTemplate: await scopeTemplate(deps.store, subscription),
    });
    // A feed summarized from the article page keeps that summary: the feed's snippet is no news.
    const summary = feed.fullText ? entry.alert.summary : updated.summary;
    const noticeable = updated.item.title !== entry.alert.item.title || summary.text !== entry.alert.summary.text;
    const remembered: OutboxEntry = {
      ...entry,
      alert: { ...entry.alert, item: { ...entry.alert.item, ...updated.item }, summary },
    };
    // A change nobody would see (markup, whitespace, a date) edits nothing.
    if (!noticeable) continue;
    const number = (entry.sent.edits ?? 0) + 1;
    await saveEntry(deps, { ...remembered, sent: { ...entry.sent, edits: number } }, now);
    const edit = editAlert(subscription, entry, { ...updated, summary }, number);
    if (await deps.outbox.enqueue(edit, now)) {
      count++;
      log.info(
        {
          event: 'alert.edit',
          subscriptionId: subscription.id,
          alertId: entry.alert.id,
          itemId: item.key,
          edit: number,
        },
        'posted item changed; its alert will be edited',
      );
    }
  }
  return count;
}

function isEditable(
  entry: OutboxEntry | undefined,
  now: Date,
): entry is OutboxEntry & { sent: NonNullable<OutboxEntry['sent']> } {
  if (!entry || entry.status !== 'done' || !entry.sent || entry.alert.edit) return false;
  if (now.getTime() - Date.parse(entry.sent.at) > EDIT_WINDOW_MS) return false;
  return (entry.sent.edits ?? 0) < MAX_EDITS;
}

/** The edit: the new content, addressed to the message the alert became, shaped like it (a photo stays a photo). */
function editAlert(
  subscription: Subscription,
  entry: OutboxEntry & { sent: NonNullable<OutboxEntry['sent']> },
  updated: Alert,
  number: number,
): Alert {
  const photo = entry.sent.kind === 'photo';
  // The article page's picture (full text) is not in the feed: an edit keeps the one the message was posted with.
  const image = photo ? (entry.alert.item.image ?? updated.item.image) : (updated.item.image ?? entry.alert.item.image);
  const textOnly = subscription.destination.platform === 'telegram' && !photo;
  return {
    ...updated,
    id: `${entry.alert.id}~edit${number}`,
    destination: entry.alert.destination,
    item: { ...updated.item, ...(image ? { image } : {}) },
    ...(textOnly || updated.style ? { style: { ...updated.style, ...(textOnly && { images: false }) } } : {}),
    edit: { of: entry.alert.id, message: entry.sent },
  };
}

async function saveEntry(deps: PipelineDeps, entry: OutboxEntry, now: Date): Promise<void> {
  const sentAt = entry.sent ? Date.parse(entry.sent.at) : now.getTime();
  const ttl = Math.max(60_000, sentAt + SENT_ENTRY_LIFETIME_MS - now.getTime());
  await deps.store.outbox.set(entry.alert.id, entry, ttl);
}
