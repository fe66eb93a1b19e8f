import type { FeedItem, ParsedItem } from '../core/feed.js';
import { shortHash } from '../core/hash.js';
import { canonicalLink } from './canonical-link.js';

export { canonicalLink } from './canonical-link.js';

/** Above this share of empty or repeated guids, a feed's guids are not trusted at all (Miniflux uses the same idea). */
const UNRELIABLE_GUID_SHARE = 0.05;

function guidOf(item: ParsedItem): string | undefined {
  const guid = item.guid?.trim();
  return guid ? guid : undefined;
}

/** The key from the link, else from title plus content: the "next key" when the guid cannot be used. */
function fallbackKey(item: ParsedItem): string {
  const link = item.link?.trim();
  if (link) return shortHash('link', canonicalLink(link));
  return shortHash('text', item.title, item.html);
}

function guidCounts(items: ParsedItem[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const guid = guidOf(item);
    if (guid !== undefined) counts.set(guid, (counts.get(guid) ?? 0) + 1);
  }
  return counts;
}

/** True when more than 5% of the items have an empty guid or one shared with another item. */
function guidsAreUnreliable(items: ParsedItem[]): boolean {
  if (items.length === 0) return false;
  const counts = guidCounts(items);
  const bad = items.filter((item) => {
    const guid = guidOf(item);
    return guid === undefined || (counts.get(guid) ?? 0) > 1;
  }).length;
  return bad / items.length > UNRELIABLE_GUID_SHARE;
}

/**
 * Gives each item of one document its stable per-feed key: a hash of the guid, else of the link, else of title
 * plus content. A guid repeated inside the document is disambiguated with the link; when the feed's guids are
 * unreliable as a whole, every item is keyed by its link instead, so keys do not flip between fetches.
 */
export function identifyItems(items: ParsedItem[]): FeedItem[] {
  const useGuids = !guidsAreUnreliable(items);
  const counts = guidCounts(items);
  return items.map((item) => {
    const guid = useGuids ? guidOf(item) : undefined;
    let key: string;
    if (guid === undefined) key = fallbackKey(item);
    else if ((counts.get(guid) ?? 0) > 1)
      key = shortHash('guid', guid, item.link ? canonicalLink(item.link) : `${item.title}\u0000${item.html}`);
    else key = shortHash('guid', guid);
    return { ...item, key };
  });
}

/**
 * Every key under which an item may already have been seen: its own key and the key of its canonical link. A feed
 * whose guid changes with the title (a retitled story) keeps its link, so checking all of these against the seen
 * set prevents a second alert for the same article.
 */
export function seenKeys(item: FeedItem): string[] {
  const link = item.link?.trim();
  if (!link) return [item.key];
  const linkKey = shortHash('link', canonicalLink(link));
  return linkKey === item.key ? [item.key] : [item.key, linkKey];
}
