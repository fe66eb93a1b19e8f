/**
 * Optional full text: fetch an item's page and extract its main text with Readability over a linkedom DOM,
 * for feeds that carry only a title or a one-line snippet, and the picture the page names for link previews
 * (og:image, twitter:image) from the same page. The caller injects `fetchPage`, which must
 * apply the same network safety as feed fetching (private-network rule, size cap, timeouts); this module
 * does no I/O of its own. Any failure gives undefined so the alert is still sent from the feed's text.
 */
import { Readability } from '@mozilla/readability';
import iconv from 'iconv-lite';
import { parseHTML } from 'linkedom';
import { htmlToText } from './html-to-text.js';
import { truncateHtml, walkHtml } from './html-walk.js';

export type FetchPage = (url: string) => Promise<{ body: Buffer; contentType?: string }>;

/** Less text than this is a stub, a paywall notice or a cookie wall, not an article. */
const MIN_ARTICLE_CHARS = 140;
/** Pages with more elements than this are not worth the CPU (Readability is quadratic at worst). */
const MAX_ELEMENTS = 20_000;
/**
 * Pages nested deeper than this are refused before a DOM is built: linkedom's parser (htmlparser2's Parser)
 * and Readability's walks up the tree cost time in elements × depth, 200,000 nested tags cost minutes.
 * Browsers flatten past 512 too; real pages stay under 100.
 */
const MAX_DEPTH = 512;
/** Longer pages are cut here: an article's text comes early, and the inline scripts and data late. */
const MAX_PAGE_CHARS = 2_000_000;
const CACHE_SIZE = 200;

/** What an article page gives: its main text, and the absolute http(s) URL of its preview picture. */
export interface ArticlePage {
  text?: string;
  image?: string;
}

/** Least-recently-used cache of results (failures included: a page that failed once is not refetched at once). */
const cache = new Map<string, Promise<ArticlePage>>();

function remember(url: string, result: Promise<ArticlePage>): void {
  cache.delete(url);
  cache.set(url, result);
  while (cache.size > CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
}

/** Forget every cached page (tests, and a configuration reload). */
export function clearFullTextCache(): void {
  cache.clear();
}

function charsetOf(body: Buffer, contentType?: string): string {
  const fromHeader = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader) return fromHeader;
  // The HTML spec's prescan looks at the first 1024 bytes for <meta charset> or http-equiv.
  const head = body.subarray(0, 1024).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ?? 'utf-8';
}

function decode(body: Buffer, contentType?: string): string | undefined {
  if (contentType && !/html|xml|text\/plain/i.test(contentType)) return undefined;
  const charset = charsetOf(body, contentType);
  return iconv.encodingExists(charset) ? iconv.decode(body, charset) : iconv.decode(body, 'utf-8');
}

/** The preview picture's tags, the most specific first. */
const IMAGE_META = [
  'meta[property="og:image:secure_url"]',
  'meta[property="og:image"]',
  'meta[property="og:image:url"]',
  'meta[name="twitter:image"]',
  'meta[property="twitter:image"]',
  'meta[name="twitter:image:src"]',
];

/** The page's preview picture, resolved against the page; http(s) only (a data: or javascript: URL is no picture). */
function previewImage(document: ReturnType<typeof parseHTML>['document'], pageUrl: string): string | undefined {
  for (const selector of IMAGE_META) {
    const content = document.querySelector(selector)?.getAttribute('content')?.trim();
    if (!content) continue;
    try {
      const resolved = new URL(content, pageUrl);
      if (resolved.protocol === 'http:' || resolved.protocol === 'https:') return resolved.href;
    } catch {
      // Not a URL: try the next tag.
    }
  }
  return undefined;
}

async function extract(url: string, fetchPage: FetchPage): Promise<ArticlePage> {
  try {
    const page = await fetchPage(url);
    const decoded = decode(page.body, page.contentType);
    if (!decoded) return {};
    const html = truncateHtml(decoded, MAX_PAGE_CHARS);
    // One linear pass first, so that a page too big or too deep for the DOM is never parsed into one.
    const shape = walkHtml(html, {}, MAX_DEPTH);
    if (shape.flattened > 0 || shape.elements > MAX_ELEMENTS) return {};
    const { document } = parseHTML(html);
    // Read before Readability, which rearranges the document.
    const image = previewImage(document, url);
    const found = image ? { image } : {};
    const article = new Readability(document, { maxElemsToParse: MAX_ELEMENTS }).parse();
    const content = article?.content;
    if (typeof content !== 'string') return found;
    const text = htmlToText(content);
    return text.length >= MIN_ARTICLE_CHARS ? { ...found, text } : found;
  } catch {
    return {};
  }
}

/**
 * The main text of the page at `url` (paragraphs separated by blank lines), or undefined when the page
 * could not be fetched, is not HTML, or has no article in it.
 */
export async function extractFullText(url: string, fetchPage: FetchPage): Promise<string | undefined> {
  return (await readArticle(url, fetchPage)).text;
}

/** The page's main text and preview picture, each absent when the page has none; one fetch, cached per URL. */
export function readArticle(url: string, fetchPage: FetchPage): Promise<ArticlePage> {
  const cached = cache.get(url);
  if (cached) {
    remember(url, cached); // refresh its recency
    return cached;
  }
  const result = extract(url, fetchPage);
  remember(url, result);
  return result;
}
