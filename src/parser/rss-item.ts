import type { ParsedItem } from '../core/feed.js';
import { parsedItem } from './item.js';
import { isHttpUrl, optional, type Reading } from './field-reading.js';
import {
  ATOM_IN_RSS,
  childrenOf,
  CONTENT,
  DC,
  DCTERMS,
  FEEDBURNER,
  first,
  ITUNES,
  type Kinds,
  OTHER,
  RSS,
  XHTML,
} from './xml-match.js';
import type { XmlNode } from './xml-tree.js';

/** An RSS 0.9x/1.0/2.0 or RDF item, each field from its sources in order of preference. */

const RSS_DATES: readonly (readonly [Kinds, string])[] = [
  [RSS, 'pubdate'],
  [DC, 'date'],
  [ATOM_IN_RSS, 'published'],
  [ATOM_IN_RSS, 'updated'],
  [DCTERMS, 'issued'],
  [DCTERMS, 'created'],
  [DCTERMS, 'date'],
  [DCTERMS, 'modified'],
  [RSS, 'date'],
  [ATOM_IN_RSS, 'issued'],
  [ATOM_IN_RSS, 'modified'],
  [OTHER, 'pubdate'],
  [OTHER, 'date'],
];

export function rssItem(reading: Reading, item: XmlNode): ParsedItem {
  const plain = (child: XmlNode) => reading.plain(child);
  const value = (child: XmlNode) => reading.value(child);
  const title =
    first(item, RSS, 'title', plain) ??
    first(item, ATOM_IN_RSS, 'title', (child) => reading.atomPlain(child)) ??
    first(item, DC, 'title', plain) ??
    reading.mediaTitle(item) ??
    first(item, ITUNES, 'title', plain) ??
    first(item, OTHER, 'title', plain) ??
    '';
  const guidNode = childrenOf(item, RSS, 'guid').find((child) => reading.value(child) !== undefined);
  const guidText = guidNode ? reading.value(guidNode) : undefined;
  const about = optional(item.attr('about', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#'));
  const guid =
    guidText ??
    first(item, ATOM_IN_RSS, 'id', value) ??
    first(item, OTHER, 'guid', value) ??
    about ??
    first(item, DC, 'identifier', value);
  // A guid is the item's permalink unless it says isPermaLink="false"; only a URL-shaped one can be a link,
  // or a relative one that says so explicitly.
  const permaLink = (guidNode?.attr('ispermalink') ?? 'true').trim().toLowerCase();
  const explicitPermaLink = guidNode?.attr('ispermalink') !== undefined && permaLink === 'true';
  const guidLink =
    guidNode &&
    guidText &&
    permaLink !== 'false' &&
    (isHttpUrl(guidText) || (explicitPermaLink && guidText.includes('/')))
      ? reading.resolve(guidText, guidNode)
      : undefined;
  const link =
    first(item, RSS, 'link', (child) => reading.resolve(reading.value(child) ?? child.attr('href'), child)) ??
    reading.atomLink(item, ATOM_IN_RSS) ??
    first(item, FEEDBURNER, 'origlink', (child) => reading.resolve(reading.value(child), child)) ??
    guidLink ??
    (isHttpUrl(about) ? about : undefined) ??
    reading.resolve(item.attr('href'), item) ??
    first(item, OTHER, 'link', (child) => reading.resolve(reading.value(child) ?? child.attr('href'), child)) ??
    first(item, RSS, 'enclosure', (child) => reading.resolve(child.attr('url'), child));
  const html = reading.bestHtml(rssHtmlSources(reading, item));
  const author =
    first(item, DC, 'creator', plain) ??
    first(item, RSS, 'author', (child) => reading.person(child)) ??
    first(item, ATOM_IN_RSS, 'author', (child) => reading.person(child)) ??
    first(item, ITUNES, 'author', plain) ??
    first(item, DC, 'contributor', plain) ??
    first(item, OTHER, 'creator', plain) ??
    first(item, OTHER, 'author', plain);
  return parsedItem({
    guid,
    title,
    link,
    html,
    author,
    categories: reading.categories(item),
    published: reading.date(item, RSS_DATES),
    image: reading.mediaImage(item),
  });
}

function* rssHtmlSources(reading: Reading, item: XmlNode): Generator<string | undefined> {
  const html = (child: XmlNode) => reading.html(child);
  for (const child of childrenOf(item, CONTENT, 'encoded')) yield html(child);
  for (const child of childrenOf(item, RSS, 'description')) yield html(child);
  for (const child of childrenOf(item, DC, 'description')) yield html(child);
  for (const child of childrenOf(item, ATOM_IN_RSS, 'content')) yield reading.atomHtml(child);
  for (const child of childrenOf(item, ATOM_IN_RSS, 'summary')) yield reading.atomHtml(child);
  for (const child of childrenOf(item, XHTML, 'body')) yield html(child);
  for (const child of childrenOf(item, XHTML, 'div')) yield html(child);
  yield* reading.mediaDescriptions(item);
  for (const child of childrenOf(item, ITUNES, 'summary')) yield html(child);
  for (const child of childrenOf(item, ITUNES, 'subtitle')) yield html(child);
  // CDF's abstract, and descriptions under a namespace nobody declared.
  for (const child of childrenOf(item, RSS, 'abstract')) yield html(child);
  for (const child of childrenOf(item, OTHER, 'encoded')) yield html(child);
  for (const child of childrenOf(item, OTHER, 'description')) yield html(child);
}
