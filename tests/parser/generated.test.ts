import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFeed, plainText } from '../../src/parser/index.js';

/**
 * Generated feeds: the same items written every way the formats allow (default, prefixed or no namespace, any
 * prefix for any namespace, CDATA or escaped text, padding, comments and processing instructions between
 * elements, look-alike elements of unknown namespaces, a BOM, a DTD). Whatever the spelling, every item is found
 * with its own title, link and text.
 */

const RSS2 = '';
const RSS1 = 'http://purl.org/rss/1.0/';
const ATOM = 'http://www.w3.org/2005/Atom';
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const CONTENT = 'http://purl.org/rss/1.0/modules/content/';
const DC = 'http://purl.org/dc/elements/1.1/';

interface Item {
  title: string;
  link: string;
  text: string;
  /** Where the text goes: the format's own element, or an extension a reader must know. */
  textIn: 'own' | 'content' | 'dc';
  /** An empty element of the same field before the real one. */
  emptyFirst: boolean;
}

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/);
const phrase = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join(' '));
const prefix = fc.constantFrom('a', 'x', 'ns0', 'rss', 'atom', 'dc', 'content', 'feed', 'r', 'Z9');

const itemArb: fc.Arbitrary<Item> = fc.record({
  title: phrase,
  link: word.map((slug) => `https://news.example/${slug}`),
  text: phrase,
  textIn: fc.constantFrom('own', 'content', 'dc'),
  emptyFirst: fc.boolean(),
});

const styleArb = fc.record({
  format: fc.constantFrom('rss2', 'rdf', 'atom'),
  /** How the format's own elements are named: no namespace (RSS 2.0 only), a default namespace, a prefix. */
  naming: fc.constantFrom('plain', 'default', 'prefixed'),
  ownPrefix: prefix,
  contentPrefix: prefix,
  dcPrefix: prefix,
  cdata: fc.boolean(),
  padding: fc.constantFrom('', ' ', '\n  ', '\t\n'),
  noise: fc.boolean(),
  lookAlikes: fc.boolean(),
  bom: fc.boolean(),
  doctype: fc.boolean(),
  declaration: fc.boolean(),
});

type Style = typeof styleArb extends fc.Arbitrary<infer T> ? T : never;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function build(style: Style, items: Item[]): string {
  const atom = style.format === 'atom';
  const ownNs = atom ? ATOM : style.format === 'rdf' ? RSS1 : RSS2;
  // RSS 2.0 has no namespace of its own: "default" and "prefixed" use one of the URIs it was published under.
  const ownUri = ownNs === RSS2 ? 'http://backend.userland.com/rss2' : ownNs;
  const plain = style.naming === 'plain' && ownNs === RSS2;
  const own = (name: string) => (style.naming === 'prefixed' && !plain ? `${style.ownPrefix}:${name}` : name);
  // Extension prefixes must differ from the format's own and from each other to stay well-formed.
  const contentPrefix = style.contentPrefix === style.ownPrefix ? `${style.contentPrefix}c` : style.contentPrefix;
  let dcPrefix = style.dcPrefix === style.ownPrefix ? `${style.dcPrefix}d` : style.dcPrefix;
  if (dcPrefix === contentPrefix) dcPrefix = `${dcPrefix}2`;
  const pad = style.padding;
  const text = (value: string) => (style.cdata ? `${pad}<![CDATA[${value}]]>${pad}` : `${pad}${escape(value)}${pad}`);
  const noise = style.noise ? '<!-- note --><?pi data?>' : '';
  const lookAlike = (name: string) =>
    style.lookAlikes ? `<q:${name} xmlns:q="urn:x-look-alike">wrong</q:${name}>` : '';

  const declarations = [
    style.naming === 'default' && !plain ? `xmlns="${ownUri}"` : '',
    style.naming === 'prefixed' && !plain ? `xmlns:${style.ownPrefix}="${ownUri}"` : '',
    `xmlns:${contentPrefix}="${CONTENT}"`,
    `xmlns:${dcPrefix}="${DC}"`,
    'xmlns:unused="urn:x-unused"',
  ].filter(Boolean);

  const field = (name: string, value: string, emptyFirst: boolean) =>
    `${emptyFirst ? `<${name}>${pad}</${name}>` : ''}${lookAlike(name.replace(/^.*:/, ''))}<${name}>${text(value)}</${name}>`;
  const body = (item: Item) => {
    const textElement =
      item.textIn === 'content'
        ? `${contentPrefix}:encoded`
        : item.textIn === 'dc'
          ? `${dcPrefix}:description`
          : own(atom ? 'summary' : 'description');
    const link = atom
      ? `<${own('link')} rel="self" href="https://feeds.example/self"/><${own('link')} href="${item.link}"/>`
      : field(own('link'), item.link, item.emptyFirst);
    return `${noise}${field(own('title'), item.title, item.emptyFirst)}${link}${noise}${field(textElement, item.text, item.emptyFirst)}`;
  };

  let document: string;
  if (atom) {
    const entries = items.map((item) => `<${own('entry')}>${body(item)}</${own('entry')}>`).join(noise);
    document = `<${own('feed')} ${declarations.join(' ')}><${own('title')}>T</${own('title')}>${entries}</${own('feed')}>`;
  } else if (style.format === 'rdf') {
    const entries = items.map((item) => `<${own('item')} rdf:about="${item.link}">${body(item)}</${own('item')}>`);
    document = `<rdf:RDF xmlns:rdf="${RDF}" ${declarations.join(' ')}><${own('channel')}><${own('title')}>T</${own('title')}></${own('channel')}>${entries.join(noise)}</rdf:RDF>`;
  } else {
    const entries = items.map((item) => `<${own('item')}>${body(item)}</${own('item')}>`).join(noise);
    document = `<${own('rss')} version="2.0" ${declarations.join(' ')}><${own('channel')}><${own('title')}>T</${own('title')}>${entries}</${own('channel')}></${own('rss')}>`;
  }
  const doctype = style.doctype ? '<!DOCTYPE feed [<!ENTITY unused "x">]>\n' : '';
  const declaration = style.declaration ? '<?xml version="1.0" encoding="utf-8"?>\n' : '';
  return `${style.bom ? '\ufeff' : ''}${declaration}${doctype}${noise}${document}`;
}

describe('generated feeds', () => {
  it('give every item, whatever namespaces, prefixes and spelling they use', () => {
    fc.assert(
      fc.property(styleArb, fc.array(itemArb, { maxLength: 5 }), (style, items) => {
        const feed = parseFeed(Buffer.from(build(style, items), 'utf8'));
        expect(feed.format).toBe(style.format === 'rss2' ? 'rss' : style.format);
        expect(feed.items).toHaveLength(items.length);
        feed.items.forEach((parsed, index) => {
          const item = items[index]!;
          expect(parsed.title).toBe(item.title);
          expect(parsed.link).toBe(item.link);
          expect(plainText(parsed.html)).toBe(item.text);
        });
      }),
      { numRuns: 400 },
    );
  });
});
