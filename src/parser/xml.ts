import { createRequire } from 'node:module';
import RssParser from 'rss-parser';
import type { FeedFormat, ParsedFeed, ParsedItem } from '../core/feed.js';
import { parseFeedDate } from './dates.js';
import { parsedItem } from './item.js';
import { decodeEntities, nodeText, optionalText, plainText } from './text.js';

type Node = Record<string, unknown>;
type RawItem = Record<string, unknown>;

/**
 * The parts of rss-parser 3.13 (pinned) used here. Its public parseString is Promise-based and builds all items
 * in one go, so one bad Atom date rejects the whole feed; calling its builders per item keeps the others.
 */
interface RssParserInternals {
  xmlParser: { parseString(xml: string, callback: (error: Error | null, result: unknown) => void): void };
  parseItemAtom(entry: Node): RawItem;
  parseItemRss(item: Node, fields: unknown[]): RawItem;
}

const require = createRequire(import.meta.url);
const rssItemFields = (require('rss-parser/lib/fields.js') as { item: unknown[] }).item;
const rssParser = new RssParser() as unknown as RssParserInternals;

export class XmlSyntaxError extends Error {}

/** xml2js (inside rss-parser) parses synchronously; the callback can fire twice on errors, the first one counts. */
function parseXml(xml: string): Node {
  let outcome: { error: Error | null; result: unknown } | undefined;
  rssParser.xmlParser.parseString(xml, (error, result) => {
    outcome ??= { error, result };
  });
  if (!outcome || outcome.error || !outcome.result || typeof outcome.result !== 'object') {
    throw new XmlSyntaxError(outcome?.error?.message.split('\n')[0] ?? 'unreadable XML');
  }
  return outcome.result as Node;
}

// Characters XML 1.0 forbids; real feeds contain them (pasted from word processors) and strict parsers stop there.
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- matching the control characters XML forbids is the point
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Atom `type="xhtml"` text constructs become `type="html"` CDATA, so their markup reaches plainText in document
 * order (xml2js would hand back an object that loses the order of mixed content).
 */
function xhtmlToHtml(xml: string): string {
  return xml.replace(
    /<(title|subtitle|summary|content|rights)(\s[^>]*?)type\s*=\s*(["'])xhtml\3([^>]*)>([\s\S]*?)<\/\1>/g,
    (_whole, tag: string, before: string, _quote: string, after: string, inner: string) =>
      `<${tag}${before}type="html"${after}><![CDATA[${inner.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${tag}>`,
  );
}

/** Second chance for broken XML: bare `&` and HTML-only entities outside CDATA become valid references. */
function repairEntities(xml: string): string {
  return xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, index) => {
      if (index % 2 === 1) return part;
      return part.replace(
        /&(#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?/g,
        (whole, reference: string | undefined) => {
          if (!reference) return '&amp;';
          if (reference.startsWith('#') || /^(amp|lt|gt|quot|apos);$/.test(reference)) return whole;
          const decoded = decodeEntities(whole);
          return decoded === whole || decoded === '' ? `&amp;${reference}` : `&#${decoded.codePointAt(0)};`;
        },
      );
    })
    .join('');
}

export function parseXmlDocument(text: string): Node {
  const cleaned = xhtmlToHtml(text.replace(/^[^<]*/, '').replace(INVALID_XML_CHARS, ''));
  try {
    return parseXml(cleaned);
  } catch {
    return parseXml(repairEntities(cleaned));
  }
}

function first(node: Node | undefined, key: string): unknown {
  const value = node?.[key];
  return Array.isArray(value) ? value[0] : value;
}

function attr(node: unknown, name: string): string | undefined {
  const attributes = (node as Node | undefined)?.['$'] as Record<string, string> | undefined;
  return attributes?.[name];
}

function list(node: Node | undefined, key: string): unknown[] {
  const value = node?.[key];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function safely<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch {
    return undefined;
  }
}

/** One item that cannot be read is dropped; the others are kept. */
function buildEach(raws: unknown[], build: (raw: unknown) => ParsedItem): ParsedItem[] {
  const items: ParsedItem[] = [];
  for (const raw of raws) {
    const item = typeof raw === 'object' && raw !== null ? safely(() => build(raw)) : undefined;
    if (item) items.push(item);
  }
  return items;
}

function resolveLink(href: string | undefined, base: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    return new URL(href, base).href;
  } catch {
    return href;
  }
}

function categories(values: unknown[]): string[] {
  return values.map((value) => plainText(attr(value, 'term') ?? value)).filter((value) => value !== '');
}

