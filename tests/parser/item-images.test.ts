/** The item's image, as each format names it: what the renderers show (subject to the private-network rule). */
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parser/index.js';
import { BBC_URDU_FEED, corpusFile } from '../support/corpus.js';

const parse = (text: string) => parseFeed(Buffer.from(text, 'utf8'));
const MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"';
const rss = (item: string) =>
  parse(`<rss version="2.0" ${MEDIA}><channel><title>T</title><item><title>A</title>${item}</item></channel></rss>`)
    .items[0]!;

describe('item images', () => {
  it('reads media:thumbnail from the real BBC Urdu feed', () => {
    const feed = parseFeed(corpusFile(BBC_URDU_FEED));
    expect(feed.items[0]!.image).toBe('http://c.files.bbci.co.uk/A787/production/_99478824_gettyimages-856735580.jpg');
    expect(feed.items.every((item) => item.image?.startsWith('http://c.files.bbci.co.uk/'))).toBe(true);
  });

  it('prefers an image media:content, then media:group, then media:thumbnail, then an image enclosure', () => {
    expect(
      rss(
        '<media:content url="https://e.org/v.mp4" type="video/mp4"/><media:content url="https://e.org/c.jpg" medium="image"/><media:thumbnail url="https://e.org/t.jpg"/>',
      ).image,
    ).toBe('https://e.org/c.jpg');
    expect(rss('<media:group><media:content url="https://e.org/g.png" type="image/png"/></media:group>').image).toBe(
      'https://e.org/g.png',
    );
    expect(rss('<media:thumbnail url="https://e.org/t.jpg"/>').image).toBe('https://e.org/t.jpg');
    expect(
      rss(
        '<enclosure url="https://e.org/a.mp3" type="audio/mpeg"/><enclosure url="https://e.org/e.jpg" type="image/jpeg"/>',
      ).image,
    ).toBe('https://e.org/e.jpg');
  });

  it("falls back to the content's first <img>, absolute http(s) only", () => {
    expect(
      rss(
        '<description><![CDATA[<p>x</p><img src="https://e.org/i.jpg?a=1&amp;b=2"><img src="https://e.org/2.jpg">]]></description>',
      ).image,
    ).toBe('https://e.org/i.jpg?a=1&b=2');
    expect(rss('<description><![CDATA[<img src="data:image/png;base64,AAAA">]]></description>').image).toBeUndefined();
    expect(rss('<description>no picture</description>').image).toBeUndefined();
  });

  it('reads an Atom image enclosure link and JSON Feed image', () => {
    const atom = parse(
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>A</title><id>1</id><link rel="enclosure" type="image/webp" href="https://e.org/a.webp"/></entry></feed>',
    );
    expect(atom.items[0]!.image).toBe('https://e.org/a.webp');
    const json = parse(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'T',
        items: [{ id: '1', title: 'A', image: 'https://e.org/j.jpg' }],
      }),
    );
    expect(json.items[0]!.image).toBe('https://e.org/j.jpg');
  });
});
