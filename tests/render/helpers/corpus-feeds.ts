/**
 * Test-only reader for ../shared/corpus/feeds (the one test allowed to read it directly). The real parse
 * stage lives in src/parser; this helper only needs items good enough to render: it decodes the declared
 * charset with iconv-lite, parses XML with rss-parser and JSON Feed by hand, and skips what fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import Parser from 'rss-parser';
import { htmlToText } from '../../../src/summarizer/index.js';

/** ../shared/corpus/feeds beside the repository (tests/render/helpers -> repo root -> ..). */
export const CORPUS_FEEDS = fileURLToPath(new URL('../../../../shared/corpus/feeds', import.meta.url));

export interface CorpusItem {
  title: string;
  link?: string;
  html: string;
  published?: string;
}

export interface CorpusFeed {
  file: string;
  title: string;
  language?: string;
  items: CorpusItem[];
}

function charsetOf(body: Buffer): string {
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  const declared = /encoding\s*=\s*["']([\w.-]+)["']/.exec(body.subarray(0, 300).toString('latin1'))?.[1];
  return declared && iconv.encodingExists(declared) ? declared : 'utf-8';
}

/** rss-parser gives an object for Atom type="xhtml" titles; the parse stage would give plain text. */
function plainTitle(value: unknown): string {
  if (typeof value === 'string') return htmlToText(value).replace(/\s+/g, ' ');
  if (value && typeof value === 'object' && '_' in value && typeof value._ === 'string') return value._;
  return '';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function parseJsonFeed(body: string, file: string): CorpusFeed {
  const feed = JSON.parse(body) as { title?: string; items?: Record<string, unknown>[] };
  return {
    file,
    title: feed.title ?? '',
    items: (feed.items ?? []).map((item) => ({
      title: plainTitle(item.title),
      link: text(item.url),
      html: text(item.content_html) ?? text(item.content_text) ?? text(item.summary) ?? '',
      published: text(item.date_published),
    })),
  };
}

async function parseXmlFeed(body: string, file: string): Promise<CorpusFeed> {
  const parsed = await new Parser().parseString(body);
  return {
    file,
    title: parsed.title ?? '',
    language: text((parsed as { language?: unknown }).language),
    items: parsed.items.map((item) => {
      const fields = item as Record<string, unknown>;
      return {
        title: plainTitle(fields.title),
        link: text(fields.link),
        html: text(fields['content:encoded']) ?? text(fields.content) ?? text(fields.summary) ?? '',
        published: text(fields.isoDate) ?? text(fields.pubDate),
      };
    }),
  };
}

/** Every feed file the MANIFEST lists, and those this helper could parse. */
export async function loadCorpusFeeds(): Promise<{ listed: string[]; feeds: CorpusFeed[] }> {
  if (!existsSync(join(CORPUS_FEEDS, 'MANIFEST.tsv'))) return { listed: [], feeds: [] };
  const listed = readFileSync(join(CORPUS_FEEDS, 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0] ?? '')
    .filter(Boolean);
  const feeds: CorpusFeed[] = [];
  for (const file of listed) {
    const raw = readFileSync(join(CORPUS_FEEDS, file));
    const body = iconv.decode(raw, charsetOf(raw));
    try {
      feeds.push(file.endsWith('.json') ? parseJsonFeed(body, file) : await parseXmlFeed(body, file));
    } catch {
      // Feeds that break this helper's parser (malformed XML, a bad date) are the parse stage's concern.
    }
  }
  return { listed, feeds };
}
