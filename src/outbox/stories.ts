/**
 * The same story reaching one destination from two feeds is posted once: it is recognised by its link
 * without tracking parameters, or by its normalized title within 48 hours.
 */
import { formatDestination, type Destination } from '../core/destination.js';
import { shortHash } from '../core/hash.js';
import { canonicalLink } from '../identify/index.js';
import type { Store } from '../store/open.js';

const STORY_TTL_MS = 48 * 3_600_000;

function storyKeys(item: { title: string; link?: string }): string[] {
  const keys: string[] = [];
  if (item.link) keys.push(`link:${shortHash(canonicalLink(item.link))}`);
  const title = item.title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .trim();
  // Very short titles ("Update", "News") are too common to identify a story.
  if (title.length >= 12) keys.push(`title:${shortHash(title)}`);
  return keys;
}

/**
 * True when this alert may post the story to this destination (and claims it); false for a repeat. Each key is
 * claimed with the store's atomic insert, so of two instances posting one story, one wins.
 */
export async function claimStory(
  store: Pick<Store, 'stories' | 'insertIfAbsent'>,
  destination: Destination,
  item: { title: string; link?: string },
  alertId: string,
): Promise<boolean> {
  const prefix = formatDestination(destination);
  const keys = storyKeys(item).map((key) => `${prefix}|${key}`);
  const claimed: string[] = [];
  for (const key of keys) {
    if (await store.insertIfAbsent('stories', key, alertId, STORY_TTL_MS)) {
      claimed.push(key);
      continue;
    }
    // Claimed before: by this alert (a retry) it is still ours; by another, this is a repeat.
    const owner = await store.stories.get(key);
    if (owner === alertId) continue;
    if (owner === undefined && (await store.insertIfAbsent('stories', key, alertId, STORY_TTL_MS))) {
      // It expired between the two reads.
      claimed.push(key);
      continue;
    }
    // The keys this call took would otherwise mark the story as posted when it was not.
    if (claimed.length > 0) await store.stories.deleteMany(claimed);
    return false;
  }
  return true;
}
