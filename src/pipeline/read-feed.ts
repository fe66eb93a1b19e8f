/**
 * Reading a fetched feed body: decode, parse, identify, and each item's HTML as text. The one function every
 * surface calls (the pipeline's check, /preview, /subscribe and `taza check` through loadFeed).
 *
 * Big bodies are read in a worker thread (a piscina pool), so however long a body takes it never blocks the event
 * loop (/healthz, other feeds, deliveries), and a body that needs too much memory or time costs its worker, not
 * the process: the worker has its own heap limit (resourceLimits) and a time budget per feed, after which piscina
 * terminates it and starts a fresh one. Either way the feed fails with a "feed too complex: …" ParseError that
 * feed health records, and it backs off as for any other failure.
 */
import { Piscina } from 'piscina';
import type { FeedItem, ParsedFeed } from '../core/feed.js';
import { tooComplex } from '../parser/errors.js';
import { ParseError } from '../parser/index.js';
import { readFeedBody, type ReadOutcome, type ReadTask } from './read-feed.work.js';

export interface ReadFeed {
  /** bodyFingerprint of the body. */
  bodyHash: string;
  parsed: ParsedFeed;
  /** parsed.items with their keys (the same objects). */
  items: FeedItem[];
  /** htmlToText of each item's html, in the order of items. */
  texts: string[];
}

export interface ReadFeedOptions {
  baseUrl?: string;
  now?: Date;
  /**
   * False: items come back with html '' and only their texts (the pipeline matches and summarizes the item's own
   * content from the text, so a 15 MiB feed's HTML is not cloned back to the main thread). Default true.
   */
  html?: boolean;
  /**
   * The caller is done with the body: a big one is moved to the worker (its memory is transferred, the Buffer
   * here left empty) instead of copied, so a 15 MiB body is not held twice.
   */
  transfer?: boolean;
  /** The reader to use (the app's, built from its config); default: a process-wide one with default limits. */
  reader?: FeedReader;
}

export interface FeedReaderOptions {
  /** Worker threads (PARSE_WORKERS). Default 1: Taza usually runs on one or two cores. */
  workers?: number;
  /** Old-generation heap of a worker; a read that needs more fails as "too complex". */
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb?: number;
  /** How long one read may run in its worker. */
  timeoutMs?: number;
  /** Bodies smaller than this are read on the main thread (see INLINE_BELOW_BYTES). */
  inlineBelowBytes?: number;
  /** Tests only: every worker read misbehaves this way (see ReadTask.misbehave). */
  misbehave?: ReadTask['misbehave'];
}

/**
 * Measured on the bench machine: an ordinary 21 KB feed reads in about 0.6 ms inline, while a round trip through
 * the pool (structured clone both ways, two thread hops) adds about 0.5 ms of main-thread work and latency. Below
 * 64 KiB a read cannot block for long (a few ms at worst, the parser being linear), so it stays inline.
 */
export const INLINE_BELOW_BYTES = 64 * 1024;

/**
 * A 15 MiB feed (the fetch cap) of big items reads in about 20 MB of heap and one of 100,000 small items in about
 * 10 MB (measured), so 64 MB leaves room while keeping the worker's share of the process's memory small: with
 * 256 MB the hostile benchmark's process peaked at 415 MB, with 64 MB at 286 MB.
 */
export const READER_DEFAULTS = {
  workers: 1,
  maxOldGenerationSizeMb: 64,
  maxYoungGenerationSizeMb: 4,
  timeoutMs: 10_000,
  inlineBelowBytes: INLINE_BELOW_BYTES,
} as const;

/**
 * Under tsx or vitest this module is TypeScript and so is the worker next to it; a worker thread does not inherit
 * the loader, so it is given tsx. The build (dist/, the Docker image) runs plain .js and needs nothing.
 */
