import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../src/core/feed.js';
import { canonicalLink, identifyItems, seenKeys } from '../../src/identify/index.js';

const item = (fields: Partial<ParsedItem>): ParsedItem => ({ title: 'T', html: '', categories: [], ...fields });
const many = (count: number, make: (index: number) => Partial<ParsedItem>): ParsedItem[] =>
  Array.from({ length: count }, (_, index) => item(make(index)));

describe('identifyItems', () => {
  it('keys by guid, so a changed link or title keeps the key', () => {
    const [before] = identifyItems([item({ guid: 'g1', link: 'https://e.org/a', title: 'Old' })]);
    const [after] = identifyItems([item({ guid: 'g1', link: 'https://e.org/a?v=2', title: 'New' })]);
    expect(after?.key).toBe(before?.key);
  });

  it('falls back to the link when the guid is missing, and to title plus content without a link', () => {
    const [withLink] = identifyItems([item({ link: 'https://e.org/a?utm_source=rss', title: 'x' })]);
    const [sameLink] = identifyItems([item({ link: 'https://e.org/a#top', title: 'retitled' })]);
    expect(withLink?.key).toBe(sameLink?.key);
    const [bare1] = identifyItems([item({ title: 'Only text', html: '<p>body</p>' })]);
    const [bare2] = identifyItems([item({ title: 'Only text', html: '<p>other</p>' })]);
    expect(bare1?.key).not.toBe(bare2?.key);
  });

  it('disambiguates one guid repeated inside a document with the link', () => {
    const items = [
      ...many(40, (i) => ({ guid: `g${i}`, link: `https://e.org/${i}` })),
      item({ guid: 'g0', link: 'https://e.org/dup' }),
    ];
    const keys = identifyItems(items).map((entry) => entry.key);
    expect(new Set(keys).size).toBe(41);
  });

  it('uses links for the whole feed when every item has the same guid', () => {
    const items = many(10, (i) => ({ guid: 'same', link: `https://e.org/${i}` }));
    const keyed = identifyItems(items);
    expect(new Set(keyed.map((entry) => entry.key)).size).toBe(10);
    // Keyed like guid-less items, so the key survives the publisher fixing or breaking its guids.
    expect(keyed[3]?.key).toBe(identifyItems([item({ link: 'https://e.org/3' })])[0]?.key);
  });

  it('switches to links above 5% bad guids but not at or below it', () => {
    const twentyWithOneEmpty = many(20, (i) => ({ guid: i === 0 ? '' : `g${i}`, link: `https://e.org/${i}` }));
    const linkKey = identifyItems([item({ link: 'https://e.org/5' })])[0]?.key;
    expect(identifyItems(twentyWithOneEmpty)[5]?.key).not.toBe(linkKey); // 1/20 = 5%: guids still trusted
    const tenWithOneEmpty = many(10, (i) => ({ guid: i === 0 ? '' : `g${i}`, link: `https://e.org/${i}` }));
    expect(identifyItems(tenWithOneEmpty)[5]?.key).toBe(linkKey); // 10%: links for every item
  });

  it('recognises a story whose guid changes with its title through its stable link', () => {
    const [first] = identifyItems([
      item({ guid: 'hash-of-old-title', title: 'Old', link: 'https://e.org/story?utm_medium=feed' }),
    ]);
    const [retitled] = identifyItems([item({ guid: 'hash-of-new-title', title: 'New', link: 'https://e.org/story' })]);
    expect(retitled?.key).not.toBe(first?.key);
    const seen = new Set(seenKeys(first!));
    expect(seenKeys(retitled!).some((key) => seen.has(key))).toBe(true);
  });

  it('gives an item that leaves the window and comes back the same key', () => {
    const window1 = identifyItems(many(3, (i) => ({ guid: `g${i}` })));
    const window3 = identifyItems(many(3, (i) => ({ guid: `g${i + 5}` })).concat(item({ guid: 'g1' })));
    expect(window3.at(-1)?.key).toBe(window1[1]?.key);
  });
});

describe('canonicalLink', () => {
  it('removes tracking parameters and the fragment, keeping meaningful parameters in order', () => {
    expect(canonicalLink('https://News.Example:443/a?id=7&utm_source=x&fbclid=y&page=2#comments')).toBe(
      'https://news.example/a?id=7&page=2',
    );
    expect(canonicalLink('https://e.org/a?utm_campaign=z')).toBe('https://e.org/a');
    expect(canonicalLink(' not a url ')).toBe('not a url');
  });
});
