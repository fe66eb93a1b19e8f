/**
 * The real feeds of tests/fixtures/corpus (a byte-for-byte copy of the shared corpus's feeds/, MANIFEST.tsv and each
 * source's LICENSE.upstream included), read the way Taza reads a feed: src/parser on the
 * file's bytes, and the item text src/summarizer's htmlToText() gives the matcher. The one reader of the corpus for
 * the tests and the matching benchmark; feeds the parser refuses (the corpus holds deliberately broken ones) are
 * left out of the lists, and readCorpusFeed() throws for them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MatchInput } from '../../src/matcher/index.js';
import { ParseError, parseFeed } from '../../src/parser/index.js';
import { htmlToText } from '../../src/summarizer/index.js';

export const FEEDS_DIR = fileURLToPath(new URL('../fixtures/corpus/feeds', import.meta.url));

/** The BBC Urdu RSS feed of 2018 (26 items, right to left), by its path under corpus/feeds. */
export const BBC_URDU_FEED = 'miniflux/internal/reader/parser/testdata/urdu_UTF8.xml';

/** The bytes of one corpus file, by its path under corpus/feeds (the MANIFEST's relpath). */
export function corpusFile(relpath: string): Buffer {
  return readFileSync(join(FEEDS_DIR, relpath));
}

export interface CorpusItem extends MatchInput {
  /** Path of the feed under corpus/feeds. */
  feed: string;
  /** The item's content or description as the parser gives it (HTML). */
  html: string;
  /** ISO time, when the item is dated. */
  published?: string;
}

export interface CorpusFeed {
  file: string;
  title: string;
  language?: string;
  items: CorpusItem[];
}

/** One feed, by its path under corpus/feeds. Throws the parser's ParseError when Taza cannot read it. */
export function readCorpusFeed(file: string): CorpusFeed {
  const parsed = parseFeed(corpusFile(file));
  return {
    file,
    title: parsed.title,
    ...(parsed.language !== undefined && { language: parsed.language }),
    items: parsed.items.map((item) => ({
      feed: file,
      title: item.title,
      text: htmlToText(item.html),
      html: item.html,
      ...(item.link !== undefined && { link: item.link }),
      ...(item.author !== undefined && { author: item.author }),
      categories: item.categories,
      ...(item.published !== undefined && { published: item.published.toISOString() }),
    })),
  };
}

export function readFeedItems(file: string): CorpusItem[] {
  return readCorpusFeed(file).items;
}

/** Every feed file the corpus MANIFEST lists, and those Taza can read. */
export function loadCorpusFeeds(): { listed: string[]; feeds: CorpusFeed[] } {
  const listed = corpusManifest().map((row) => row.relpath);
  return { listed, feeds: readable(listed) };
}

/** The MANIFEST's rows: each file's path under corpus/feeds and the item count upstream declares ('' when none). */
export function corpusManifest(): { relpath: string; itemCount: string }[] {
  return corpusFile('MANIFEST.tsv')
    .toString('utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map((row) => ({ relpath: row[0] ?? '', itemCount: row[8] ?? '' }))
    .filter((row) => row.relpath !== '');
}

/** The items of every feed file under corpus/feeds that Taza can read, with a title or a text. */
export function allCorpusItems(): CorpusItem[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(xml|rss|atom|rdf|json)$/i.test(name)) files.push(relative(FEEDS_DIR, path));
    }
  };
  walk(FEEDS_DIR);
  return readable(files).flatMap((feed) => feed.items.filter((item) => item.title || item.text));
}

function readable(files: readonly string[]): CorpusFeed[] {
  return files.flatMap((file) => {
    try {
      return [readCorpusFeed(file)];
    } catch (error) {
      if (error instanceof ParseError) return [];
      throw error;
    }
  });
}
