import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import type { ParsedFeed } from '../core/feed.js';
import { decodeBody } from './decode.js';
import { findFeedLinks } from './feed-links.js';
import { buildJsonFeed, isJsonFeed } from './json-feed.js';
import { ParseError, tooComplex } from './errors.js';
import { LIMITS } from './limits.js';
import { buildXmlFeed } from './xml-feed.js';
import { readXml } from './xml-reader.js';

export { decodeBody } from './decode.js';
export { findFeedLinks } from './feed-links.js';
export { bodyFingerprint } from './fingerprint.js';
export { parseFeedDate } from './dates.js';
export { plainText } from './text.js';

export { ParseError, type ParseErrorKind } from './errors.js';

export interface ParseOptions {
  /** The URL the body came from: relative links (items, advertised feeds) are resolved against it. */
  baseUrl?: string;
  /** "Now" for the future-date rule (tests pin it). */
  now?: Date;
}

/** A date this far past "now" is a wrong clock or zone, not a publication date: the item counts as undated. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

const HTML_START = /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;

function htmlPageError(text: string, baseUrl: string | undefined): ParseError {
  const links = findFeedLinks(text, baseUrl ?? '');
  const message =
    links.length > 0
      ? `this URL is an HTML page, not a feed; it links to these feeds: ${links.join(', ')}`
      : 'this URL is an HTML page, not a feed, and the page does not link to a feed';
  return new ParseError('html-page', message, links);
}

function parseJson(text: string, baseUrl: string | undefined): ParsedFeed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ParseError('malformed', `the body looks like JSON but cannot be read: ${(error as Error).message}`);
  }
  if (!isJsonFeed(value)) throw new ParseError('not-a-feed', 'the body is JSON but not a JSON Feed');
  return buildJsonFeed(value, baseUrl);
}

// Characters XML 1.0 forbids; real feeds contain them (pasted from word processors) and they are dropped.
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- matching the control characters XML forbids is the point
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function parseXml(text: string, baseUrl: string | undefined): ParsedFeed {
  // readXml throws ParseError('too-complex') itself, before building anything large.
  const document = readXml(text.replace(INVALID_XML_CHARS, ''), baseUrl);
  const root = document.roots[0];
  if (!root) throw new ParseError('malformed', 'the feed is not well-formed XML (it has no root element)');
  if (root.local === 'html') throw htmlPageError(text, baseUrl);
  const feed = buildXmlFeed(document, baseUrl);
  if (!feed)
    throw new ParseError('not-a-feed', `the document is XML but not a feed (its root element is <${root.local}>)`);
  // Markup broken badly enough to lose every item is reported as such; a feed that still gives items is kept.
  if (feed.items.length === 0 && document.problems.length > 0)
    throw new ParseError('malformed', `the feed is not well-formed XML (${document.problems[0]})`);
  return feed;
}

/**
 * A body that is still gzip-compressed (a .xml.gz file, or a server that compressed twice or did not say so):
 * inflated, within the same bound as a fetched body, so a small bomb cannot expand into memory.
 */
function inflated(body: Buffer): Buffer {
  if (body[0] !== 0x1f || body[1] !== 0x8b) return body;
  try {
    return gunzipSync(body, { maxOutputLength: LIMITS.maxInflatedBytes, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (error) {
    if (error instanceof RangeError)
      throw tooComplex(`its gzip-compressed body expands past ${LIMITS.maxInflatedBytes / 1024 / 1024} MiB`);
    throw new ParseError(
      'malformed',
      `the body is gzip-compressed but cannot be inflated (${(error as Error).message})`,
    );
  }
}

/**
 * Reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0, RDF and JSON Feed, choosing the format from the body (Content-Type is
 * only a charset hint). Every field comes back as plain text except `html`; dates are valid or absent.
 */
export function parseFeed(body: Buffer, contentType?: string, options: ParseOptions = {}): ParsedFeed {
  // eslint-disable-next-line no-control-regex -- NUL padding before the document is exactly what is stripped
  const text = decodeBody(inflated(body), contentType).replace(/^[\s\u0000\ufeff]+/, '');
  if (text === '') throw new ParseError('empty', 'the server answered with an empty body');
  let feed: ParsedFeed;
  if (text.startsWith('{') || text.startsWith('[')) feed = parseJson(text, options.baseUrl);
  else if (HTML_START.test(text.slice(0, 2048))) throw htmlPageError(text, options.baseUrl);
  else if (text.includes('<')) feed = parseXml(text, options.baseUrl);
  else throw new ParseError('not-a-feed', 'the body is neither XML nor JSON, so it is not a feed');

  const latest = (options.now ?? new Date()).getTime() + FUTURE_TOLERANCE_MS;
  for (const item of feed.items) {
    if (item.published && item.published.getTime() > latest) delete item.published;
  }
  return feed;
}
