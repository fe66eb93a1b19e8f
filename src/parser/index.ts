import type { ParsedFeed } from '../core/feed.js';
import { decodeBody } from './decode.js';
import { findFeedLinks } from './feed-links.js';
import { buildJsonFeed, isJsonFeed } from './json-feed.js';
import { buildXmlFeed, parseXmlDocument } from './xml.js';

export { decodeBody } from './decode.js';
export { findFeedLinks } from './feed-links.js';
export { bodyFingerprint } from './fingerprint.js';
export { parseFeedDate } from './dates.js';
export { plainText } from './text.js';

export type ParseErrorKind = 'empty' | 'html-page' | 'not-a-feed' | 'malformed';

export class ParseError extends Error {
  constructor(
    readonly kind: ParseErrorKind,
    message: string,
    readonly feedLinks?: string[],
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

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

function parseXml(text: string, baseUrl: string | undefined): ParsedFeed {
  let document: Record<string, unknown>;
  try {
    document = parseXmlDocument(text);
  } catch (error) {
    throw new ParseError('malformed', `the feed is not well-formed XML (${(error as Error).message})`);
  }
  const rootName = Object.keys(document)[0] ?? '';
  if (rootName.toLowerCase() === 'html') throw htmlPageError(text, baseUrl);
  const feed = buildXmlFeed(document, baseUrl);
  if (!feed)
    throw new ParseError('not-a-feed', `the document is XML but not a feed (its root element is <${rootName}>)`);
  return feed;
}

/**
 * Reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0, RDF and JSON Feed, choosing the format from the body (Content-Type is
 * only a charset hint). Every field comes back as plain text except `html`; dates are valid or absent.
 */
export function parseFeed(body: Buffer, contentType?: string, options: ParseOptions = {}): ParsedFeed {
  // eslint-disable-next-line no-control-regex -- NUL padding before the document is exactly what is stripped
  const text = decodeBody(body, contentType).replace(/^[\s\u0000\ufeff]+/, '');
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
