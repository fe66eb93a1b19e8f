import type { ParsedItem } from '../core/feed.js';
import { boundedHtml } from './text.js';

/** A ParsedItem's fields as the format readers find them: the optional ones possibly undefined or empty. */
export interface ItemFields {
  guid: string | undefined;
  title: string;
  link: string | undefined;
  html: string;
  author: string | undefined;
  categories: string[];
  published: Date | undefined;
  image?: string | undefined;
}

/**
 * The item, leaving out the optional fields that are absent, in the usual field order, its HTML bounded in depth
 * (text.ts, boundedHtml). Built by assignment, not
 * with `...(guid ? { guid } : {})`: V8 copies literals with several such spreads on a slow path whose objects
 * outlive the young generation (about 1 KB per item), and at thousands of new feeds that garbage, freed only by
 * full collections, was most of the heap's growth.
 */
export function parsedItem(fields: ItemFields): ParsedItem {
  const item = {} as ParsedItem;
  if (fields.guid) item.guid = fields.guid;
  item.title = fields.title;
  if (fields.link) item.link = fields.link;
  item.html = boundedHtml(fields.html);
  if (fields.author) item.author = fields.author;
  item.categories = fields.categories;
  if (fields.published) item.published = fields.published;
  const image = fields.image ?? firstImgSrc(item.html);
  if (image) item.image = image;
  return item;
}

/** Only absolute http(s) sources: a relative one would need the item's base, which the HTML has lost by now. */
const IMG_SRC = /<img\b[^>]*?\ssrc\s*=\s*(?:"(https?:\/\/[^"\s]+)"|'(https?:\/\/[^'\s]+)')/i;

/** The first <img> of the content, the picture most feeds without media tags lead their items with. */
function firstImgSrc(html: string): string | undefined {
  const match = IMG_SRC.exec(html.length > 20_000 ? html.slice(0, 20_000) : html);
  return match ? (match[1] ?? match[2])?.replace(/&amp;/g, '&') : undefined;
}
