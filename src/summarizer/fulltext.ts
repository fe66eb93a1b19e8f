/**
 * Optional full text: fetch an item's page and extract its main text with Readability over a linkedom DOM,
 * for feeds that carry only a title or a one-line snippet. The caller injects `fetchPage`, which must
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

/** Least-recently-used cache of results (undefined included: a page that failed once is not refetched at once). */
const cache = new Map<string, Promise<string | undefined>>();

function remember(url: string, result: Promise<string | undefined>): void {
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

async function extract(url: string, fetchPage: FetchPage): Promise<string | undefined> {
  try {
    const page = await fetchPage(url);
    const decoded = decode(page.body, page.contentType);
    if (!decoded) return undefined;
    const html = truncateHtml(decoded, MAX_PAGE_CHARS);
    // One linear pass first, so that a page too big or too deep for the DOM is never parsed into one.
    const shape = walkHtml(html, {}, MAX_DEPTH);
    if (shape.flattened > 0 || shape.elements > MAX_ELEMENTS) return undefined;
    const { document } = parseHTML(html);
    const article = new Readability(document, { maxElemsToParse: MAX_ELEMENTS }).parse();
    const content = article?.content;
    if (typeof content !== 'string') return undefined;
    const text = htmlToText(content);
    return text.length >= MIN_ARTICLE_CHARS ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The main text of the page at `url` (paragraphs separated by blank lines), or undefined when the page
 * could not be fetched, is not HTML, or has no article in it. Results are cached per URL.
 */
export function extractFullText(url: string, fetchPage: FetchPage): Promise<string | undefined> {
  const cached = cache.get(url);
  if (cached) {
    remember(url, cached); // refresh its recency
    return cached;
  }
  const result = extract(url, fetchPage);
  remember(url, result);
  return result;
}