function workerSetup(): { filename: string; execArgv: string[] } {
  const typescript = import.meta.url.endsWith('.ts');
  const filename = new URL(`./read-feed.worker.${typescript ? 'ts' : 'js'}`, import.meta.url).href;
  return { filename, execArgv: typescript ? ['--import', 'tsx'] : [] };
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

export class FeedReader {
  readonly options: Required<Omit<FeedReaderOptions, 'misbehave'>> & Pick<FeedReaderOptions, 'misbehave'>;
  private pool: Piscina | undefined;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(options: FeedReaderOptions = {}) {
    this.options = { ...READER_DEFAULTS, ...options };
  }

  async read(body: Buffer, contentType: string | undefined, options: ReadFeedOptions = {}): Promise<ReadFeed> {
    const read = await this.readUnless(undefined, body, contentType, options);
    if (read.unchanged) throw new Error('unreachable: no fingerprint to compare with');
    return read;
  }

  /** As read, but a body whose fingerprint is `fingerprint` is not parsed: the answer is { unchanged: true }. */
  async readUnless(
    fingerprint: string | undefined,
    body: Buffer,
    contentType: string | undefined,
    options: ReadFeedOptions = {},
  ): Promise<(ReadFeed & { unchanged?: false }) | { unchanged: true; bodyHash: string }> {
    const task: ReadTask = {
      body,
      now: (options.now ?? new Date()).getTime(),
      ...(fingerprint !== undefined ? { unlessFingerprint: fingerprint } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      ...(options.html === false ? { html: false } : {}),
    };
    const outcome =
      body.byteLength < this.options.inlineBelowBytes || this.closed
        ? readFeedBody(task)
        : await this.inWorker(
            { ...task, ...(this.options.misbehave ? { misbehave: this.options.misbehave } : {}) },
            options.transfer === true && ownsItsMemory(body) ? [body.buffer] : [],
          );
    if (!outcome.ok) throw new ParseError(outcome.kind, outcome.message, outcome.feedLinks);
    if (outcome.unchanged) return { unchanged: true, bodyHash: outcome.bodyHash };
    const parsed: ParsedFeed = { ...outcome.feed, items: outcome.items };
    return { bodyHash: outcome.bodyHash, parsed, items: outcome.items, texts: outcome.texts };
  }

  /** Stops the worker threads; reads after this run inline. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close({ force: true });
  }

  /** True once a worker thread has been started (tests check that small reads never start one). */
  get started(): boolean {
    return this.pool !== undefined;
  }

  private async inWorker(task: ReadTask, transferList: ArrayBuffer[]): Promise<ReadOutcome> {
    // Tasks wait here, not in piscina's queue, so a feed's time budget counts from when it starts running.
    if (this.running >= this.options.workers) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      this.pool ??= new Piscina({
        ...workerSetup(),
        minThreads: 0,
        maxThreads: this.options.workers,
        // An idle worker's heap is given back after a minute without big feeds.
        idleTimeout: 60_000,
        resourceLimits: {
          maxOldGenerationSizeMb: this.options.maxOldGenerationSizeMb,
          maxYoungGenerationSizeMb: this.options.maxYoungGenerationSizeMb,
        },
      });
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      return (await this.pool.run(task, { signal, transferList })) as ReadOutcome;
    } catch (error) {
      throw this.failure(error);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private failure(error: unknown): ParseError {
    const { code, name, message } = (error ?? {}) as { code?: string; name?: string; message?: string };
    if (code === 'ERR_WORKER_OUT_OF_MEMORY')
      return tooComplex(`reading it needed more than ${this.options.maxOldGenerationSizeMb} MB`);
    if (name === 'AbortError') return tooComplex(`reading it took more than ${formatMs(this.options.timeoutMs)}`);
    return tooComplex(`reading it stopped its worker (${message ?? String(error)})`);
  }
}

/** A Buffer that is the whole of its ArrayBuffer (not a slice of Node's shared pool), so moving it loses nothing. */
function ownsItsMemory(body: Buffer): body is Buffer & { buffer: ArrayBuffer } {
  return body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
}

let fallback: FeedReader | undefined;

function readerFor(options: ReadFeedOptions): FeedReader {
  // The fallback (no app: `taza check`, tests) starts its thread only for a big body; piscina unrefs idle workers.
  return options.reader ?? (fallback ??= new FeedReader());
}

/**
 * The pipeline's read: a body whose fingerprint equals the last one's (`fingerprint`) is not parsed. The
 * fingerprint is computed in the same worker task as the parse, so neither runs on the main thread.
 */
export function readFeedIfChanged(
  fingerprint: string | undefined,
  body: Buffer,
  contentType: string | undefined,
  options: ReadFeedOptions = {},
): Promise<(ReadFeed & { unchanged?: false }) | { unchanged: true; bodyHash: string }> {
  return readerFor(options).readUnless(fingerprint, body, contentType, options);
}

/** Decode, parse, identify and convert to text, in a worker for big bodies. Throws ParseError. */
export function readFeed(
  body: Buffer,
  contentType: string | undefined,
  options: ReadFeedOptions = {},
): Promise<ReadFeed> {
  return readerFor(options).read(body, contentType, options);
}
