import type { ParsedItem } from '../core/feed.js';
import { parsedItem } from './item.js';
import { isHttpUrl, type Reading } from './field-reading.js';
import { ATOM, CONTENT, childrenOf, DC, DCTERMS, FEEDBURNER, first, type Kinds, OTHER } from './xml-match.js';
import type { XmlNode } from './xml-tree.js';

/** An Atom 0.3/1.0 entry (or an RSS-style item in an Atom feed), each field from its sources in order of preference. */

const ATOM_DATES: readonly (readonly [Kinds, string])[] = [
  [ATOM, 'published'],
  [ATOM, 'issued'],
  [ATOM, 'created'],
  [ATOM, 'updated'],
  [ATOM, 'modified'],
  [DC, 'date'],
  [DCTERMS, 'issued'],
  [DCTERMS, 'created'],
  [DCTERMS, 'modified'],
  [ATOM, 'pubdate'],
  [OTHER, 'published'],
  [OTHER, 'updated'],
];

export function atomItem(reading: Reading, entry: XmlNode, feedAuthor: string | undefined): ParsedItem {
  const plain = (child: XmlNode) => reading.plain(child);
  const value = (child: XmlNode) => reading.value(child);
  const title =
    first(entry, ATOM, 'title', (child) => reading.atomPlain(child)) ??
    first(entry, DC, 'title', plain) ??
    reading.mediaTitle(entry) ??
    first(entry, OTHER, 'title', plain) ??
    '';
  const guid =
    first(entry, ATOM, 'id', value) ?? first(entry, ATOM, 'guid', value) ?? first(entry, DC, 'identifier', value);
  const link =
    reading.atomLink(entry, ATOM) ??
    first(entry, ATOM, 'link', (child) => reading.resolve(reading.value(child), child)) ??
    first(entry, FEEDBURNER, 'origlink', (child) => reading.resolve(reading.value(child), child)) ??
    (isHttpUrl(guid) ? guid : undefined) ??
    reading.atomLink(entry, OTHER);
  const html = reading.bestHtml(atomHtmlSources(reading, entry));
  const author =
    first(entry, ATOM, 'author', (child) => reading.person(child)) ??
    first(entry, DC, 'creator', plain) ??
    first(entry, ATOM, 'contributor', (child) => reading.person(child)) ??
    first(entry, ATOM, 'source', (source) => first(source, ATOM, 'author', (child) => reading.person(child))) ??
    feedAuthor;
  return parsedItem({
    guid,
    title,
    link,
    html,
    author,
    categories: reading.atomCategories(entry),
    published: reading.date(entry, ATOM_DATES),
    image: reading.mediaImage(entry),
  });
}

function* atomHtmlSources(reading: Reading, entry: XmlNode): Generator<string | undefined> {
  for (const child of childrenOf(entry, ATOM, 'content')) yield reading.atomHtml(child);
  for (const child of childrenOf(entry, ATOM, 'summary')) yield reading.atomHtml(child);
  for (const child of childrenOf(entry, CONTENT, 'encoded')) yield reading.html(child);
  for (const child of childrenOf(entry, ATOM, 'description')) yield reading.html(child);
  for (const child of childrenOf(entry, DC, 'description')) yield reading.html(child);
  yield* reading.mediaDescriptions(entry);
  for (const child of childrenOf(entry, OTHER, 'content')) yield reading.atomHtml(child);
  for (const child of childrenOf(entry, OTHER, 'summary')) yield reading.atomHtml(child);
}
