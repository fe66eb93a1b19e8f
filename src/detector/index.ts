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
export const SEEN_TTL_MS = 180 * 86_400_000;

export interface NewItem {
  item: FeedItem;
  /** When Taza first saw it; stands in for the published date of undated items, and never changes. */
  firstSeenAt: string;
  /** Its seen keys (its own first, then its link's): the first is what instances claim it by. */
  keys: string[];
  /** Another check claimed it and never finished (its claim is older than `staleClaimMs`): it is taken over. */
  reclaimed: boolean;
}

export interface Detection {
  /** Items to alert on, oldest first. */
  fresh: NewItem[];
  /** Unseen items recorded without an alert: the baseline, or published more than maxItemAge ago. */
  silenced: number;
  /**
   * Items known only through another check's claim still at work (pending, not stale): if that check dies, only a
   * later full read of the feed finds them again, so the feed must not be marked read up to here.
   */
  pendingElsewhere: number;
}

export async function detectNewItems(options: {
  feedId: string;
  items: FeedItem[];
  seen: Keyv<SeenRecord>;
  baseline: boolean;
  now: Date;
  maxItemAgeMs: number;
  /**
   * A record still pending (see SeenRecord.pendingSince) for longer than this is not known: its claimer died before
   * its alerts were in the outbox. Younger pending records are known (the claimer is at work).
   */
  staleClaimMs?: number;
}): Promise<Detection> {
  const { feedId, items, seen, baseline, now, maxItemAgeMs, staleClaimMs = Infinity } = options;
  if (items.length === 0) return { fresh: [], silenced: 0, pendingElsewhere: 0 };
  // An item is known under its own key and, when its link is unique in this document, its link's key too:
  // a story whose guid changes with its title keeps its link and is not alerted again.
  const linkCounts = new Map<string, number>();
  for (const item of items) if (item.link) linkCounts.set(item.link, (linkCounts.get(item.link) ?? 0) + 1);
  const keysPerItem = items.map((item) =>
    (item.link && linkCounts.get(item.link) === 1 ? seenKeys(item) : [item.key]).map((key) => seenKey(feedId, key)),
  );
  const allKeys = [...new Set(keysPerItem.flat())];
  const records = await seen.getMany(allKeys);
  const staleBefore = now.getTime() - staleClaimMs;
  const stale = new Set(
    allKeys.filter((_, i) => {
      const pendingSince = records[i]?.pendingSince;
      return pendingSince !== undefined && Date.parse(pendingSince) < staleBefore;
    }),
  );
  const known = new Set(allKeys.filter((key, i) => records[i] !== undefined && !stale.has(key)));
  const claimedElsewhere = new Set(
    allKeys.filter((key, i) => records[i]?.pendingSince !== undefined && !stale.has(key)),
  );
  let pendingElsewhere = 0;
  const fresh: NewItem[] = [];
  let silenced = 0;
  const firstSeenAt = now.toISOString();
  const toRecord = new Map<string, { key: string; value: SeenRecord; ttl: number }>();
  items.forEach((item, i) => {
    const keys = keysPerItem[i]!;
    // A stale claim on any of its keys wins over the others being known: an alias recorded beside a claim whose
    // claimer then died must not hide the item.
    const reclaimed = keys.some((key) => stale.has(key));
    const isKnown = !reclaimed && keys.some((key) => known.has(key));
    // Record every alias, also of known items (a retitled story's new guid), so later fetches agree.
    for (const key of keys) if (!known.has(key)) toRecord.set(key, { key, value: { firstSeenAt }, ttl: SEEN_TTL_MS });
    if (isKnown) {
      if (keys.some((key) => claimedElsewhere.has(key))) pendingElsewhere++;
      return;
    }
    for (const key of keys) known.add(key);
    const tooOld = item.published !== undefined && now.getTime() - item.published.getTime() > maxItemAgeMs;
    if (baseline || tooOld) silenced++;
    else fresh.push({ item, firstSeenAt, keys, reclaimed });
  });
  if (toRecord.size > 0) await seen.setMany([...toRecord.values()]);
  // Feeds list newest first; alerts read best oldest first.
  // Undated items count as published now; ties keep the feed's order reversed (newest-first feeds).
  const when = (entry: NewItem) => entry.item.published?.getTime() ?? now.getTime();
  fresh.reverse().sort((a, b) => when(a) - when(b));
  return { fresh, silenced, pendingElsewhere };
}

export function seenKey(feedId: string, itemKey: string): string {
  return `${feedId}:${itemKey}`;
}
