import { describe, expect, it } from 'vitest';
import { findFeedLinks, ParseError, parseFeed } from '../../src/parser/index.js';
import { corpusFile } from '../support/corpus.js';

const now = new Date('2025-01-01T00:00:00Z');
const parse = (xml: string, contentType?: string) => parseFeed(Buffer.from(xml, 'utf8'), contentType, { now });

function parseError(body: string, baseUrl?: string): ParseError {
  try {
    parseFeed(Buffer.from(body, 'utf8'), undefined, baseUrl ? { baseUrl } : {});
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error('expected a ParseError');
}

describe('parseFeed formats', () => {
  it('reads JSON Feed (real feed-rs fixture), whatever the Content-Type says', () => {
    const feed = parseFeed(corpusFile('feed-rs/feed-rs/fixture/jsonfeed/jsonfeed_spec_1.json'), 'text/plain');
    expect(feed.format).toBe('json');
    expect(feed.title).toBe('JSON Feed');
    expect(feed.items[0]).toMatchObject({
      title: 'Announcing JSON Feed',
      link: 'https://jsonfeed.org/2017/05/17/announcing_json_feed',
    });
    expect(feed.items[0]?.published?.toISOString()).toBe('2017-05-17T15:02:12.000Z');
  });

  it('reads RSS without a version attribute', () => {
    expect(parseFeed(corpusFile('feedparser/tests/wellformed/rss/rss_version_missing.xml')).format).toBe('rss');
    const feed = parse(
      '<rss><channel><title>T</title><ttl>30</ttl><item><title>One</title><link>https://e.org/1</link></item></channel></rss>',
    );
    expect(feed.items.map((item) => item.title)).toEqual(['One']);
    expect(feed.ttlMinutes).toBe(30);
  });

  it('keeps the other entries when one Atom entry has a bad date', () => {
    const feed = parse(`<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
      <entry><id>1</id><title>Good</title><published>2024-05-01T10:00:00Z</published></entry>
      <entry><id>2</id><title>Bad date</title><published>yesterday-ish</published></entry>
      <entry><id>3</id><title>Also good</title><updated>2024-05-02T10:00:00Z</updated></entry></feed>`);
    expect(feed.items.map((item) => item.title)).toEqual(['Good', 'Bad date', 'Also good']);
    expect(feed.items[1]?.published).toBeUndefined();
    expect(feed.items[2]?.published?.toISOString()).toBe('2024-05-02T10:00:00.000Z');
    // The real feedvalidator case: spaces around the T still read as the intended instant.
    expect(
      parseFeed(
        corpusFile('feedvalidator/testcases/atom/3.3/published_extra_spaces.xml'),
      ).items[0]?.published?.toISOString(),
    ).toBe('2003-07-01T06:55:07.000Z');
  });

  it('turns xhtml titles into plain strings (real feedparser fixture)', () => {
    const feed = parseFeed(corpusFile('feedparser/tests/wellformed/atom10/entry_title_inline_markup.xml'));
    expect(feed.items[0]?.title).toBe('Example Atom');
    const html = parse(
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="html">A &lt;b&gt;bold&lt;/b&gt; &amp;amp; move</title></entry></feed>',
    );
    expect(html.items[0]?.title).toBe('A bold & move');
  });

  it('tolerates control characters, undefined HTML entities, and leading whitespace before <?xml', () => {
    const feed = parse(
      '\n\n  <?xml version="1.0"?><rss version="2.0"><channel><title>A&nbsp;B &copy; &bogus; x</title><item><title>Bell\u0007 and\u0000 null</title></item></channel></rss>',
    );
    expect(feed.title).toBe('A B © &bogus; x');
    expect(feed.items[0]?.title).toBe('Bell and null');
  });

  it('recovers from a bare ampersand (real node-feedparser fixture) and keeps every item', () => {
    const feed = parseFeed(corpusFile('node-feedparser/test/feeds/saxerror.xml'));
    expect(feed.items.map((item) => item.link)).toEqual([
      'http://example.com/good',
      'http://example.com/bad?foo=1&bar=2',
      'http://example.com/after',
    ]);
  });

  it('reports an HTML page with the feeds it links to', () => {
    const page = `<!DOCTYPE html><html><head><title>News</title>
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml" href="https://news.example/atom">
      <link rel="stylesheet" href="/style.css"></head><body><p>hello</p></body></html>`;
    const error = parseError(page, 'https://news.example/section/');
    expect(error.kind).toBe('html-page');
    expect(error.feedLinks).toEqual(['https://news.example/feed.xml', 'https://news.example/atom']);
    expect(error.message).toContain('it links to these feeds: https://news.example/feed.xml');
    expect(findFeedLinks(page, 'https://news.example/')).toHaveLength(2);
  });

  it('reports empty bodies and non-feeds distinctly', () => {
    expect(parseError('   \n').kind).toBe('empty');
    expect(parseError('<note><to>x</to></note>').kind).toBe('not-a-feed');
    expect(parseError('{"hello": 1}').kind).toBe('not-a-feed');
    expect(parseError('<rss><channel><title>x</channel>').kind).toBe('malformed');
  });

  it('leaves undated items undated and drops future dates', () => {
    const feed = parse(`<rss version="2.0"><channel>
      <item><title>No date</title></item>
      <item><title>Future</title><pubDate>Wed, 01 Jan 2031 00:00:00 GMT</pubDate></item>
      <item><title>Unreadable</title><pubDate>the other day</pubDate></item>
      <item><title>No zone</title><pubDate>2024-12-31T10:00:00</pubDate></item>
      <item><title>PKT</title><pubDate>Tue, 31 Dec 2024 15:00:00 PKT</pubDate></item></channel></rss>`);
    expect(feed.items.map((item) => item.published?.toISOString())).toEqual([
      undefined,
      undefined,
      undefined,
      '2024-12-31T10:00:00.000Z',
      '2024-12-31T10:00:00.000Z',
    ]);
  });

  it('reads RDF and resolves relative item links against the feed link', () => {
    const feed =
      parse(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <channel><title>R</title><link>https://site.example/</link></channel>
      <item rdf:about="https://site.example/a"><title>A</title><link>/a</link></item></rdf:RDF>`);
    expect(feed.format).toBe('rdf');
    expect(feed.items[0]).toMatchObject({ guid: 'https://site.example/a', link: 'https://site.example/a', title: 'A' });
  });
});
