/**
 * Shared plumbing of the platform fakes: a request log that tests can wait on (event-based, no polling),
 * fault rules with hit counts, and small HTTP helpers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

// Captured at load so the fakes' own timers (long polls, waitFor's guard) keep real time in tests that fake timers.
export const realSetTimeout = globalThis.setTimeout;
export const realClearTimeout = globalThis.clearTimeout;

/** Wall-clock milliseconds with sub-millisecond precision, for measuring gaps between requests. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

interface Waiter<T> {
  predicate: (item: T) => boolean;
  resolve: (item: T) => void;
}

export class Recorder<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();

  add(item: T): T {
    this.items.push(item);
    this.notify(item);
    return item;
  }

  /** Call after mutating a recorded item (e.g. when its response was sent) so waiters see the change. */
  notify(item: T): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(item)) {
        this.waiters.delete(waiter);
        waiter.resolve(item);
      }
    }
  }

  /** Resolves with the first recorded item (already there or still to come) that matches. */
  waitFor(predicate: (item: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const found = this.items.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve: (item) => {
          realClearTimeout(timer);
          resolve(item);
        },
      };
      const timer = realSetTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`waitFor: no matching request within ${timeoutMs} ms (${this.items.length} recorded)`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

export interface FaultHandle {
  /** How many requests this rule has answered so far. */
  readonly hits: number;
  remove(): void;
}

interface FaultRule<F, C> {
  matches: (context: C) => boolean;
  fault: F;
  remaining: number;
  hits: number;
}

/** Fault rules in injection order; the first matching rule with uses left answers the request. */
export class FaultTable<F, C> {
  private rules: Array<FaultRule<F, C>> = [];

  add(matches: (context: C) => boolean, fault: F, times = Number.POSITIVE_INFINITY): FaultHandle {
    const rule: FaultRule<F, C> = { matches, fault, remaining: times, hits: 0 };
    this.rules.push(rule);
    return {
      get hits() {
        return rule.hits;
      },
      remove: () => {
        this.rules = this.rules.filter((r) => r !== rule);
      },
    };
  }

  take(context: C): F | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && r.matches(context));
    if (!rule) return undefined;
    rule.remaining -= 1;
    rule.hits += 1;
    return rule.fault;
  }

  clear(): void {
    this.rules = [];
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

type UploadedFile = { name: string; data: Buffer; type: string };

/** Parses JSON, urlencoded or multipart bodies. */
export async function parseBody(
  contentType: string | undefined,
  raw: Buffer,
): Promise<{ fields: Record<string, unknown>; files: Map<string, UploadedFile> }> {
  const type = contentType ?? '';
  if (raw.length === 0) return { fields: {}, files: new Map() };
  if (type.includes('application/json'))
    return { fields: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, files: new Map() };
  if (type.includes('application/x-www-form-urlencoded'))
    return { fields: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), files: new Map() };
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/.exec(type);
  if (type.includes('multipart/form-data') && boundary) return parseMultipart(raw, boundary[1] ?? boundary[2]!);
  return { fields: { raw: raw.toString('utf8') }, files: new Map() };
}

/**
 * A lenient multipart reader: grammY writes headers without spaces and file names unquoted
 * (`content-disposition:form-data;name="x";filename=a.txt`), which the platform FormData parser rejects.
 */
function parseMultipart(
  raw: Buffer,
  boundary: string,
): { fields: Record<string, unknown>; files: Map<string, UploadedFile> } {
  const fields: Record<string, unknown> = {};
  const files = new Map<string, UploadedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length + 2; // skip the CRLF after the delimiter
    const next = raw.indexOf(delimiter, partStart);
    if (next === -1) break;
    const part = raw.subarray(partStart, next - 2); // drop the CRLF before the next delimiter
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const body = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const filename = /filename=(?:"([^"]*)"|([^;\r\n]+))/i.exec(headers);
      const partType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream';
      if (name !== undefined && filename)
        files.set(name, { name: filename[1] ?? filename[2]!, data: Buffer.from(body), type: partType });
      else if (name !== undefined) fields[name] = body.toString('utf8');
    }
    start = next;
  }
  return { fields, files };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}
