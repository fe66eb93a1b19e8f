/**
 * Namespaces the feed readers look for. Elements are matched by namespace URI and local name, never by the prefix
 * a document happens to use; a prefix used without a declaration falls back to its conventional namespace, since
 * many real feeds forget to declare `dc:` or `media:`.
 */
export const NS = {
  xml: 'http://www.w3.org/XML/1998/namespace',
  atom: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  rss10: 'http://purl.org/rss/1.0/',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  media: 'http://search.yahoo.com/mrss/',
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  googleplay: 'http://www.google.com/schemas/play-podcasts/1.0',
  feedburner: 'http://rssnamespace.org/feedburner/ext/1.0',
  xhtml: 'http://www.w3.org/1999/xhtml',
} as const;

/** What a namespace is to the feed readers: the kind an element's URI falls in. */
export type NsKind =
  'rss' | 'atom' | 'rdf' | 'content' | 'dc' | 'dcterms' | 'media' | 'itunes' | 'feedburner' | 'xhtml' | 'xml' | 'other';

/** Namespaces RSS 0.9x/2.0 elements have been published under (RSS 2.0 proper has none). */
const RSS_URIS = new Set([
  '',
  NS.rss10,
  NS.rss090,
  'http://purl.org/rss/1.0',
  'http://backend.userland.com/rss2',
  'http://backend.userland.com/rss',
  'http://blogs.law.harvard.edu/tech/rss',
  'http://purl.org/net/rss1.1#',
  'http://channel.netscape.com/rdf/simple/0.9/',
]);

const KIND_BY_URI = new Map<string, NsKind>([
  [NS.xml, 'xml'],
  [NS.atom, 'atom'],
  [NS.atom03, 'atom'],
  [NS.rdf, 'rdf'],
  [NS.content, 'content'],
  [NS.dc, 'dc'],
  ['http://purl.org/dc/elements/1.0/', 'dc'],
  [NS.dcterms, 'dcterms'],
  [NS.media, 'media'],
  ['http://search.yahoo.com/mrss', 'media'],
  ['http://video.search.yahoo.com/mrss', 'media'],
  ['http://tools.search.yahoo.com/mrss/', 'media'],
  [NS.itunes, 'itunes'],
  ['http://www.itunes.com/DTDs/Podcast-1.0.dtd', 'itunes'],
  ['http://www.itunes.com/dtds/podcast-1.0.dtd/', 'itunes'],
  [NS.googleplay, 'itunes'],
  [NS.feedburner, 'feedburner'],
  [NS.xhtml, 'xhtml'],
]);

/** The kind of a namespace URI; unknown URIs that name Atom (drafts, trailing slashes) count as Atom. */
export function nsKind(uri: string): NsKind {
  if (RSS_URIS.has(uri)) return 'rss';
  const known = KIND_BY_URI.get(uri) ?? KIND_BY_URI.get(uri.toLowerCase());
  if (known) return known;
  if (/^https?:\/\/(www\.)?w3\.org\/2005\/atom\/?$|^http:\/\/purl\.org\/atom\/ns/i.test(uri)) return 'atom';
  if (/^https?:\/\/purl\.org\/rss\/1\.0\/?$/i.test(uri)) return 'rss';
  if (/^https?:\/\/purl\.org\/rss\/1\.0\/modules\/content\/?$/i.test(uri)) return 'content';
  if (/^https?:\/\/purl\.org\/dc\/elements\/1\.[01]\/?$/i.test(uri)) return 'dc';
  if (/^https?:\/\/purl\.org\/dc\/terms\/?$/i.test(uri)) return 'dcterms';
  return 'other';
}

/** Conventional namespaces for prefixes a document uses without declaring them. */
export const UNDECLARED_PREFIXES: Record<string, string> = {
  xml: NS.xml,
  atom: NS.atom,
  atom10: NS.atom,
  atom03: NS.atom03,
  rdf: NS.rdf,
  rss: NS.rss10,
  content: NS.content,
  dc: NS.dc,
  dcterms: NS.dcterms,
  media: NS.media,
  itunes: NS.itunes,
  googleplay: NS.googleplay,
  feedburner: NS.feedburner,
  xhtml: NS.xhtml,
  html: NS.xhtml,
};