function rssItem(raw: Node, base: string | undefined): ParsedItem {
  const built = safely(() => rssParser.parseItemRss(raw, rssItemFields)) ?? {};
  const guidNode = first(raw, 'guid');
  const guid = optionalText(guidNode) ?? attr(raw, 'rdf:about');
  const permalinkGuid =
    attr(guidNode, 'isPermaLink') !== 'false' && guid && /^https?:\/\//i.test(guid) ? guid : undefined;
  const published = parseFeedDate(nodeText(first(raw, 'pubDate') ?? first(raw, 'dc:date') ?? first(raw, 'date')));
  const author = optionalText(built['creator'] ?? built['author']);
  return parsedItem({
    guid,
    title: plainText(built['title'] ?? first(raw, 'title')),
    link: itemLink(optionalText(built['link'] ?? first(raw, 'link')) ?? permalinkGuid, base),
    html: nodeText(built['content:encoded'] ?? built['content'] ?? '').trim(),
    author,
    categories: categories([...list(raw, 'category'), ...list(raw, 'dc:subject')]),
    published,
  });
}

function atomLink(raw: Node): string | undefined {
  const links = list(raw, 'link');
  const alternate = links.find((link) => (attr(link, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
  return attr(alternate, 'href') ?? optionalText(alternate);
}

function atomItem(raw: Node, base: string | undefined): ParsedItem {
  // rss-parser converts dates with toISOString(), which throws on a bad one: dates are read here instead.
  const { published: rawPublished, updated, issued, modified, created, ...withoutDates } = raw;
  const built = safely(() => rssParser.parseItemAtom(withoutDates)) ?? {};
  const published = [rawPublished, issued, created, updated, modified]
    .map((value) => parseFeedDate(nodeText(Array.isArray(value) ? value[0] : value)))
    .find((date) => date !== undefined);
  const guid = optionalText(first(raw, 'id'));
  const author = optionalText(first(first(raw, 'author') as Node | undefined, 'name'));
  return parsedItem({
    guid,
    title: plainText(built['title'] ?? first(raw, 'title')),
    link: itemLink(atomLink(raw), base),
    html: nodeText(built['content'] ?? built['summary'] ?? first(raw, 'content') ?? first(raw, 'summary') ?? '').trim(),
    author,
    categories: categories(list(raw, 'category')),
    published,
  });
}

function itemLink(href: string | undefined, base: string | undefined): string | undefined {
  return resolveLink(href?.trim(), base);
}

function withoutUndefined(feed: ParsedFeed): ParsedFeed {
  return Object.fromEntries(Object.entries(feed).filter(([, value]) => value !== undefined)) as unknown as ParsedFeed;
}

function ttlOf(channel: Node): number | undefined {
  const ttl = Number(plainText(first(channel, 'ttl')));
  return Number.isFinite(ttl) && ttl > 0 ? ttl : undefined;
}

/** A parsed XML document as a feed, or undefined when its root is not a feed element. */
export function buildXmlFeed(document: Node, baseUrl: string | undefined): ParsedFeed | undefined {
  const rootName = Object.keys(document)[0] ?? '';
  const root = document[rootName] as Node;
  const localName = rootName.replace(/^.*:/, '').toLowerCase();
  if (localName === 'feed') {
    const link = resolveLink(atomLink(root), baseUrl);
    const base = link ?? baseUrl;
    return withoutUndefined({
      format: 'atom',
      title: plainText(first(root, 'title')),
      link,
      language: attr(root, 'xml:lang'),
      items: buildEach(list(root, 'entry'), (entry) => atomItem(entry as Node, base)),
    });
  }
  if (localName === 'rss' || localName === 'rdf' || localName === 'channel') {
    const format: FeedFormat = localName === 'rdf' ? 'rdf' : 'rss';
    const channel = localName === 'channel' ? root : ((first(root, 'channel') ?? {}) as Node);
    const link = resolveLink(optionalText(first(channel, 'link')), baseUrl);
    const base = link ?? baseUrl;
    // RDF and some RSS 0.9x put items beside the channel rather than inside it.
    const rawItems = [...list(channel, 'item'), ...(channel === root ? [] : list(root, 'item'))];
    return withoutUndefined({
      format,
      title: plainText(first(channel, 'title') ?? first(channel, 'dc:title')),
      link,
      language: optionalText(first(channel, 'language') ?? first(channel, 'dc:language')),
      ttlMinutes: ttlOf(channel),
      items: buildEach(rawItems, (item) => rssItem(item as Node, base)),
    });
  }
  return undefined;
}
