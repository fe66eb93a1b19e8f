/**
 * One request's answer through undici's dispatcher, for the fetch loop in index.ts: status and headers first, then
 * the body collected within its caps or discarded.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { BodyCollector, type ReadBody } from './body.js';
import { FetchError } from './types.js';

/** Headers that are one value: a repeated one keeps the first, as node:http does; the others are joined. */
const SINGLE = new Set([
  'etag',
  'last-modified',
  'content-type',
  'content-length',
  'content-encoding',
  'location',
  'expires',
  'age',
  'retry-after',
]);

/** undici's raw header list (name, value, name, value…) in node:http's shape. */
function nodeHeaders(raw: Buffer[]): IncomingHttpHeaders {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('utf8');
    const existing = headers[name];
    if (existing === undefined) headers[name] = name === 'set-cookie' ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else if (!SINGLE.has(name)) headers[name] = `${existing}, ${value}`;
  }
  return headers as IncomingHttpHeaders;
}

/** A body not needed (a redirect, a 304) is let through up to this much, so its connection goes back to the pool. */
const DISCARD_LIMIT = 64 * 1024;

/**
 * One request's answer, as undici's dispatcher hands it over: the status and headers once they are in (the
 * `headers` promise), then the body, which the fetch loop either collects (with its caps) or discards. A plain
 * handler instead of undici's request(): a steady-state check is one 304, and a stream, a promise chain and an
 * async resource per request were most of the client's own cost.
 */
export class Exchange implements Dispatcher.DispatchHandlers {
  status = 0;
  headers: IncomingHttpHeaders = {};
  private abortRequest: ((reason?: Error) => void) | undefined;
  private abortedWith: Error | undefined;
  private collector: BodyCollector | undefined;
  private pending: Buffer[] | undefined = [];
  private ended = false;
  private failedWith: Error | undefined;
  private discarded = 0;
  private discarding = false;
  private settleHeaders: { resolve: (exchange: Exchange) => void; reject: (error: Error) => void } | undefined;
  readonly answered: Promise<Exchange>;

  constructor() {
    this.answered = new Promise<Exchange>((resolve, reject) => {
      this.settleHeaders = { resolve, reject };
    });
  }

  /** Stops the request (a timeout, the caller's cancellation): undici closes its connection. */
  abort(reason: Error): void {
    if (this.abortedWith) return;
    this.abortedWith = reason;
    this.abortRequest?.(reason);
    // Settled now, whether or not undici has handed the request to a connection yet (it aborts it when it does).
    this.onError(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortRequest = abort;
    if (this.abortedWith) abort(this.abortedWith);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null): boolean {
    this.status = statusCode;
    this.headers = nodeHeaders((rawHeaders ?? []) as Buffer[]);
    const settle = this.settleHeaders;
    this.settleHeaders = undefined;
    settle?.resolve(this);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.discarding) {
      this.discarded += chunk.length;
      if (this.discarded > DISCARD_LIMIT) this.abort(new FetchError('network', 'unwanted body too long'));
    } else if (this.collector) this.collector.push(chunk);
    else this.pending?.push(chunk);
    return true;
  }

  onComplete(): void {
    this.ended = true;
    this.collector?.end();
  }

  onError(error: Error): void {
    const settle = this.settleHeaders;
    this.settleHeaders = undefined;
    if (settle) return settle.reject(error);
    this.failedWith ??= error;
    this.collector?.fail(this.failedWith);
  }

  onUpgrade(): void {
    this.onError(new FetchError('network', 'the server switched protocols'));
  }

  /** The body, decompressed and within `maxBytes` (see BodyCollector). */
  readBody(maxBytes: number, url: string): Promise<ReadBody> {
    return new Promise<ReadBody>((resolve, reject) => {
      const stop = (): void => this.abort(new FetchError('network', 'body refused'));
      const collector = BodyCollector.start(this.headers, maxBytes, url, { resolve, reject }, stop);
      if (!collector) return;
      this.collector = collector;
      const pending = this.pending ?? [];
      this.pending = undefined;
      for (const chunk of pending) collector.push(chunk);
      if (this.failedWith) collector.fail(this.failedWith);
      else if (this.ended) collector.end();
    });
  }

  /** The body is not needed: whatever came is dropped, the rest let through (up to DISCARD_LIMIT) and dropped. */
  discard(): void {
    this.discarding = true;
    for (const chunk of this.pending ?? []) this.discarded += chunk.length;
    this.pending = undefined;
    if (this.discarded > DISCARD_LIMIT && !this.ended) this.abort(new FetchError('network', 'unwanted body too long'));
  }
}
