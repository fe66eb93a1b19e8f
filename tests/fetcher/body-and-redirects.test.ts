import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFetcher,
  createNetworkPolicy,
  FetchError,
  type FetchResult,
  type Resolver,
} from '../../src/fetcher/index.js';
import { startServer, type TestServer } from './server.js';

const feed = '<rss version="2.0"><channel><title>ok</title></channel></rss>';
const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MiB of zeros in ~64 KB
let server: TestServer;
let loopback: TestServer;

// A resolver standing in for DNS: one public-looking name points at a private address, one at our test server.
const resolver: Resolver = async (host) => {
  if (host === 'rebind.example') return [{ address: '10.0.0.7', family: 4 }];
  if (host === 'local.test') return [{ address: '127.0.0.1', family: 4 }];
  throw new Error('ENOTFOUND');
};
const allowLoopback = createFetcher({
  userAgent: 'Taza/test',
  networkPolicy: createNetworkPolicy(['127.0.0.1/32']),
  lookup: resolver,
  maxBodyBytes: 1024 * 1024,
});
const defaultPolicy = createFetcher({
  userAgent: 'Taza/test',
  networkPolicy: createNetworkPolicy(false),
  lookup: resolver,
});

beforeAll(async () => {
  loopback = await startServer({ '/secret': (_req, res) => res.end('internal') });
  server = await startServer({
    '/big': (_req, res) => res.writeHead(200).end(Buffer.alloc(2 * 1024 * 1024, 'a')),
    '/big-chunked': (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 40; i += 1) res.write(Buffer.alloc(64 * 1024, 'b'));
      res.end();
    },
    '/bomb': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb),
    '/gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(feed)),
    '/br': (_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync(feed)),
    '/plain-labelled-gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(feed),
    '/corrupt-gzip': (_req, res) =>
      res
        .writeHead(200, { 'content-encoding': 'gzip' })
        .end(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(40, 7)])),
    '/unknown-encoding': (_req, res) => res.writeHead(200, { 'content-encoding': 'zstd' }).end(feed),
    '/cf-header': (_req, res) =>
      res.writeHead(403, { 'cf-mitigated': 'challenge', 'content-type': 'text/html' }).end('<html></html>'),
    '/cf-page': (_req, res) =>
      res
        .writeHead(403, { server: 'cloudflare' })
        .end(
          '<html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/x"></script></body></html>',
        ),
    '/feed': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed),
    '/moved': (_req, res) => res.writeHead(301, { location: '/moved-again' }).end(),
    '/moved-again': (_req, res) => res.writeHead(308, { location: '/feed' }).end(),
    '/temporary': (_req, res) => res.writeHead(302, { location: '/feed' }).end(),
    '/mixed': (_req, res) => res.writeHead(301, { location: '/temporary' }).end(),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/to-loopback-2': (_req, res) => res.writeHead(302, { location: `http://127.0.0.2:${loopback.port}/secret` }).end(),
    '/to-metadata': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/to-mapped-metadata': (_req, res) => res.writeHead(302, { location: 'http://[::ffff:169.254.169.254]/' }).end(),
    '/to-rebind': (_req, res) => res.writeHead(301, { location: 'http://rebind.example/feed' }).end(),
    '/hang': () => undefined,
    '/stalls': (_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(1000, 'c'));
    },
    '/resets': (req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(1000, 'd'), () => req.socket.destroy());
    },
    '/redirect-with-long-body': (_req, res) =>
      res.writeHead(302, { location: '/feed' }).end(Buffer.alloc(200 * 1024, 'e')),
  });
});
afterAll(async () => {
  await server.close();
  await loopback.close();
});

async function failure(promise: Promise<FetchResult>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FetchError)) throw new Error(`expected a FetchError, got ${String(error)}`);
  return error;
}

