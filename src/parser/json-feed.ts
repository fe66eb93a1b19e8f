import type { ParsedFeed, ParsedItem } from '../core/feed.js';
import { escapeHtml } from '../render/escape.js';
import { parseFeedDate } from './dates.js';
import { parsedItem } from './item.js';
import { LIMITS } from './limits.js';
import { optionalText, plainText } from './text.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or number as text; blank strings count as absent so they never shadow the next source. */
function text(value: unknown): string | undefined {
  const result = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  return result?.trim() ? result : undefined;
}

function resolve(href: string | undefined, base: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    return new URL(href, base).href;
  } catch {
    return href;
  }
}

/** True when `value` is a JSON Feed document (https://jsonfeed.org/version/1 or 1.1). */
export function isJsonFeed(value: unknown): value is JsonObject {
  return (
    isObject(value) &&
    ((typeof value.version === 'string' && value.version.includes('jsonfeed.org')) || Array.isArray(value.items))
  );
}

function names(value: unknown): string | undefined {
  const people = Array.isArray(value) ? value : isObject(value) ? [value] : [];
  const found = people
    .filter(isObject)
    .map((person) => text(person.name)?.trim())
    .filter((name): name is string => !!name);
  return found.length > 0 ? found.join(', ') : undefined;
}

/** JSON Feed 1.1 `authors`, else 1.0 `author`, on the item, else on the feed. */
function authorOf(item: JsonObject, feed: JsonObject): string | undefined {
  return names(item.authors) ?? names(item.author) ?? names(feed.authors) ?? names(feed.author);
}

function jsonItem(item: JsonObject, feed: JsonObject, base: string | undefined): ParsedItem {
  const guid = text(item.id)?.trim();
  const link = resolve(text(item.url) ?? text(item.external_url), base);
  const html = text(item.content_html) ?? escapeText(text(item.content_text)) ?? escapeText(text(item.summary)) ?? '';
  // An unreadable date_published does not hide a readable date_modified.
  const published = parseFeedDate(text(item.date_published)) ?? parseFeedDate(text(item.date_modified));
  const author = authorOf(item, feed);
  return parsedItem({
    guid,
    title: plainText(text(item.title) ?? ''),
    link,
    html: html.trim(),
    author,
    categories: Array.isArray(item.tags) ? item.tags.map((tag) => plainText(text(tag) ?? '')).filter(Boolean) : [],
    published,
    image: resolve(text(item.image) ?? text(item.banner_image), base),
  });
}

function escapeText(value: string | undefined): string | undefined {
  return value === undefined ? undefined : escapeHtml(value);
}

/** JSON Feed's `hubs` (those of type WebSub) and `feed_url`, the WebSub topic. */
function jsonHubs(feed: JsonObject, baseUrl: string | undefined): Pick<ParsedFeed, 'hubs' | 'self'> {
  const hubs = (Array.isArray(feed.hubs) ? feed.hubs.filter(isObject) : [])
    .filter((hub) => /^websub$/i.test(text(hub.type) ?? 'websub'))
    .flatMap((hub) => resolve(text(hub.url), baseUrl) ?? [])
    .slice(0, 4);
  const self = resolve(text(feed.feed_url), baseUrl);
  return { ...(hubs.length > 0 ? { hubs } : {}), ...(self ? { self } : {}) };
}

/** JSON Feed 1.0/1.1 (rss-parser does not read it). Items that are not objects are skipped, not fatal. */
export function buildJsonFeed(feed: JsonObject, baseUrl: string | undefined): ParsedFeed {
  const link = resolve(text(feed.home_page_url), baseUrl);
  const language = optionalText(text(feed.language));
  const all = Array.isArray(feed.items) ? feed.items.filter(isObject) : [];
  const items = all.slice(0, LIMITS.maxItems);
  const parsed: ParsedFeed = {
    format: 'json',
    title: plainText(text(feed.title) ?? ''),
    ...(link ? { link } : {}),
    ...(language ? { language } : {}),
    ...jsonHubs(feed, baseUrl),
    // Relative item URLs are resolved against the feed URL first, as the spec says, then the home page.
    items: items.map((item) => jsonItem(item, feed, baseUrl ?? link)),
  };
  if (all.length > items.length) parsed.omittedItems = all.length - items.length;
  return parsed;
}
