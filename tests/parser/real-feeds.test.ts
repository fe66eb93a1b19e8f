import { describe, expect, it } from 'vitest';
import { parseFeed, plainText } from '../../src/parser/index.js';
import { corpusFile, corpusManifest } from '../support/corpus.js';

const now = new Date('2026-01-01T00:00:00Z');

describe('the real CoinDesk feed (an empty <content:encoded/> in every item)', () => {
  const body = corpusFile('crypto-syspulse/sentry-news/rss/coindesk.rss');
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

describe('every feed of the corpus', () => {
  const counted = corpusManifest().filter((row) => row.itemCount !== '');
  it.each(counted.map((row) => [row.relpath, Number(row.itemCount)] as const))(
    '%s gives its %i items',
    (relpath, count) => {
      const feed = parseFeed(corpusFile(relpath), undefined, { now });
      expect(feed.items).toHaveLength(count);
    },
  );
});
