/**
 * Reads items from the real feeds in ../shared/corpus for the matcher's tests and benchmark, independently
 * of the app's parse stage (src/parser), with fast-xml-parser: RSS 2.0, RSS 1.0/RDF, Atom and JSON Feed,
 * in the charset the feed declares. Item text is the description/content with HTML stripped.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import type { MatchInput } from '../../src/matcher/index.js';

export const SHARED_CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');
export const FEEDS_DIR = join(SHARED_CORPUS, 'feeds');

export interface CorpusItem extends MatchInput {
  /** Path of the feed under corpus/feeds. */
  feed: string;
  /** The raw description/content as in the feed (HTML). */
  html: string;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  laquo: '«',
  raquo: '»',
  copy: '©',
  eacute: 'é',
};

/** Plain text of an HTML fragment: tags (and script/style contents) removed, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of a parsed XML value: a string, a number, { '#text': … }, or the first of an array. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join(' ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('#text' in o) return textOf(o['#text']);
    if ('name' in o) return textOf(o['name']);
    if ('@_term' in o) return textOf(o['@_term']);
  }
  return '';
}

function list(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** Decode a feed's bytes: BOM first, then the XML declaration's encoding, else UTF-8. */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf-16be');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /encoding=["']([\w.-]+)["']/i.exec(head)?.[1];
  if (declared && !/^utf-?8$/i.test(declared) && iconv.encodingExists(declared)) return iconv.decode(bytes, declared);
  return bytes.toString('utf8');
}

const parser = new XMLParser({
  ignoreAttributes: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ['item', 'entry', 'category', 'link', 'dc:subject'].includes(name),
});

function item(
  feed: string,
  fields: { title: unknown; html: unknown; link?: string; author?: unknown; categories?: unknown[] },
): CorpusItem {
  const html = textOf(fields.html);
  const author = textOf(fields.author);
  return {
    feed,
    title: htmlToText(textOf(fields.title)),
    text: htmlToText(html),
    html,
    ...(fields.link ? { link: fields.link } : {}),
    ...(author ? { author } : {}),
    categories: (fields.categories ?? []).map(textOf).filter(Boolean),
  };
}

/** Items of one feed, by its path under corpus/feeds. Throws when the feed cannot be read. */
export function readFeedItems(relPath: string): CorpusItem[] {
  const raw = decode(readFileSync(join(FEEDS_DIR, relPath)));
  if (relPath.endsWith('.json')) {
    const feed = JSON.parse(raw) as { items?: Array<Record<string, unknown>> };
    return (feed.items ?? []).map((it) =>
      item(relPath, {
        title: it['title'],
        html: it['content_html'] ?? it['content_text'] ?? it['summary'],
        link: textOf(it['url']),
        author: (it['author'] as { name?: string } | undefined)?.name,
        categories: list(it['tags']),
      }),
    );
  }
  const doc = parser.parse(raw) as Record<string, Record<string, unknown> | undefined>;
  const channel = doc['rss']?.['channel'] as Record<string, unknown> | undefined;
  const rdf = doc['rdf:RDF'];
  const rssItems = list(channel?.['item'] ?? rdf?.['item'] ?? channel?.['items']) as Array<Record<string, unknown>>;
  if (rssItems.length > 0) {
    return rssItems.map((it) =>
      item(relPath, {
        title: it['title'],
        html: it['content:encoded'] || it['description'] || it['dc:description'],
        link: textOf(it['link']),
        author: it['dc:creator'] ?? it['author'],
        categories: [...list(it['category']), ...list(it['dc:subject'])],
      }),
    );
  }
  const entries = list(doc['feed']?.['entry']) as Array<Record<string, unknown>>;
  return entries.map((it) => {
    const links = list(it['link']) as Array<Record<string, string>>;
    const alternate = links.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? links[0];
    return item(relPath, {
      title: it['title'],
      html: it['content'] ?? it['summary'],
      link: alternate?.['@_href'] ?? '',
      author: it['author'],
      categories: list(it['category']),
    });
  });
}

/** Every feed under corpus/feeds (by extension), with the items that could be read; unreadable feeds skipped. */
export function allCorpusItems(): CorpusItem[] {
  const out: CorpusItem[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(xml|rss|atom|rdf|json)$/i.test(name)) {
        try {
          out.push(...readFeedItems(relative(FEEDS_DIR, path)).filter((it) => it.title || it.text));
        } catch {
          // Feeds known to break parsers are part of the corpus: skip them here.
        }
      }
    }
  };
  if (existsSync(FEEDS_DIR)) walk(FEEDS_DIR);
  return out;
}
