/**
 * The same story reaching one destination from two feeds is posted once: it is recognised by its link
 * without tracking parameters, or by its normalized title within 48 hours.
 */
import type Keyv from 'keyv';
import { formatDestination, type Destination } from '../core/destination.js';
import { shortHash } from '../core/hash.js';
import { canonicalLink } from '../identify/index.js';

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

/** True when this alert may post the story to this destination (and claims it); false for a repeat. */
export async function claimStory(
  stories: Keyv<string>,
  destination: Destination,
  item: { title: string; link?: string },
  alertId: string,
): Promise<boolean> {
  const prefix = formatDestination(destination);
  const keys = storyKeys(item).map((key) => `${prefix}|${key}`);
  if (keys.length === 0) return true;
  const owners = await stories.getMany(keys);
  if (owners.some((owner) => owner !== undefined && owner !== alertId)) return false;
  await stories.setMany(keys.map((key) => ({ key, value: alertId, ttl: STORY_TTL_MS })));
  return true;
}
