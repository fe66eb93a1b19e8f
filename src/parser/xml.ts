import type { FeedFormat, ParsedFeed, ParsedItem } from '../core/feed.js';
import { parseFeedDate } from './dates.js';
import { parsedItem } from './item.js';
import type { NsKind } from './namespaces.js';
import { escapeHtml } from '../render/escape.js';
import { hasVisibleText, plainText } from './text.js';
import type { XmlDocument, XmlNode } from './xml-tree.js';

/**
 * RSS 0.9x/1.0/2.0, RDF, Atom 0.3/1.0 (and a lone Atom entry) from the reader's tree. Elements are matched by
 * namespace kind and lower-cased local name. Every field has a list of sources in order of preference, and an
 * empty or whitespace-only element never shadows a later source that has a value.
 */

type Kinds = readonly NsKind[];

/** RSS elements (no namespace, or one of the RSS URIs); elements in an unknown namespace come last. */
const RSS: Kinds = ['rss'];
const OTHER: Kinds = ['other'];
/** Atom elements; an Atom document without its namespace has them in no namespace. */
const ATOM: Kinds = ['atom', 'rss'];
const ATOM_IN_RSS: Kinds = ['atom'];
const DC: Kinds = ['dc'];
const DCTERMS: Kinds = ['dcterms'];
const CONTENT: Kinds = ['content'];
const MEDIA: Kinds = ['media'];
const ITUNES: Kinds = ['itunes'];
const FEEDBURNER: Kinds = ['feedburner'];
const XHTML: Kinds = ['xhtml'];

function matches(node: XmlNode, kinds: Kinds, local: string): boolean {
  return node.local === local && kinds.includes(node.kind);
}

function childrenOf(node: XmlNode, kinds: Kinds, local: string): XmlNode[] {
  return node.children.filter((child) => matches(child, kinds, local));
}

/** The first child of that name whose `read` gives a value: empty ones are passed over. */
function first<T>(node: XmlNode, kinds: Kinds, local: string, read: (child: XmlNode) => T | undefined): T | undefined {
  for (const child of node.children) {
    if (!matches(child, kinds, local)) continue;
    const value = read(child);
    if (value !== undefined) return value;
  }
  return undefined;
}

class Reading {
  constructor(
    readonly doc: XmlDocument,
    /** The base for relative links when neither xml:base nor the feed URL gives one: the feed's own link. */
    readonly fallbackBase: string | undefined,
  ) {}

  /** The element's content as HTML: its character data, or the markup between its tags. */
  html(node: XmlNode): string {
    if (!node.mixed) return node.text;
    return markupAsHtml(this.doc.source.slice(node.contentStart, node.contentEnd), node.kind === 'xhtml');
  }

  /** The element's character data, trimmed, for URLs, ids, dates and codes; undefined when blank. */
  value(node: XmlNode): string | undefined {
    const text = (node.mixed ? plainText(this.html(node)) : node.text).trim();
    return text === '' ? undefined : text;
  }

  /** The element read as HTML and shown as plain text (RSS titles, names); undefined when blank. */
  plain(node: XmlNode): string | undefined {
    const text = plainText(this.html(node));
    return text === '' ? undefined : text;
  }

  /** An Atom text construct (type text, html or xhtml; Atom 0.3 modes) as HTML. */
  atomHtml(node: XmlNode): string | undefined {
    const kind = atomContentKind(node);
    if (kind === 'none') return undefined;
    let html: string;
    if (kind === 'text') html = node.mixed ? this.html(node) : escapeHtml(node.text);
    else if (kind === 'base64') html = decodeBase64(node.text);
    else html = this.html(node);
    html = html.trim();
    return html === '' ? undefined : html;
  }

  /** An Atom text construct as plain text: markup is read only when the type says there is some. */
  atomPlain(node: XmlNode): string | undefined {
    const kind = atomContentKind(node);
    if (kind === 'none') return undefined;
    if (kind === 'text' && !node.mixed) {
      const text = node.text.replace(/\s+/g, ' ').trim();
      return text === '' ? undefined : text;
    }
    const html = this.atomHtml(node);
    return html === undefined ? undefined : plainText(html) || undefined;
  }

  /** `href` resolved against the element's base (xml:base, else the feed URL, else the feed's link). */
  resolve(href: string | undefined, node: XmlNode): string | undefined {
    const trimmed = href?.trim();
    if (!trimmed) return undefined;
    for (const base of [node.base, this.fallbackBase]) {
      try {
        return new URL(trimmed, base).href;
      } catch {
        // Relative without a usable base: try the next one.
      }
    }
    return trimmed;
  }

