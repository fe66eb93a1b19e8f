import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { FetchError } from './types.js';

export interface ReadBody {
  body: Buffer;
  /** Bytes received on the wire (before decompression). */
  wireBytes: number;
}

type Coding = 'identity' | 'gzip' | 'deflate' | 'br';

function codingOf(contentEncoding: string | undefined): Coding | undefined {
  const value = (contentEncoding ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity' || value === 'none') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  if (value === 'br') return 'br';
  return undefined;
}

/**
 * Picks the decompressor from the first bytes. A body labelled gzip/deflate that does not start like one is
 * read as-is: misconfigured servers label plain XML as gzip, and the bytes themselves are unambiguous.
 */
function decoderFor(coding: Coding, first: Buffer): Transform | undefined {
  const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH }; // tolerate a truncated final block, as browsers do
  if (coding === 'gzip') return first[0] === 0x1f && first[1] === 0x8b ? zlib.createGunzip(lenient) : undefined;
  if (coding === 'deflate') {
    const [b0 = 0, b1 = 0] = first;
    const zlibWrapped = (b0 & 0x0f) === 8 && ((b0 << 8) | b1) % 31 === 0;
    if (zlibWrapped) return zlib.createInflate(lenient);
    return first[0] === 0x3c /* '<' */ || first[0] === 0x7b /* '{' */ ? undefined : zlib.createInflateRaw(lenient);
  }
  if (coding === 'br') return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  return undefined;
}

/** Where a collected body goes: its bytes, or why it could not be read. */
export interface BodyOutcome {
  resolve(read: ReadBody): void;
  reject(error: Error): void;
}

/**
 * Collects a body pushed to it chunk by chunk (a response's, from the fetcher's handler; a request's, through
 * readBody), decompressing it and refusing it once it exceeds `maxBytes` decompressed. `stop` is told when the
 * body is refused, so the source stops sending (the connection is closed).
 */
export class BodyCollector {
  private readonly chunks: Buffer[] = [];
  private whole: Buffer | undefined;
  private size = 0;
  private wireBytes = 0;
  private decoder: Transform | undefined;
  private decided = false;
  private settled = false;

  private constructor(
    private readonly coding: Coding,
    declaredLength: number,
    private readonly maxBytes: number,
    private readonly url: string,
    private readonly outcome: BodyOutcome,
    private readonly stop: () => void,
  ) {
    // With a declared length the body is copied into one buffer as it arrives: collecting the chunks and joining
    // them at the end would hold a big body twice at its peak.
    if (coding === 'identity' && declaredLength > 0) this.whole = Buffer.allocUnsafe(declaredLength);
  }

  /**
   * A collector for a body with these headers, or undefined when it cannot be read at all (an unknown coding, a
   * declared length over the cap): the outcome has then been rejected and `stop` called.
   */
  static start(
    headers: IncomingHttpHeaders,
    maxBytes: number,
    url: string,
    outcome: BodyOutcome,
    stop: () => void,
  ): BodyCollector | undefined {
    const coding = codingOf(headers['content-encoding']);
    if (!coding) {
      stop();
      const name = headers['content-encoding'] ?? '';
      outcome.reject(new FetchError('decode', `unsupported Content-Encoding "${name}"`, { url }));
      return undefined;
    }
    const declaredLength = Number(headers['content-length']);
    if (coding === 'identity' && Number.isFinite(declaredLength) && declaredLength > maxBytes) {
      stop();
      outcome.reject(tooLarge(maxBytes, url));
      return undefined;
    }
    return new BodyCollector(coding, declaredLength, maxBytes, url, outcome, stop);
  }

  push(chunk: Buffer): void {
    if (this.settled) return;
    this.wireBytes += chunk.length;
    if (!this.decided) {
      this.decided = true;
      const decoder = decoderFor(this.coding, chunk);
      if (decoder) {
        this.decoder = decoder;
        decoder.on('data', (data: Buffer) => this.accept(data));
        decoder.on('end', () => this.finish());
        decoder.on('error', (error) =>
          this.fail(
            new FetchError('decode', `could not decompress the ${this.coding} body: ${error.message}`, {
              url: this.url,
            }),
          ),
        );
      }
    }
    if (this.decoder) this.decoder.write(chunk);
    else this.accept(chunk);
  }

  end(): void {
    if (this.decoder) this.decoder.end();
    else this.finish();
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.stop();
    this.decoder?.destroy();
    this.outcome.reject(error);
  }

  private accept(chunk: Buffer): void {
    if (this.settled) return;
    if (this.size + chunk.length > this.maxBytes) return this.fail(tooLarge(this.maxBytes, this.url));
    if (this.whole && this.size + chunk.length > this.whole.length) {
      // More than the server declared: go on collecting chunks.
      this.chunks.push(this.whole.subarray(0, this.size));
      this.whole = undefined;
    }
    if (this.whole) chunk.copy(this.whole, this.size);
    else this.chunks.push(chunk);
    this.size += chunk.length;
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    const body = this.whole ? this.whole.subarray(0, this.size) : Buffer.concat(this.chunks, this.size);
    this.outcome.resolve({ body, wireBytes: this.wireBytes });
  }
}

/**
 * Reads a stream's body (a WebSub delivery's request), decompressing it and refusing it once it exceeds
 * `maxBytes` decompressed.
 */
export function readBody(
  response: Readable,
  headers: IncomingHttpHeaders,
  maxBytes: number,
  url: string,
): Promise<ReadBody> {
  // Destroying the stream below makes it emit 'error'; unheard, that would be an uncaught exception.
  response.on('error', () => {});
  return new Promise<ReadBody>((resolve, reject) => {
    const collector = BodyCollector.start(headers, maxBytes, url, { resolve, reject }, () => response.destroy());
    if (!collector) return;
    response.on('data', (chunk: Buffer) => collector.push(chunk));
    response.on('end', () => collector.end());
    response.on('error', (error) => collector.fail(error));
    response.on('aborted', () =>
      collector.fail(new FetchError('network', 'the connection closed before the body was complete', { url })),
    );
  });
}

function tooLarge(maxBytes: number, url: string): FetchError {
  return new FetchError('too-large', `the feed is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`, { url });
}
