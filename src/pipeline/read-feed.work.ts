/**
 * The work of reading one feed body, the same in the worker and inline: decode + parse, identify the items, and
 * each item's HTML as clean text (what matching needs). The answer is plain data, cheap to structured-clone:
 * the feed's fields, the items and their texts, or the ParseError's fields (an Error would lose its class).
 */
import type { FeedItem, ParsedFeed } from '../core/feed.js';
import { identifyItems } from '../identify/index.js';
import { ParseError, parseFeed, type ParseErrorKind } from '../parser/index.js';
import { htmlToText } from '../summarizer/index.js';

export interface ReadTask {
  body: Uint8Array;
  contentType?: string;
  baseUrl?: string;
  /** "Now" as epoch milliseconds, for the parser's future-date rule. */
  now: number;
  /**
   * Tests only, set through FeedReaderOptions and never from a feed: make the read exhaust the worker's memory or
   * run past its time budget, to test what the pool does then.
   */
  misbehave?: 'exhaust-memory' | 'spin';
}

export type ReadOutcome =
  | { ok: true; feed: Omit<ParsedFeed, 'items'>; items: FeedItem[]; texts: string[] }
  | { ok: false; kind: ParseErrorKind; message: string; feedLinks?: string[] };

export function readFeedBody(task: ReadTask): ReadOutcome {
  if (task.misbehave) misbehave(task.misbehave);
  const body = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength);
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
  return { ok: true, feed, items, texts: items.map((item) => htmlToText(item.html)) };
}

function misbehave(how: 'exhaust-memory' | 'spin'): void {
  if (how === 'spin') for (;;);
  const hoard: string[][] = [];
  for (let i = 0; ; i++) hoard.push(Array.from({ length: 100_000 }, (_, j) => `${i}:${j}`));
}
