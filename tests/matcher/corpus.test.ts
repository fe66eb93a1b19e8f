/** The matcher against real text: the Urdu article, the BBC Urdu feed, CoinDesk and Cointelegraph. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MatchIndex, matchQuery, parseQuery, type CompiledQuery, type MatchInput } from '../../src/matcher/index.js';
import { readFeedItems } from '../support/corpus.js';

function q(source: string): CompiledQuery {
  const parsed = parseQuery(source);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.error}`);
  return parsed.query;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/matcher/urdu-article.json', import.meta.url), 'utf8')) as {
  title: string;
  text: string;
};
const article: MatchInput = {
  title: fixture.title,
  text: fixture.text,
  link: 'https://example.pk/urdu/bitcoin-office',
  categories: [],
};

describe('the real Urdu article (Pakistan Crypto Council and El Salvador)', () => {
  it('is the corpus article, copied verbatim', () => {
    const original = new URL('../fixtures/summarizer/urdu-crypto-council-article.txt', import.meta.url);
    expect(fixture.text).toBe(readFileSync(original, 'utf8'));
    expect(fixture.text).toContain(fixture.title);
  });

  it.each([
    'bitcoin',
    'crypto council',
    'بٹ کوائن',
    'کرپٹو کونسل',
    'El Salvador',
    'ایل سلواڈور',
    '"ایل سلوا ڈور"',
    'pakistan AND bitcoin',
    'title:بٹ کوائن',
  ])('matches %s', (source) => {
    const result = matchQuery(q(source), article);
    expect(result.matched, result.why).toBe(true);
    expect(result.terms.length).toBeGreaterThan(0);
  });

  it.each(['ethereum', 'bitcoin -pakistan'])('does not match %s', (source) => {
    expect(matchQuery(q(source), article).matched).toBe(false);
  });

  it('explains in the subscriber’s words', () => {
    expect(matchQuery(q('bitcoin, crypto council'), article)).toEqual({
      matched: true,
      terms: ['bitcoin', 'crypto council'],
      why: 'bitcoin (as بٹ کوائن) in title and text; crypto council (as کرپٹو کونسل) in text',
    });
    expect(matchQuery(q('bitcoin -pakistan'), article).why).toMatch(/^excluded by -pakistan/);
    expect(matchQuery(q('ethereum, solana'), article).why).toBe('no alternative matched');
  });

  it('carries both spellings of El Salvador, and the quoted spaced one is exact', () => {
    expect(fixture.text).toContain('ایل سلوا ڈور');
    expect(fixture.text).toContain('ایل سلواڈور');
    // Quoted: no aliases, so it is found through spacing alone — also in a text with only the joined form.
    const joinedOnly: MatchInput = { title: '', text: 'ایل سلواڈور کے صدر', categories: [] };
    expect(matchQuery(q('"ایل سلوا ڈور"'), joinedOnly).matched).toBe(true);
    expect(matchQuery(q('"ایل سلوا ڈور"'), { title: '', text: 'El Salvador', categories: [] }).matched).toBe(false);
  });

  it('does not match بٹ کوائن in a text whose only mention is the misspelling بٹن کوائن', () => {
    const sentence = fixture.text.split('۔').find((s) => s.includes('بٹن کوائن'));
    expect(sentence).toBeDefined();
    expect(sentence).not.toContain('بٹ کوائن');
    const item: MatchInput = { title: '', text: `${sentence!.trim()}۔`, categories: [] };
    expect(matchQuery(q('بٹ کوائن'), item).matched).toBe(false);
    expect(matchQuery(q('bitcoin'), item).matched).toBe(false);
    expect(matchQuery(q('بٹن کوائن'), item).matched).toBe(true);
  });

  it('gives the same answers through the index', () => {
    const sources = ['bitcoin', 'crypto council', '"ایل سلوا ڈور"', 'title:بٹ کوائن', 'ethereum', 'bitcoin -pakistan'];
    const index = new MatchIndex(sources.map((source) => ({ id: source, query: q(source) })));
    expect(index.match(article).map((m) => m.id)).toEqual([
      'bitcoin',
      'crypto council',
      '"ایل سلوا ڈور"',
      'title:بٹ کوائن',
    ]);
  });
});

describe('the real BBC Urdu feed', () => {
  const items = readFeedItems('miniflux/internal/reader/parser/testdata/urdu_UTF8.xml');

  it('has its 26 stories, in Urdu', () => {
    expect(items).toHaveLength(26);
    expect(items.every((it) => /[\u0600-\u06FF]/.test(it.title))).toBe(true);
  });

  it('has no item matching bitcoin, crypto council, بٹ کوائن, کرپٹو کونسل', () => {
    const query = q('bitcoin, crypto council, بٹ کوائن, کرپٹو کونسل');
    const matched = items.filter((it) => matchQuery(query, it).matched).map((it) => it.title);
    expect(matched).toEqual([]);
  });

  it('does match what its stories are about, in either script', () => {
    const count = (source: string): number => items.filter((it) => matchQuery(q(source), it).matched).length;
    // The word itself, not پاکستانی (an adjective, a different word): a regex with Unicode word boundaries.
    const word = /(^|[^\p{L}\p{M}\p{N}])پاکستان([^\p{L}\p{M}\p{N}]|$)/u;
    const urdu = items.filter((it) => word.test(`${it.title} ${it.text}`)).length;
    expect(urdu).toBeGreaterThan(5);
    expect(count('pakistan')).toBeGreaterThanOrEqual(urdu);
    expect(count('پاکستان')).toBe(count('pakistan'));
    expect(count('"پاکستان"')).toBeGreaterThanOrEqual(urdu);
  });
});

describe('the real CoinDesk and Cointelegraph feeds', () => {
  const feeds = [
    'crypto-syspulse/sentry-news/rss/coindesk.rss',
    'crypto-syspulse/sentry-news/rss/coingtelegraph-all.rss',
  ];
  const items = feeds.flatMap((feed) => readFeedItems(feed));
  // The expectation, computed independently of the matcher: a plain regex over title + description.
  const mentions = (it: MatchInput, word: RegExp): boolean => word.test(`${it.title} ${it.text}`);
  const BITCOIN = /\bbitcoins?\b/i;
  const ETF = /\betfs?\b/i;

  it('reads both feeds', () => {
    expect(items).toHaveLength(55);
    const bitcoin = items.filter((it) => mentions(it, BITCOIN));
    expect(bitcoin.length).toBeLessThan(items.length);
    // ETFs are in the news (two items), though no Bitcoin item of this snapshot mentions them.
    expect(items.filter((it) => mentions(it, ETF)).length).toBe(2);
  });

  // CoinDesk's empty <content:encoded/> must not hide the <description>: two items mention Bitcoin only there.
  it('reads the description of an item whose <content:encoded/> is empty', () => {
    const bailey = items.find((it) => it.title === 'Most Influential: David Bailey');
    expect(bailey?.text).toContain('bitcoin treasury company');
    expect(items.filter((it) => mentions(it, BITCOIN)).length).toBeGreaterThan(10);
  });

  it('matches bitcoin on exactly the items whose title or description mentions Bitcoin', () => {
    const query = q('bitcoin');
    for (const it of items) expect(matchQuery(query, it).matched, it.title).toBe(mentions(it, BITCOIN));
  });

  it('drops from bitcoin -etf exactly the items that also mention ETF', () => {
    const query = q('bitcoin -etf');
    for (const it of items) {
      expect(matchQuery(query, it).matched, it.title).toBe(mentions(it, BITCOIN) && !mentions(it, ETF));
    }
  });

  it('drops a Bitcoin item once it also mentions ETF', () => {
    // The real Bitcoin items, each followed by the real sentence of an ETF item (as a roundup would be).
    const etfText = items.find((it) => mentions(it, ETF))!.text;
    const query = q('bitcoin -etf');
    for (const it of items.filter((i) => mentions(i, BITCOIN))) {
      const both = { ...it, text: `${it.text} ${etfText}` };
      expect(matchQuery(q('bitcoin'), both).matched).toBe(true);
      const result = matchQuery(query, both);
      expect(result.matched, it.title).toBe(false);
      expect(result.why).toBe('excluded by -etf (in text)');
    }
  });

  it('excludes the ETF items from "crypto" -etf, as a regex says', () => {
    const query = q('"crypto" -etf');
    const CRYPTO = /\bcrypto\b/i;
    const dropped = items.filter((it) => mentions(it, CRYPTO) && mentions(it, ETF));
    expect(dropped.length).toBeGreaterThan(0);
    for (const it of items)
      expect(matchQuery(query, it).matched, it.title).toBe(mentions(it, CRYPTO) && !mentions(it, ETF));
  });

  it('gives the index the same answers', () => {
    const index = new MatchIndex([
      { id: 'bitcoin', query: q('bitcoin') },
      { id: 'no-etf', query: q('bitcoin -etf') },
    ]);
    for (const it of items) {
      const ids = index.match(it).map((m) => m.id);
      const expected = mentions(it, BITCOIN) ? (mentions(it, ETF) ? ['bitcoin'] : ['bitcoin', 'no-etf']) : [];
      expect(ids, it.title).toEqual(expected);
    }
  });
});
