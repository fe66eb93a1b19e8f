/**
 * New-item detection. Every item key is remembered per feed for SEEN_TTL_MS, far longer than any feed's
 * visible window, so an item that drops out and comes back is not new. The first successful fetch of a
 * feed is a silent baseline.
 */
import type Keyv from 'keyv';
import type { FeedItem } from '../core/feed.js';
import { seenKeys } from '../identify/index.js';
import type { SeenRecord } from '../core/records.js';

/** 180 days: at least 90 are needed so that an item that drops out of a feed and comes back is still known. */
const SEEN_TTL_MS = 180 * 86_400_000;

export interface NewItem {
  item: FeedItem;
  /** When Taza first saw it; stands in for the published date of undated items, and never changes. */
  firstSeenAt: string;
}

export interface Detection {
  /** Items to alert on, oldest first. */
  fresh: NewItem[];
  /** Unseen items recorded without an alert: the baseline, or published more than maxItemAge ago. */
  silenced: number;
}

export async function detectNewItems(options: {
  feedId: string;
  items: FeedItem[];
  seen: Keyv<SeenRecord>;
  baseline: boolean;
  now: Date;
  maxItemAgeMs: number;
}): Promise<Detection> {
  const { feedId, items, seen, baseline, now, maxItemAgeMs } = options;
  if (items.length === 0) return { fresh: [], silenced: 0 };
  // An item is known under its own key and, when its link is unique in this document, its link's key too:
  // a story whose guid changes with its title keeps its link and is not alerted again.
  const linkCounts = new Map<string, number>();
  for (const item of items) if (item.link) linkCounts.set(item.link, (linkCounts.get(item.link) ?? 0) + 1);
  const keysPerItem = items.map((item) =>
    (item.link && linkCounts.get(item.link) === 1 ? seenKeys(item) : [item.key]).map((key) => seenKey(feedId, key)),
  );
  const allKeys = [...new Set(keysPerItem.flat())];
  const records = await seen.getMany(allKeys);
  const known = new Set(allKeys.filter((_, i) => records[i] !== undefined));
  const fresh: NewItem[] = [];
  let silenced = 0;
  const firstSeenAt = now.toISOString();
  const toRecord = new Map<string, { key: string; value: SeenRecord; ttl: number }>();
  items.forEach((item, i) => {
    const keys = keysPerItem[i]!;
    const isKnown = keys.some((key) => known.has(key));
    // Record every alias, also of known items (a retitled story's new guid), so later fetches agree.
    for (const key of keys) if (!known.has(key)) toRecord.set(key, { key, value: { firstSeenAt }, ttl: SEEN_TTL_MS });
    if (isKnown) return;
    for (const key of keys) known.add(key);
    const tooOld = item.published !== undefined && now.getTime() - item.published.getTime() > maxItemAgeMs;
    if (baseline || tooOld) silenced++;
    else fresh.push({ item, firstSeenAt });
  });
  if (toRecord.size > 0) await seen.setMany([...toRecord.values()]);
  // Feeds list newest first; alerts read best oldest first.
  // Undated items count as published now; ties keep the feed's order reversed (newest-first feeds).
  const when = (entry: NewItem) => entry.item.published?.getTime() ?? now.getTime();
  fresh.reverse().sort((a, b) => when(a) - when(b));
  return { fresh, silenced };
}

function seenKey(feedId: string, itemKey: string): string {
  return `${feedId}:${itemKey}`;
}
