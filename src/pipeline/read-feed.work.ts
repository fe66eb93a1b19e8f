/**
 * The work of reading one feed body, the same in the worker and inline: fingerprint, decode + parse, identify the items, and
 * each item's HTML as clean text (what matching needs). The answer is plain data, cheap to structured-clone:
 * the feed's fields, the items and their texts, or the ParseError's fields (an Error would lose its class).
 */
import type { FeedItem, ParsedFeed } from '../core/feed.js';
import { identifyItems } from '../identify/index.js';
import { bodyFingerprint, ParseError, parseFeed, type ParseErrorKind } from '../parser/index.js';
import { htmlToText } from '../summarizer/index.js';

export interface ReadTask {
  body: Uint8Array;
  contentType?: string;
  baseUrl?: string;
  /** "Now" as epoch milliseconds, for the parser's future-date rule. */
  now: number;
  /** The fingerprint of the last body read: a body with the same one is not parsed (the answer says unchanged). */
  unlessFingerprint?: string;
  /** False: the items come back with html '' (their texts are all the pipeline needs), halving what is cloned. */
  html?: boolean;
  /**
   * Tests only, set through FeedReaderOptions and never from a feed: make the read exhaust the worker's memory or
   * run past its time budget, to test what the pool does then.
   */
  misbehave?: 'exhaust-memory' | 'spin';
}

export type ReadOutcome =
  | { ok: true; unchanged: true; bodyHash: string }
  | {
      ok: true;
      unchanged?: false;
      bodyHash: string;
      feed: Omit<ParsedFeed, 'items'>;
      items: FeedItem[];
      texts: string[];
    }
  | { ok: false; kind: ParseErrorKind; message: string; feedLinks?: string[] };

export function readFeedBody(task: ReadTask): ReadOutcome {
  if (task.misbehave) misbehave(task.misbehave);
  const body = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength);
  // Hashing 15 MiB takes about 100 ms, so it is done here too, off the main thread.
  const bodyHash = bodyFingerprint(body);
  if (bodyHash === task.unlessFingerprint) return { ok: true, unchanged: true, bodyHash };
  let parsed: ParsedFeed;
  try {
    parsed = parseFeed(body, task.contentType, { baseUrl: task.baseUrl, now: new Date(task.now) });
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return {
      ok: false,
      kind: error.kind,
      message: error.message,
      ...(error.feedLinks ? { feedLinks: error.feedLinks } : {}),
    };
  }
  const { items: parsedItems, ...feed } = parsed;
  const items = identifyItems(parsedItems);
  const texts = items.map((item) => clip(htmlToText(item.html)));
  if (task.html === false) for (const item of items) item.html = '';
  return { ok: true, bodyHash, feed, items, texts };
}

/**
 * Matching reads an item's text up to this many characters (summaries use the first 32 KiB). News text is far
 * shorter; a feed of megabyte descriptions would otherwise be copied to the main thread and scanned whole.
 */
export const MAX_MATCH_TEXT_CHARS = 100_000;

function clip(text: string): string {
  if (text.length <= MAX_MATCH_TEXT_CHARS) return text;
  // Never end on half a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text[MAX_MATCH_TEXT_CHARS - 1]!) ? MAX_MATCH_TEXT_CHARS - 1 : MAX_MATCH_TEXT_CHARS;
  return text.slice(0, end);
}

function misbehave(how: 'exhaust-memory' | 'spin'): void {
  if (how === 'spin') for (;;);
  const hoard: string[][] = [];
  for (let i = 0; ; i++) hoard.push(Array.from({ length: 100_000 }, (_, j) => `${i}:${j}`));
}
