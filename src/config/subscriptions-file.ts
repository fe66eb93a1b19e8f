/**
 * The subscriptions file (`taza.config.json`): lets a new user try Taza without any token, and lets
 * self-hosters pre-seed subscriptions. Invalid entries are reported with their index; valid ones still load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseDestination, type Destination } from '../core/destination.js';
import { parseQuery } from '../matcher/index.js';

export interface FileSubscription {
  feed: string;
  keywords: string;
  destination: Destination;
  /** Summarize from the article page when the feed carries only a snippet. */
  fullText: boolean;
}

export interface SubscriptionsFile {
  path?: string;
  subscriptions: FileSubscription[];
  /** One line per refused entry: `subscriptions[2]: … (reason)`. */
  problems: string[];
}

export const DEFAULT_SUBSCRIPTIONS_FILE = './taza.config.json';

export function readSubscriptionsFile(explicitPath: string | undefined): SubscriptionsFile {
  const path = explicitPath ?? (existsSync(DEFAULT_SUBSCRIPTIONS_FILE) ? DEFAULT_SUBSCRIPTIONS_FILE : undefined);
  if (!path) return { subscriptions: [], problems: [] };
  if (!existsSync(path)) return { path, subscriptions: [], problems: [`${path}: file not found (TAZA_CONFIG)`] };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { path, subscriptions: [], problems: [`${path}: not valid JSON (${(error as Error).message})`] };
  }
  const list = (data as { subscriptions?: unknown })?.subscriptions;
  if (!Array.isArray(list))
    return { path, subscriptions: [], problems: [`${path}: expected {"subscriptions": [ … ]}`] };
  const subscriptions: FileSubscription[] = [];
  const problems: string[] = [];
  list.forEach((entry: unknown, index) => {
    const problem = validateEntry(entry);
    if (typeof problem === 'string') problems.push(`subscriptions[${index}]: ${problem}`);
    else subscriptions.push(problem);
  });
  return { path, subscriptions, problems };
}

function validateEntry(entry: unknown): FileSubscription | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return 'expected an object with "feed", "keywords" and "to"';
  const { feed, keywords = '', to = 'console', fullText = false } = entry as Record<string, unknown>;
  if (typeof feed !== 'string' || !/^https?:\/\/\S+$/i.test(feed))
    return `"feed" must be an http(s) URL (got ${JSON.stringify(feed)})`;
  try {
    new URL(feed);
  } catch {
    return `"feed" is not a valid URL (got ${JSON.stringify(feed)})`;
  }
  if (typeof keywords !== 'string') return '"keywords" must be a string (or left out for every new item)';
  const query = parseQuery(keywords);
  if (!query.ok) return `"keywords": ${query.error}`;
  if (typeof to !== 'string') return '"to" must be console, discord:<channelId> or telegram:<chatId>';
  const destination = parseDestination(to);
  if ('error' in destination) return `"to": ${destination.error}`;
  if (typeof fullText !== 'boolean') return '"fullText" must be true or false';
  return { feed, keywords, destination, fullText };
}
