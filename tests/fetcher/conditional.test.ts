import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, createNetworkPolicy, FetchError, type FetchResult } from '../../src/fetcher/index.js';
import { startServer, type TestServer } from './server.js';

const fetcher = createFetcher({
  userAgent: 'Taza/test (+https://example.org)',
  networkPolicy: createNetworkPolicy(['127.0.0.0/8']),
});
let server: TestServer;
let body = '<rss version="2.0"><channel><title>v1</title></channel></rss>';

beforeAll(async () => {
  server = await startServer({
    '/new-etag-304': (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v2"' }).end();
      else res.writeHead(200, { etag: '"v1"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }).end(body);
    },
    '/etag-changed-lm-same': (req, res) => {
      res.writeHead(200, { etag: '"v3"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }).end(body);
    },
    '/same-etag-new-body': (_req, res) => res.writeHead(200, { etag: '"stuck"' }).end(body),
    '/always-304': (req, res) => {
      if (req.headers['if-none-match'] || req.headers['if-modified-since']) res.writeHead(304).end();
      else res.writeHead(200, { etag: '"fresh"' }).end(body);
    },
    '/expires-0': (_req, res) =>
      res.writeHead(200, { etag: '"e"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT', expires: '0' }).end(body),
    '/no-store': (_req, res) => res.writeHead(200, { etag: '"e"', 'cache-control': 'private, no-store' }).end(body),
    '/max-age': (_req, res) =>
      res.writeHead(200, { etag: '"e"', 'cache-control': 'public, max-age=600', age: '100' }).end(body),
    '/expires-date': (_req, res) =>
      res.writeHead(200, { expires: new Date(Date.now() + 3_600_000).toUTCString() }).end(body),
    '/429-seconds': (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('slow down'),
    '/503-date': (_req, res) =>
      res.writeHead(503, { 'retry-after': new Date(Date.now() + 7_200_000).toUTCString() }).end('maintenance'),
    '/empty': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(),
    '/gone': (_req, res) => res.writeHead(410).end(),
    '/server-error': (_req, res) => res.writeHead(500).end(),
  });
});
afterAll(() => server.close());

async function failure(promise: Promise<FetchResult>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FetchError)) throw new Error(`expected a FetchError, got ${String(error)}`);
  return error;
}

describe('conditional GET', () => {
  it('sends the validators and keeps the old Last-Modified when a 304 brings a new ETag', async () => {
    const result = await fetcher({
      url: server.url('/new-etag-304'),
      validators: { etag: '"v1"', lastModified: 'Sun, 31 Dec 2023 00:00:00 GMT' },
    });
    expect(result).toMatchObject({
      kind: 'not-modified',
      bytes: 0,
      validators: { etag: '"v2"', lastModified: 'Sun, 31 Dec 2023 00:00:00 GMT' },
    });
    expect(server.requests.at(-1)?.headers['if-modified-since']).toBe('Sun, 31 Dec 2023 00:00:00 GMT');
  });

  it('stores the new ETag when it changed while Last-Modified stayed', async () => {
    const result = await fetcher({
      url: server.url('/etag-changed-lm-same'),
      validators: { etag: '"v2"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' },
    });
    expect(result).toMatchObject({
      kind: 'fetched',
      validators: { etag: '"v3"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' },
    });
  });

  it('returns the new body when the ETag stayed the same', async () => {
    const first = await fetcher({ url: server.url('/same-etag-new-body') });
    body = '<rss version="2.0"><channel><title>v2</title></channel></rss>';
    const second = await fetcher({ url: server.url('/same-etag-new-body'), validators: { etag: '"stuck"' } });
    expect(first.kind === 'fetched' && second.kind === 'fetched' && second.body.equals(first.body)).toBe(false);
    expect(second.kind === 'fetched' && second.body.toString()).toContain('v2');
  });

  it('gets a real answer from a server stuck on 304 when the refresh is unconditional', async () => {
    const validators = { etag: '"old"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' };
    expect((await fetcher({ url: server.url('/always-304'), validators })).kind).toBe('not-modified');
    const forced = await fetcher({ url: server.url('/always-304'), validators, unconditional: true });
    expect(forced).toMatchObject({ kind: 'fetched', validators: { etag: '"fresh"' } });
    expect(server.requests.at(-1)?.headers['if-none-match']).toBeUndefined();
  });

  it('stores no validators after Expires: 0 or no-store', async () => {
    const expires = await fetcher({ url: server.url('/expires-0') });
    const noStore = await fetcher({ url: server.url('/no-store') });
    expect(expires.kind === 'fetched' && expires.validators).toBeUndefined();
    expect(noStore.kind === 'fetched' && noStore.validators).toBeUndefined();
  });

  it('reports max-age minus Age, and Expires as a date', async () => {
    expect((await fetcher({ url: server.url('/max-age') })).cache).toEqual({ maxAgeMs: 500_000 });
    const expires = (await fetcher({ url: server.url('/expires-date') })).cache.expiresAt!.getTime() - Date.now();
    expect(expires).toBeGreaterThan(3_500_000);
    expect(expires).toBeLessThanOrEqual(3_600_000);
  });
});

describe('status handling', () => {
  it('reads Retry-After in seconds on 429 and as a date on 503', async () => {
    const tooMany = await failure(fetcher({ url: server.url('/429-seconds') }));
    expect(tooMany).toMatchObject({ kind: 'rate-limited', details: { status: 429, retryAfterMs: 120_000 } });
    const unavailable = await failure(fetcher({ url: server.url('/503-date') }));
    expect(unavailable.kind).toBe('rate-limited');
    expect(unavailable.details.retryAfterMs).toBeGreaterThan(7_190_000);
    expect(unavailable.details.retryAfterMs).toBeLessThanOrEqual(7_200_000);
  });

  it('returns an empty 200 as an empty body', async () => {
    const result = await fetcher({ url: server.url('/empty') });
    expect(result.kind === 'fetched' && result.body.length).toBe(0);
  });

  it('reports 410 as gone and other statuses as http', async () => {
    expect((await failure(fetcher({ url: server.url('/gone') }))).kind).toBe('gone');
    expect(await failure(fetcher({ url: server.url('/server-error') }))).toMatchObject({
      kind: 'http',
      details: { status: 500 },
    });
  });

  it('announces itself with a User-Agent, a feed-first Accept and compression', async () => {
    await fetcher({ url: server.url('/empty') });
    const headers = server.requests.at(-1)!.headers;
    expect(headers['user-agent']).toBe('Taza/test (+https://example.org)');
    expect(headers.accept?.startsWith('application/rss+xml')).toBe(true);
    expect(headers['accept-encoding']).toBe('gzip, deflate, br');
  });
});
