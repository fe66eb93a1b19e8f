import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFeed, plainText } from '../../src/parser/index.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/parser/${name}`, import.meta.url));
const now = new Date('2026-01-01T00:00:00Z');

describe('the real CoinDesk feed (an empty <content:encoded/> in every item)', () => {
  const body = fixture('coindesk.rss');
  const raw = body.toString('utf8');
  const rawItems = [...raw.matchAll(/<item>([\s\S]*?)<\/item>/g)].map((match) => match[1]!);
  const mentionsBitcoin = (text: string) => /bitcoin/i.test(text);
  const tag = (item: string, name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(item)?.[1] ?? '';

  it('gives every item a summary from its description', () => {
    expect(rawItems.every((item) => item.includes('<content:encoded/>'))).toBe(true);
    const feed = parseFeed(body, 'application/rss+xml', { now });
    expect(feed.items).toHaveLength(rawItems.length);
    for (const item of feed.items) expect(plainText(item.html)).not.toBe('');
  });

  it('finds every item that mentions Bitcoin, including those that say so only in the description', () => {
    const expected = rawItems.filter((item) => mentionsBitcoin(tag(item, 'title') + tag(item, 'description'))).length;
    const onlyInDescription = rawItems.filter(
      (item) => !mentionsBitcoin(tag(item, 'title')) && mentionsBitcoin(tag(item, 'description')),
    ).length;
    expect(expected).toBe(4);
    expect(onlyInDescription).toBeGreaterThan(0);
    const feed = parseFeed(body, 'application/rss+xml', { now });
    const found = feed.items.filter((item) => mentionsBitcoin(`${item.title} ${plainText(item.html)}`));
    expect(found).toHaveLength(expected);
  });
});

// The shared corpus sits beside the repository (a copy of shared/ is laid next to it for CI too).
const corpus = fileURLToPath(new URL('../../../shared/corpus/feeds/', import.meta.url));
const manifest = `${corpus}MANIFEST.tsv`;

describe.skipIf(!existsSync(manifest))('every feed of the shared corpus', () => {
  const rows = existsSync(manifest)
    ? readFileSync(manifest, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split('\t'))
    : [];
  it.each(rows.filter((row) => row[8] !== '').map((row) => [row[0]!, Number(row[8])] as const))(
    '%s gives its %i items',
    (relpath, count) => {
      const feed = parseFeed(readFileSync(`${corpus}${relpath}`), undefined, { now });
      expect(feed.items).toHaveLength(count);
    },
  );
});
