import type { FeedFormat, ParsedFeed, ParsedItem } from '../core/feed.js';
import { atomItem } from './atom-item.js';
import { Reading } from './field-reading.js';
import { rssItem } from './rss-item.js';
import { ATOM, ATOM_IN_RSS, childrenOf, DC, first, type Kinds, OTHER, RSS } from './xml-match.js';
import type { XmlDocument, XmlNode } from './xml-tree.js';

/**
 * RSS 0.9x/1.0/2.0, RDF, Atom 0.3/1.0 (and a lone Atom entry) from the reader's tree: the feed element, its
 * channel-level fields and its items (built by rss-item.ts and atom-item.ts).
 */

/** Items that are not where the format puts them (wrapped in an extra element): any item not inside another. */
function strayItems(root: XmlNode, local: string): XmlNode[] {
  const found: XmlNode[] = [];
  const visit = (node: XmlNode, depth: number) => {
    for (const child of node.children) {
      if (child.local === local && (child.kind === 'rss' || child.kind === 'atom' || child.kind === 'other'))
        found.push(child);
      else if (depth < 4) visit(child, depth + 1);
    }
  };
  visit(root, 1);
  return found;
}

function buildEach(nodes: XmlNode[], build: (node: XmlNode) => ParsedItem): ParsedItem[] {
  const items: ParsedItem[] = [];
  for (const node of nodes) {
    try {
      items.push(build(node));
    } catch {
      // One item that cannot be read is dropped; the others are kept.
    }
  }
  return items;
}

const FEED_KINDS: Kinds = ['rss', 'atom', 'rdf', 'other'];

/** The feed element: the root, or (when something wraps the feed) a child of a root. */
function feedRoot(doc: XmlDocument): XmlNode | undefined {
  const isFeed = (node: XmlNode) => FEED_ROOTS.has(node.local) && FEED_KINDS.includes(node.kind);
  return doc.roots.find(isFeed) ?? doc.roots.flatMap((root) => root.children).find(isFeed);
}

const FEED_ROOTS = new Set(['rss', 'rdf', 'channel', 'feed', 'entry']);

function rssFeed(doc: XmlDocument, root: XmlNode, baseUrl: string | undefined): ParsedFeed {
  const format: FeedFormat = root.local === 'rdf' ? 'rdf' : 'rss';
  const channels = root.local === 'channel' ? [root] : childrenOf(root, [...RSS, ...OTHER], 'channel');
  const channel = channels[0] ?? root;
  const bare = new Reading(doc, baseUrl);
  const link =
    first(channel, RSS, 'link', (child) => bare.resolve(bare.value(child) ?? child.attr('href'), child)) ??
    bare.atomLink(channel, ATOM_IN_RSS) ??
    bare.resolve(channel.attr('href'), channel);
  const reading = new Reading(doc, baseUrl ?? link);
  // RSS 1.0 and some RSS 0.9x put items beside the channel rather than inside it.
  let nodes = [
    ...channels.flatMap((each) => childrenOf(each, [...RSS, ...OTHER], 'item')),
    ...(channel === root ? [] : childrenOf(root, [...RSS, ...OTHER], 'item')),
  ];
  if (nodes.length === 0) nodes = strayItems(root, 'item');
  const language =
    first(channel, RSS, 'language', (child) => reading.value(child)) ??
    first(channel, DC, 'language', (child) => reading.value(child)) ??
    channel.lang;
  return finish(doc, {
    format,
    title:
      first(channel, RSS, 'title', (child) => reading.plain(child)) ??
      first(channel, DC, 'title', (child) => reading.plain(child)) ??
      first(channel, ATOM_IN_RSS, 'title', (child) => reading.atomPlain(child)) ??
      '',
    link,
    language,
    ttlMinutes: ttlOf(reading, channel),
    ...websubLinks(bare, channel, ATOM_IN_RSS),
    items: buildEach(nodes, (node) => rssItem(reading, node)),
  });
}

function atomFeed(doc: XmlDocument, root: XmlNode, baseUrl: string | undefined): ParsedFeed {
  const bare = new Reading(doc, baseUrl);
  if (root.local === 'entry') {
    // An Atom entry document: a feed of one item.
    return finish(doc, { format: 'atom', title: '', language: root.lang, items: [atomItem(bare, root, undefined)] });
  }
  const link = bare.atomLink(root, ATOM);
  const reading = new Reading(doc, baseUrl ?? link);
  let nodes = childrenOf(root, [...ATOM, ...OTHER], 'entry');
  // Feeds that mix the formats put RSS-style <item>s in an Atom <feed>; they are read as entries.
  if (nodes.length === 0) nodes = childrenOf(root, [...ATOM, ...OTHER], 'item');
  if (nodes.length === 0) nodes = strayItems(root, 'entry');
  const feedAuthor = first(root, ATOM, 'author', (child) => reading.person(child));
  return finish(doc, {
    format: 'atom',
    title: first(root, ATOM, 'title', (child) => reading.atomPlain(child)) ?? '',
    link,
    language: root.lang ?? first(root, DC, 'language', (child) => reading.value(child)),
    ...websubLinks(bare, root, ATOM),
    items: buildEach(nodes, (node) => atomItem(reading, node, feedAuthor)),
  });
}

/** The hubs (`rel="hub"`) and topic (`rel="self"`) a publisher names for WebSub push; absent when none. */
function websubLinks(reading: Reading, node: XmlNode, kinds: Kinds): Pick<ParsedFeed, 'hubs' | 'self'> {
  const hubs = reading.relLinks(node, kinds, 'hub').slice(0, MAX_HUBS);
  const self = reading.relLinks(node, kinds, 'self')[0];
  return { ...(hubs.length > 0 ? { hubs } : {}), ...(self ? { self } : {}) };
}

/** A feed naming more hubs than this is not asking for them all to be used. */
const MAX_HUBS = 4;

function ttlOf(reading: Reading, channel: XmlNode): number | undefined {
  const ttl = Number(first(channel, RSS, 'ttl', (child) => reading.value(child)));
  return Number.isFinite(ttl) && ttl > 0 ? ttl : undefined;
}

function finish(doc: XmlDocument, feed: ParsedFeed): ParsedFeed {
  if (doc.omittedItems > 0) feed.omittedItems = doc.omittedItems;
  return Object.fromEntries(Object.entries(feed).filter(([, value]) => value !== undefined)) as unknown as ParsedFeed;
}

/** The document as a feed, or undefined when it has no feed element. */
export function buildXmlFeed(doc: XmlDocument, baseUrl: string | undefined): ParsedFeed | undefined {
  const root = feedRoot(doc);
  if (!root) return undefined;
  if (root.local === 'feed' || root.local === 'entry') return atomFeed(doc, root, baseUrl);
  return rssFeed(doc, root, baseUrl);
}
