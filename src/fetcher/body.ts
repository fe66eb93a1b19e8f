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

/**
 * Reads a body (a response's, or a request's for the WebSub callback), decompressing it and refusing it once it
 * exceeds `maxBytes` decompressed.
 */
export function readBody(
  response: Readable,
  headers: IncomingHttpHeaders,
  maxBytes: number,
  url: string,
): Promise<ReadBody> {
  const coding = codingOf(headers['content-encoding']);
  // Destroying the stream below makes it emit 'error'; unheard, that would be an uncaught exception.
  response.on('error', () => {});
  if (!coding) {
    response.destroy();
    const name = headers['content-encoding'] ?? '';
    return Promise.reject(new FetchError('decode', `unsupported Content-Encoding "${name}"`, { url }));
  }
  const declaredLength = Number(headers['content-length']);
  if (coding === 'identity' && Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge(maxBytes, url));
  }

  return new Promise<ReadBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    // With a declared length the body is copied into one buffer as it arrives: collecting the chunks and joining
    // them at the end would hold a big body twice at its peak.
    let whole = coding === 'identity' && declaredLength > 0 ? Buffer.allocUnsafe(declaredLength) : undefined;
    let size = 0;
    let wireBytes = 0;
    let decoder: Transform | undefined;
    let decided = false;
    let settled = false;

    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      response.destroy();
      decoder?.destroy();
      reject(error);
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      const body = whole ? whole.subarray(0, size) : Buffer.concat(chunks, size);
      resolve({ body, wireBytes });
    };
    const accept = (chunk: Buffer): void => {
      if (size + chunk.length > maxBytes) return fail(tooLarge(maxBytes, url));
      if (whole && size + chunk.length > whole.length) {
        // More than the server declared: go on collecting chunks.
        chunks.push(whole.subarray(0, size));
        whole = undefined;
      }
      if (whole) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    };

    response.on('data', (chunk: Buffer) => {
      wireBytes += chunk.length;
      if (!decided) {
        decided = true;
        decoder = decoderFor(coding, chunk);
        decoder?.on('data', accept);
        decoder?.on('end', finish);
        decoder?.on('error', (error) =>
          fail(new FetchError('decode', `could not decompress the ${coding} body: ${error.message}`, { url })),
        );
      }
      if (decoder) decoder.write(chunk);
      else accept(chunk);
    });
    response.on('end', () => {
      if (decoder) decoder.end();
      else finish();
    });
    response.on('error', (error) => fail(error));
    response.on('aborted', () =>
      fail(new FetchError('network', 'the connection closed before the body was complete', { url })),
    );
  });
}

function tooLarge(maxBytes: number, url: string): FetchError {
  return new FetchError('too-large', `the feed is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`, { url });
}
