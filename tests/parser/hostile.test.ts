import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/pipeline/feed-health.js';
import { bodyFingerprint, ParseError, parseFeed } from '../../src/parser/index.js';
import { LIMITS } from '../../src/parser/limits.js';
import { nestsDeeperThan, plainText } from '../../src/parser/text.js';
import { readXml } from '../../src/parser/xml-reader.js';

const rss = (items: string) => `<rss version="2.0"><channel><title>T</title>${items}</channel></rss>`;
const item = (index: number, extra = '') =>
  `<item><title>Item ${index}</title><link>https://e.example/${index}</link>${extra}</item>`;
const parse = (text: string) => parseFeed(Buffer.from(text, 'utf8'));

function parseError(text: string): ParseError {
  return parseErrorOf(Buffer.from(text, 'utf8'));
}

function parseErrorOf(body: Buffer): ParseError {
  try {
    parseFeed(body);
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error('expected a ParseError');
}

describe('hostile structure is refused or bounded', () => {
  it('refuses elements nested deeper than the limit, with the reason in feed health', () => {
    const deep = rss(`<item><description>${'<a>'.repeat(100_000)}`);
    const error = parseError(deep);
    expect(error.kind).toBe('too-complex');
    expect(error.message).toBe(`feed too complex: elements are nested more than ${LIMITS.maxDepth} deep`);
    const health = describeError(error, new Date('2026-01-01T00:00:00Z'));
    expect(health.kind).toBe('parse:too-complex');
    expect(health.message.startsWith('feed too complex: ')).toBe(true);
  });

  it('reads nesting up to the limit', () => {
    const depth = LIMITS.maxDepth - 4;
    const feed = parse(rss(item(1, `<description>${'<x>'.repeat(depth)}deep${'</x>'.repeat(depth)}</description>`)));
    expect(feed.items).toHaveLength(1);
    expect(plainText(feed.items[0]!.html)).toBe('deep');
  });

  it('keeps the first items up to the cap and counts the rest', () => {
    const count = LIMITS.maxItems + 250;
    const feed = parse(rss(Array.from({ length: count }, (_, index) => item(index)).join('')));
    expect(feed.items).toHaveLength(LIMITS.maxItems);
    expect(feed.items[0]?.title).toBe('Item 0');
    expect(feed.omittedItems).toBe(250);
  });

  it('refuses DTD entities that would expand past the budget (no "billion laughs")', () => {
    const value = 'x'.repeat(1_000);
    const references = '&big;'.repeat(LIMITS.maxDeclaredEntityExpansion / value.length + 1);
    const error = parseError(
      `<!DOCTYPE rss [<!ENTITY big "${value}">]>${rss(item(1, `<description>${references}</description>`))}`,
    );
    expect(error.kind).toBe('too-complex');
    expect(error.message).toMatch(/^feed too complex: entities declared in its DTD expand to more than/);
    // Declared entities expand one level: a reference inside a value is not expanded again.
    const nested = parse(
      `<!DOCTYPE rss [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]>${rss(item(1, '<description>&b;</description>'))}`,
    );
    expect(nested.items[0]?.html).toBe('&a;&a;');
  });

  it('gives HTML nested past the limit as its text, so later stages never parse it', () => {
    const html = '&lt;div&gt;'.repeat(20_000) + 'deep text';
    const feed = parse(rss(item(1, `<description>${html}</description>`)));
    expect(feed.items[0]?.html).toBe('deep text');
    const cdata = parse(rss(item(1, `<description><![CDATA[${'<span>'.repeat(20_000)}x &amp; y]]></description>`)));
    expect(cdata.items[0]?.html).toBe('x &amp; y');
    // Ordinary HTML keeps its markup: omitted end tags and void elements do not count as nesting.
    const ordinary = Array.from({ length: 400 }, (_, index) => `<p>Para ${index}<br><img src="/${index}.png">`).join(
      '',
    );
    expect(nestsDeeperThan(ordinary, LIMITS.maxHtmlDepth)).toBe(false);
    expect(nestsDeeperThan('<div/>'.repeat(LIMITS.maxHtmlDepth + 1), LIMITS.maxHtmlDepth)).toBe(true);
  });
});

/** readXml's work (characters scanned, tokens, open elements visited) for the same shape at n and 2n. */
function doubling(shape: (n: number) => string, n: number): { ratio: number; perChar: number } {
  const small = shape(n);
  const large = shape(2 * n);
  const work = (text: string) => readXml(text).work;
  return { ratio: work(large) / work(small), perChar: work(large) / large.length };
}

describe('reading costs work linear in the size, whatever the structure', () => {
  const shapes: Record<string, (n: number) => string> = {
    'stray close tags': (n) => rss(item(1, `<description>${'</x>'.repeat(n)}</description>`)),
    'unclosed elements closed by an ancestor': (n) => rss(`<item>${'<a><b><c></a>'.repeat(n)}</item>`),
    'nesting to the limit, over and over': (n) =>
      rss(item(1, `<description>${`${'<x>'.repeat(200)}${'</x>'.repeat(200)}`.repeat(n / 400)}</description>`)),
    'many siblings': (n) => rss(`<item>${'<x a="1"/>'.repeat(n)}</item>`),
    'many attributes': (n) =>
      rss(`<item><x ${Array.from({ length: n }, (_, index) => `a${index}="v"`).join(' ')}/></item>`),
    'many namespace declarations': (n) =>
      rss(
        `<item ${Array.from({ length: n }, (_, index) => `xmlns:p${index}="urn:${index}"`).join(' ')}>${'<p1:x/>'.repeat(n)}</item>`,
      ),
    'unterminated comments and CDATA': (n) => rss(item(1, '<!--<![CDATA['.repeat(n))),
    'entities and bare ampersands': (n) =>
      rss(item(1, `<description>${'&amp;&&#38;&nbsp;&bogus;'.repeat(n)}</description>`)),
    'many items': (n) => rss(Array.from({ length: n / 10 }, (_, index) => item(index)).join('')),
  };
  it.each(Object.entries(shapes))('%s', (_name, shape) => {
    const { ratio, perChar } = doubling(shape, 20_000);
    expect(ratio).toBeLessThan(2.2);
    expect(perChar).toBeLessThan(3);
  });

  it('keeps a bounded tree however many elements an item has', () => {
    const kept = (n: number) => readXml(rss(`<item>${'<category>c</category>'.repeat(n)}</item>`)).keptNodes;
    expect(kept(10_000)).toBe(kept(20_000));
    // rss, channel, title, item, then the item's share.
    expect(kept(20_000)).toBe(4 + LIMITS.maxNodesPerItem);
  });

  it('fingerprints unclosed volatile elements without rescanning the body', () => {
    // A lazy regex rescans to the end for every unclosed <lastBuildDate>: quadratic, minutes at 15 MiB.
    const body = Buffer.from(rss('<lastBuildDate><!--<generator>'.repeat(200_000)));
    expect(bodyFingerprint(body)).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('a body still gzip-compressed', () => {
  it('is inflated within the fetch cap, and refused past it', () => {
    expect(parseFeed(gzipSync(Buffer.from(rss(item(1))))).items).toHaveLength(1);
    const bomb = gzipSync(Buffer.alloc(LIMITS.maxInflatedBytes + 1, 0x20));
    expect(() => parseFeed(bomb)).toThrow(ParseError);
    const error = parseErrorOf(bomb);
    expect(error.kind).toBe('too-complex');
    expect(error.message).toBe('feed too complex: its gzip-compressed body expands past 15 MiB');
  });
});