describe('body limits and encodings', () => {
  it('refuses an over-size body, with or without Content-Length', async () => {
    expect((await failure(allowLoopback({ url: server.url('/big') }))).kind).toBe('too-large');
    expect((await failure(allowLoopback({ url: server.url('/big-chunked') }))).kind).toBe('too-large');
  });

  it('refuses a gzip bomb instead of inflating it', async () => {
    const before = process.memoryUsage().arrayBuffers;
    expect((await failure(allowLoopback({ url: server.url('/bomb') }))).kind).toBe('too-large');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('decodes gzip and brotli, counting wire bytes', async () => {
    for (const path of ['/gzip', '/br']) {
      const result = await allowLoopback({ url: server.url(path) });
      expect(result.kind === 'fetched' && result.body.toString()).toBe(feed);
      expect(result.bytes).toBeLessThan(feed.length + 30);
    }
  });

  it('reads a plain body labelled gzip, and reports corrupt or unknown encodings as decode errors', async () => {
    const plain = await allowLoopback({ url: server.url('/plain-labelled-gzip') });
    expect(plain.kind === 'fetched' && plain.body.toString()).toBe(feed);
    expect((await failure(allowLoopback({ url: server.url('/corrupt-gzip') }))).kind).toBe('decode');
    expect((await failure(allowLoopback({ url: server.url('/unknown-encoding') }))).kind).toBe('decode');
  });

  it('reports a Cloudflare challenge as its own kind (header or page)', async () => {
    expect((await failure(allowLoopback({ url: server.url('/cf-header') }))).kind).toBe('cloudflare');
    expect((await failure(allowLoopback({ url: server.url('/cf-page') }))).kind).toBe('cloudflare');
  });

  it('times out a server that never answers', async () => {
    const impatient = createFetcher({
      userAgent: 'Taza/test',
      networkPolicy: createNetworkPolicy(['127.0.0.1/32']),
      totalTimeoutMs: 300,
    });
    expect((await failure(impatient({ url: server.url('/hang') }))).kind).toBe('timeout');
  });

  it('times out a body that stops half-way, and reports a connection reset mid-body as a network error', async () => {
    const impatient = createFetcher({
      userAgent: 'Taza/test',
      networkPolicy: createNetworkPolicy(['127.0.0.1/32']),
      totalTimeoutMs: 300,
    });
    expect((await failure(impatient({ url: server.url('/stalls') }))).kind).toBe('timeout');
    const reset = await failure(impatient({ url: server.url('/resets') }));
    expect(reset.kind).toBe('network');
    // The same fetcher still works afterwards: the broken connections left its pool.
    expect((await impatient({ url: server.url('/feed') })).kind).toBe('fetched');
  });

  it('cancels a fetch at once when the caller aborts, while the server is still silent', async () => {
    const controller = new AbortController();
    const pending = failure(allowLoopback({ url: server.url('/hang'), signal: controller.signal }));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await pending;
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/cancelled/);
  });
});

describe('redirects', () => {
  it('marks an all-permanent chain (301 then 308) so the stored URL is updated', async () => {
    const result = await allowLoopback({ url: server.url('/moved') });
    expect(result).toMatchObject({ kind: 'fetched', finalUrl: server.url('/feed'), permanentRedirect: true });
  });

  it('does not mark a 302, or a chain containing one', async () => {
    expect(await allowLoopback({ url: server.url('/temporary') })).toMatchObject({
      finalUrl: server.url('/feed'),
      permanentRedirect: false,
    });
    expect(await allowLoopback({ url: server.url('/mixed') })).toMatchObject({ permanentRedirect: false });
    expect(await allowLoopback({ url: server.url('/feed') })).toMatchObject({ permanentRedirect: false });
  });

  it('drops the body of a redirect, even a long one, and follows it', async () => {
    const result = await allowLoopback({ url: server.url('/redirect-with-long-body') });
    expect(result.kind === 'fetched' && result.body.toString()).toBe(feed);
  });

  it('stops after 5 redirects', async () => {
    expect((await failure(allowLoopback({ url: server.url('/loop') }))).kind).toBe('too-many-redirects');
  });
});

describe('private-network protection', () => {
  it('refuses 127.0.0.1 under the default policy without sending anything', async () => {
    const before = server.requests.length;
    expect((await failure(defaultPolicy({ url: server.url('/feed') }))).kind).toBe('blocked');
    expect(server.requests.length).toBe(before);
  });

  it('refuses a redirect to another loopback address and to 169.254.169.254 (also IPv4-mapped)', async () => {
    const before = loopback.requests.length;
    expect((await failure(allowLoopback({ url: server.url('/to-loopback-2') }))).kind).toBe('blocked');
    expect(loopback.requests.length).toBe(before);
    expect((await failure(allowLoopback({ url: server.url('/to-metadata') }))).kind).toBe('blocked');
    expect((await failure(allowLoopback({ url: server.url('/to-mapped-metadata') }))).kind).toBe('blocked');
  });

  it('refuses a hostname resolving to a private address, directly or through a redirect', async () => {
    expect((await failure(defaultPolicy({ url: 'http://rebind.example/feed' }))).kind).toBe('blocked');
    expect((await failure(allowLoopback({ url: server.url('/to-rebind') }))).kind).toBe('blocked');
  });

  it('connects to the resolved address the policy allows', async () => {
    const result = await allowLoopback({ url: `http://local.test:${server.port}/feed` });
    expect(result.kind === 'fetched' && result.body.toString()).toBe(feed);
  });
});