  /** The alternate link of an Atom feed or entry (Atom 0.3 and 1.0), or of an RSS element's atom:link. */
  atomLink(node: XmlNode, kinds: Kinds): string | undefined {
    const links = childrenOf(node, kinds, 'link').filter((link) => link.attr('href')?.trim());
    const rel = (link: XmlNode) =>
      (link.attr('rel') ?? 'alternate')
        .trim()
        .toLowerCase()
        .replace(/^https?:\/\/www\.iana\.org\/assignments\/relation\//, '') || 'alternate';
    const alternates = links.filter((link) => rel(link) === 'alternate');
    const chosen =
      alternates.find((link) => /html/i.test(link.attr('type') ?? 'text/html')) ??
      alternates[0] ??
      links.find((link) => !NOT_PAGE_RELS.has(rel(link)));
    return chosen ? this.resolve(chosen.attr('href'), chosen) : undefined;
  }

  /** The first date among the sources that can be read: an unreadable one does not hide a readable one. */
  date(node: XmlNode, sources: readonly (readonly [Kinds, string])[]): Date | undefined {
    for (const [kinds, local] of sources) {
      const date = first(node, kinds, local, (child) => parseFeedDate(this.value(child)));
      if (date) return date;
    }
    return undefined;
  }

  /** The first source whose HTML shows text; failing that, the first that has any markup at all (an image). */
  bestHtml(candidates: Iterable<string | undefined>): string {
    let fallback: string | undefined;
    for (const candidate of candidates) {
      const html = candidate?.trim();
      if (!html) continue;
      if (hasVisibleText(html)) return html;
      fallback ??= html;
    }
    return fallback ?? '';
  }

  categories(item: XmlNode): string[] {
    const found: string[] = [];
    for (const child of item.children) {
      let value: string | undefined;
      if (matches(child, RSS, 'category') || matches(child, DC, 'subject') || matches(child, OTHER, 'category'))
        value = this.plain(child);
      else if (matches(child, ATOM_IN_RSS, 'category'))
        value = optional(child.attr('term')) ?? optional(child.attr('label')) ?? this.plain(child);
      if (value && !found.includes(value)) found.push(value);
    }
    return found;
  }

  atomCategories(entry: XmlNode): string[] {
    const found: string[] = [];
    for (const child of entry.children) {
      let value: string | undefined;
      if (matches(child, ATOM, 'category'))
        value = optional(child.attr('term')) ?? optional(child.attr('label')) ?? this.plain(child);
      else if (matches(child, DC, 'subject')) value = this.plain(child);
      if (value && !found.includes(value)) found.push(value);
    }
    return found;
  }

  /** An Atom person's name (or, without one, its e-mail), or the person element's own text. */
  person(node: XmlNode): string | undefined {
    if (!node.mixed) return optional(node.text);
    return (
      first(node, ATOM, 'name', (child) => this.plain(child)) ??
      first(node, ATOM, 'email', (child) => this.value(child)) ??
      first(node, OTHER, 'name', (child) => this.plain(child))
    );
  }

  /** Media RSS descriptions, on the item, in media:group and in media:content. */
  *mediaDescriptions(item: XmlNode): Generator<string | undefined> {
    for (const child of item.children) {
      if (matches(child, MEDIA, 'description')) yield this.html(child);
      else if (matches(child, MEDIA, 'group') || matches(child, MEDIA, 'content')) {
        for (const inner of child.children) {
          if (matches(inner, MEDIA, 'description')) yield this.html(inner);
          else if (matches(inner, MEDIA, 'content'))
            for (const innermost of childrenOf(inner, MEDIA, 'description')) yield this.html(innermost);
        }
      }
    }
  }

  mediaTitle(item: XmlNode): string | undefined {
    return (
      first(item, MEDIA, 'title', (child) => this.plain(child)) ??
      first(item, MEDIA, 'group', (group) => first(group, MEDIA, 'title', (child) => this.plain(child))) ??
      first(item, MEDIA, 'content', (content) => first(content, MEDIA, 'title', (child) => this.plain(child)))
    );
  }
}

const NOT_PAGE_RELS = new Set(['self', 'edit', 'edit-media', 'replies', 'hub', 'license', 'service.edit', 'payment']);

function optional(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

type AtomContentKind = 'text' | 'html' | 'xhtml' | 'base64' | 'none';

function atomContentKind(node: XmlNode): AtomContentKind {
  const type = (node.attr('type') ?? '').trim().toLowerCase();
  const mode = (node.attr('mode') ?? '').trim().toLowerCase();
  if (mode === 'base64') return /^text\/|html|xml/.test(type) ? 'base64' : 'none';
  if (mode === 'escaped') return 'html';
  if (type === '' || type === 'text' || type === 'text/plain') return 'text';
  if (type === 'html' || type === 'text/html') return 'html';
  if (type === 'xhtml' || type.endsWith('xhtml+xml') || type.endsWith('/xml') || type.endsWith('+xml')) return 'xhtml';
  if (type.startsWith('text/')) return 'text';
  // Other media types (images, audio) carry no readable text.
  return 'none';
}

function decodeBase64(text: string): string {
  return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
}

/**
 * Raw markup between an element's tags, as HTML: CDATA sections become escaped text (HTML would read them as
 * comments), and in XHTML the namespace prefixes of tags go so `<xhtml:p>` reads as `<p>`.
 */
function markupAsHtml(markup: string, xhtml: boolean): string {
  let html = markup;
  if (html.includes('<![CDATA[')) {
    const parts: string[] = [];
    let index = 0;
    for (let start = html.indexOf('<![CDATA['); start !== -1; start = html.indexOf('<![CDATA[', index)) {
      parts.push(html.slice(index, start));
      const end = html.indexOf(']]>', start + 9);
      parts.push(escapeHtml(html.slice(start + 9, end === -1 ? html.length : end)));
      index = end === -1 ? html.length : end + 3;
    }
    parts.push(html.slice(index));
    html = parts.join('');
  }
  if (xhtml || /<\/?[A-Za-z_][\w.-]*:/.test(html)) html = html.replace(/<(\/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])/g, '<$1');
  return html;
}

function isHttpUrl(value: string | undefined): boolean {
  return value !== undefined && /^https?:\/\//i.test(value);
}

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

function rssItem(reading: Reading, item: XmlNode): ParsedItem {
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

function atomItem(reading: Reading, entry: XmlNode, feedAuthor: string | undefined): ParsedItem {
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
    items: buildEach(nodes, (node) => atomItem(reading, node, feedAuthor)),
  });
}

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
