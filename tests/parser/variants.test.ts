import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParsedFeed } from '../../src/core/feed.js';
import { parseFeed } from '../../src/parser/index.js';

/**
 * Small feeds written for these tests, one shape each, in the spirit of the public feed-parser suites (feedparser,
 * feed-rs, rss-parser, NetNewsWire, Miniflux, node-feedparser): odd namespaces and prefixes, CDATA and whitespace,
 * entities and DTDs, BOMs and UTF-16/32, odd encoding labels, RSS 0.9x, RDF, Atom 0.3, entry documents, JSON
 * Feed 1.0/1.1, CDF, items outside the channel, enclosure-only items, relative links and xml:base.
 * EXPECTED.tsv gives each file's format, item count, first title and first link.
 */
const dir = new URL('../fixtures/parser/variants/', import.meta.url);
const variant = (name: string): Buffer => readFileSync(new URL(name, dir));
const BASE = 'https://feeds.example.net/section/feed.xml';
const now = new Date('2026-01-01T00:00:00Z');
const read = (name: string): ParsedFeed => parseFeed(variant(name), undefined, { baseUrl: BASE, now });

const rows = readFileSync(new URL('EXPECTED.tsv', dir), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t') as [string, string, string, string?, string?]);

describe('feed variants give their items', () => {
  it.each(rows)('%s: %s, %s items', (file, format, items, title = '', link = '') => {
    const feed = read(file);
    expect(feed.format).toBe(format);
    expect(feed.items).toHaveLength(Number(items));
    expect(feed.items[0]?.title ?? '').toBe(title);
    expect(feed.items[0]?.link ?? '').toBe(link);
  });
});

describe('namespaces, not prefixes', () => {
  it('reads RSS 2.0 under a prefix, and ignores same-named elements of other namespaces', () => {
    const feed = read('rss2-prefixed-no-default.xml');
    expect(feed.title).toBe('Prefixed RSS 2.0');
    expect(feed.items[0]).toMatchObject({ html: 'correct description', author: 'Ann' });
    expect(read('rss2-localname-clash.xml').items[0]?.html).toBe('correct description');
    expect(read('rdf-prefixed-no-default.xml').items[0]?.html).toBe('correct description');
  });

  it('finds content, dc, media and atom under unusual or undeclared prefixes', () => {
    const [first, second] = read('rss2-odd-prefixes.xml').items;
    expect(first).toMatchObject({ html: '<p>Full <b>text</b> about Bitcoin</p>', author: 'Bea' });
    expect(first?.published?.toISOString()).toBe('2024-12-02T10:00:00.000Z');
    expect(second).toMatchObject({ title: 'Second', html: 'Media description' });
    const undeclared = read('rss2-undeclared-prefixes.xml').items;
    expect(undeclared.map((item) => [item.author, item.html])).toEqual([
      ['Cy', '<p>Body</p>'],
      [undefined, 'Only media'],
    ]);
  });

  it('reads Atom under a prefix, also with XHTML as the default namespace', () => {
    expect(read('atom10-prefixed.xml').items[0]?.html).toBe('<p>Body</p>');
    const xhtml = read('atom10-prefixed-default-xhtml.xml').items[0]!;
    expect(xhtml.html).toContain('Readable <abbr title="x">XHTML</abbr>');
    expect(read('atom10-no-namespace.xml').items[0]?.published?.toISOString()).toBe('2024-12-02T10:00:00.000Z');
  });
});

describe('an empty element never shadows a non-empty one', () => {
  it('takes the next source of every field', () => {
    const feed = read('rss2-empty-fields.xml');
    expect(feed.title).toBe('Empty fields');
    expect(feed.link).toBe('https://news.example/');
    expect(feed.items[0]).toMatchObject({
      title: 'First',
      link: 'https://news.example/1',
      html: 'The description',
      author: 'Dee',
    });
    expect(feed.items[0]?.published?.toISOString()).toBe('2024-12-02T10:00:00.000Z');
    // Markup without text (a lone &nbsp; paragraph) loses to a source that has text.
    expect(feed.items[1]).toMatchObject({ link: 'https://news.example/2', html: 'Real text' });
  });

  it('does the same for Atom and JSON Feed', () => {
    const atom = read('atom10-empty-content.xml').items;
    expect(atom.map((item) => item.html)).toEqual(['Summary text', '<p>Summary two</p>']);
    expect(atom[1]).toMatchObject({ title: 'Second', link: 'https://news.example/2', author: 'e@news.example' });
    expect(atom[1]?.guid).toBeUndefined();
    const json = read('jsonfeed-empty-fields.json').items;
    expect(json[0]).toMatchObject({ link: 'https://news.example/1', html: 'Text wins' });
    expect(json[0]?.published?.toISOString()).toBe('2024-12-02T10:00:00.000Z');
  });
});

describe('text, entities and markup', () => {
  it('decodes HTML and DTD-declared entities, leaving unknown ones as written', () => {
    const feed = read('rss2-entities.xml');
    expect(feed.title).toBe('Café & Bar News — ☃');
    expect(feed.items[0]?.html).toBe('Ampersand AT&T and &unknownentity; stay');
    expect(read('rss2-doctype-entities.xml').title).toBe('News Example © 2024');
    expect(read('rss091-netscape.xml').items[0]?.html).toBe('Café');
  });

  it('joins CDATA sections and trims the whitespace around them', () => {
    const feed = read('rss2-cdata-whitespace.xml');
    expect(feed.title).toBe('Whitespace & CDATA');
    expect(feed.items[0]?.html).toBe('<p>Para one</p>   <p>Para two</p>');
    expect(feed.items[1]?.link).toBe('https://news.example/2');
  });

  it('keeps HTML pasted unescaped into a description, and recovers from broken markup', () => {
    expect(read('rss2-naked-html.xml').items[0]?.html).toBe(
      'Line one<br>line two <b>bold</b> <img src="/x.png"> &amp; more',
    );
    expect(read('rss2-broken-markup.xml').items.map((item) => item.title)).toEqual(['First', 'Second', 'Third']);
    expect(read('rss2-xhtml-body.xml').items.map((item) => item.html)).toEqual([
      '<p>XHTML <b>body</b></p>',
      '<p>Default-namespace body</p>',
    ]);
  });

  it('reads Atom text constructs by type (Atom 1.0 and 0.3 modes)', () => {
    const [first, second, third] = read('atom10-text-types.xml').items;
    expect(first?.html).toContain('<p>XHTML content</p>');
    expect(second).toMatchObject({ title: 'Second one', html: '1 &lt; 2' });
    expect(third?.html).toBe('Summary instead');
    const old = read('atom03.xml').items;
    expect(old.map((item) => item.html)).toEqual([
      '<p>Base64 body</p>',
      '<div xmlns="http://www.w3.org/1999/xhtml">XML <i>mode</i></div>',
    ]);
    expect(old[0]?.published?.toISOString()).toBe('2004-01-01T10:00:00.000Z');
  });
});

describe('links', () => {
  it('prefers the alternate HTML link, and uses permalink guids and enclosures when there is no link', () => {
    expect(read('atom10-links.xml').items.map((item) => item.link)).toEqual([
      'https://news.example/1',
      'https://news.example/2',
      'https://news.example/3',
    ]);
    expect(read('rss2-atom-links.xml').items.map((item) => item.link)).toEqual([
      'https://news.example/1',
      'https://news.example/2',
      'https://news.example/3',
    ]);
    expect(read('rss2-guid-permalink.xml').items.map((item) => item.link)).toEqual([
      'https://news.example/1',
      'https://feeds.example.net/2',
      undefined,
      undefined,
    ]);
    expect(read('rss092-enclosure-only.xml').items.map((item) => item.link)).toEqual([
      'https://pod.example/ep1.mp3',
      'https://pod.example/ep2.mp3',
      undefined,
      undefined,
    ]);
  });

  it('resolves relative links against xml:base, else the feed URL', () => {
    expect(read('rss2-xml-base.xml').items.map((item) => item.link)).toEqual([
      'https://base.example/root/section/1.html',
      'https://other.example/2.html',
    ]);
    expect(read('atom10-xml-base.xml').items.map((item) => item.link)).toEqual([
      'https://base.example/blog/2024/first.html',
      'https://base.example/other/second.html',
    ]);
    const relative = read('rss2-relative-links.xml');
    expect(relative.link).toBe('https://feeds.example.net/');
    expect(relative.items.map((item) => item.link)).toEqual([
      'https://feeds.example.net/articles/1',
      'https://feeds.example.net/section/2.html',
    ]);
    expect(read('jsonfeed-1.1.json').items[0]?.link).toBe('https://feeds.example.net/1');
  });

  it("falls back to the feed's own link when no feed URL is given", () => {
    const feed = parseFeed(variant('atom10-relative-no-base.xml'), undefined, { now });
    expect(feed.items[0]?.link).toBe('/blog/1');
    const rss = parseFeed(
      Buffer.from(
        '<rss><channel><link>https://site.example/blog/</link><item><link>post.html</link></item></channel></rss>',
      ),
    );
    expect(rss.items[0]?.link).toBe('https://site.example/blog/post.html');
  });
});

describe('JSON Feed', () => {
  it('reads 1.0 and 1.1 authors, text content and external URLs', () => {
    const old = read('jsonfeed-1.0.json');
    expect(old.items.map((item) => [item.author, item.html, item.link])).toEqual([
      ['Feed Author', 'Text &lt;not html&gt;', 'https://news.example/1'],
      ['Feed Author', '<p>Two</p>', 'https://elsewhere.example/2'],
    ]);
    const current = read('jsonfeed-1.1.json');
    expect(current.language).toBe('en');
    expect(current.items[0]).toMatchObject({ author: 'Ann, Bo', html: 'Summary', categories: ['a', 'b'] });
  });
});
