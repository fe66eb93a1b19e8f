import type { ParsedFeed, ParsedItem } from '../core/feed.js';
import { escapeHtml } from '../render/escape.js';
import { parseFeedDate } from './dates.js';
import { parsedItem } from './item.js';
import { optionalText, plainText } from './text.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
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

function authorOf(item: JsonObject): string | undefined {
  const authors = Array.isArray(item.authors) ? item.authors : isObject(item.author) ? [item.author] : [];
  const names = authors
    .filter(isObject)
    .map((author) => text(author.name))
    .filter((name): name is string => !!name);
  return names.length > 0 ? names.join(', ') : undefined;
}

function jsonItem(item: JsonObject, base: string | undefined): ParsedItem {
  const guid = text(item.id)?.trim();
  const link = resolve(text(item.url) ?? text(item.external_url), base);
  const html = text(item.content_html) ?? escapeText(text(item.content_text)) ?? text(item.summary) ?? '';
  const published = parseFeedDate(text(item.date_published) ?? text(item.date_modified));
  const author = authorOf(item);
  return parsedItem({
    guid,
    title: plainText(text(item.title) ?? ''),
    link,
    html: html.trim(),
    author,
    categories: Array.isArray(item.tags) ? item.tags.map((tag) => plainText(text(tag) ?? '')).filter(Boolean) : [],
    published,
  });
}

function escapeText(value: string | undefined): string | undefined {
  return value === undefined ? undefined : escapeHtml(value);
}

/** JSON Feed 1.0/1.1 (rss-parser does not read it). Items that are not objects are skipped, not fatal. */
export function buildJsonFeed(feed: JsonObject, baseUrl: string | undefined): ParsedFeed {
  const link = resolve(text(feed.home_page_url), baseUrl);
  const language = optionalText(text(feed.language));
  const items = Array.isArray(feed.items) ? feed.items.filter(isObject) : [];
  return {
    format: 'json',
    title: plainText(text(feed.title) ?? ''),
    ...(link ? { link } : {}),
    ...(language ? { language } : {}),
    items: items.map((item) => jsonItem(item, link ?? baseUrl)),
  };
}
