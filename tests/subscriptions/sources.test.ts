/** Feed inputs (presets, news: searches, URLs, bare sites) and OPML, without any network. */
import { describe, expect, it } from 'vitest';
import { resolveFeedSource } from '../../src/subscriptions/feed-source.js';
import { readOpml, writeOpml } from '../../src/subscriptions/opml.js';
import { findPreset, newsSearchUrl, PRESETS } from '../../src/subscriptions/presets.js';

describe('the preset catalog', () => {
  it("has the mission's sources, each with a unique key and an https feed URL", () => {
    for (const name of ['BBC Urdu', 'VOA Urdu', 'Dawn', 'CoinDesk', 'Cointelegraph', 'Decrypt'])
      expect(PRESETS.map((p) => p.name)).toContain(name);
    expect(new Set(PRESETS.map((p) => p.key)).size).toBe(PRESETS.length);
    for (const preset of PRESETS) {
      expect(preset.key).toMatch(/^[a-z0-9-]+$/);
      expect(new URL(preset.url).protocol).toBe('https:');
    }
  });

  it('finds a preset by key or by name', () => {
    expect(findPreset('bbc-urdu')?.url).toBe('https://feeds.bbci.co.uk/urdu/rss.xml');
    expect(findPreset('BBC Urdu')?.key).toBe('bbc-urdu');
    expect(findPreset('nonesuch')).toBeUndefined();
  });
});

describe('news: searches', () => {
  it('builds a Google News RSS search URL, English by default, Urdu with lang:ur', () => {
    expect(newsSearchUrl('crypto council')).toEqual({
      url: 'https://news.google.com/rss/search?q=crypto+council&hl=en-US&gl=US&ceid=US%3Aen',
      label: 'Google News: crypto council (en)',
    });
    const urdu = newsSearchUrl('کرپٹو کونسل lang:ur');
    expect('url' in urdu && new URL(urdu.url).searchParams.get('q')).toBe('کرپٹو کونسل');
    expect('url' in urdu && new URL(urdu.url).searchParams.get('ceid')).toBe('PK:ur');
  });

  it('refuses an empty search and an unknown language', () => {
    expect(newsSearchUrl(' lang:ur')).toEqual({
      error: 'news: needs words to search for, e.g. news:crypto council lang:ur',
    });
    expect(newsSearchUrl('bitcoin lang:xx')).toMatchObject({
      error: expect.stringContaining('does not know the language "xx"'),
    });
  });
});

describe('feed inputs', () => {
  it('resolves presets, news: searches, URLs and bare site names', () => {
    expect(resolveFeedSource('dawn', PRESETS)).toEqual({
      url: 'https://www.dawn.com/feeds/home',
      label: 'Dawn',
      kind: 'preset',
    });
    expect(resolveFeedSource('news:bitcoin lang:ur', PRESETS).kind).toBe('news');
    expect(resolveFeedSource('https://example.org/feed.xml', PRESETS)).toEqual({
      url: 'https://example.org/feed.xml',
      label: 'https://example.org/feed.xml',
      kind: 'url',
    });
    expect(resolveFeedSource('example.org/news', PRESETS).url).toBe('https://example.org/news');
    expect(resolveFeedSource('127.0.0.1:8080/feed.xml', PRESETS).url).toBe('https://127.0.0.1:8080/feed.xml');
  });

  it('explains what is wrong with anything else', () => {
    expect(() => resolveFeedSource('ftp://example.org/x', PRESETS)).toThrow(
      '`ftp://example.org/x` is a ftp: address; Taza only reads feeds over http:// or https://.',
    );
    expect(() => resolveFeedSource('javascript:alert(1)', PRESETS)).toThrow('is a javascript: address');
    expect(() => resolveFeedSource('coin desk', PRESETS)).toThrow(
      '`coin desk` is not a feed URL, a site URL, a preset or a news: search. Did you mean `coindesk` or `cointelegraph`?',
    );
  });
});

describe('OPML', () => {
  it('round-trips feeds, keywords with quotes, Urdu and line breaks, and the paused state', () => {
    const entries = [
      { url: 'https://example.org/a?x=1&y=2', title: 'A & <B>', keywords: 'bitcoin, "spot etf" -scam', paused: true },
      { url: 'https://example.org/urdu', title: 'اردو', htmlUrl: 'https://example.org/', keywords: 'کرپٹو کونسل' },
      { url: 'https://example.org/all', keywords: '' },
    ];
    const read = readOpml(writeOpml('Test', entries, new Date('2026-01-01T00:00:00Z')));
    expect(read).toEqual({
      ok: true,
      skipped: 0,
      entries: [
        { url: 'https://example.org/a?x=1&y=2', title: 'A & <B>', keywords: 'bitcoin, "spot etf" -scam', paused: true },
        { url: 'https://example.org/urdu', title: 'اردو', htmlUrl: 'https://example.org/', keywords: 'کرپٹو کونسل' },
        { url: 'https://example.org/all', title: 'https://example.org/all', keywords: '' },
      ],
    });
  });

  it('reads nested folders from other readers and says why a file cannot be read', () => {
    const other =
      '<opml version="1.0"><body><outline text="News"><outline text="X" xmlUrl="https://x.example/rss"/></outline><outline text="empty"/></body></opml>';
    expect(readOpml(other)).toEqual({
      ok: true,
      skipped: 1,
      entries: [{ url: 'https://x.example/rss', title: 'X', keywords: '' }],
    });
    expect(readOpml('<opml><body>')).toMatchObject({
      ok: false,
      error: expect.stringContaining('not well-formed XML'),
    });
    expect(readOpml('<rss version="2.0"/>')).toEqual({
      ok: false,
      error: 'the file is XML but not OPML (it has no <opml> root)',
    });
  });
});
