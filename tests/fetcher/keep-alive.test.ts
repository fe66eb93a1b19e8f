import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFetcher, createNetworkPolicy } from '../../src/fetcher/index.js';
import { startServer, type TestServer } from './server.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const feed = `<rss version="2.0"><channel><title>ok</title>${'<item><title>x</title></item>'.repeat(500)}</channel></rss>`;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    '/feed': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed),
  });
});
afterAll(async () => {
  await server.close();
});

it('lets a finished request and its body go while the kept-alive socket stays open', async () => {
  const fetcher = createFetcher({ userAgent: 'Taza/test', networkPolicy: createNetworkPolicy(['127.0.0.1/32']) });
  const requests: Array<WeakRef<object>> = [];
  const onStart = (message: unknown) => requests.push(new WeakRef((message as { request: object }).request));
  subscribe('undici:request:create', onStart);
  try {
    expect((await fetcher({ url: server.url('/feed') })).kind).toBe('fetched');
  } finally {
    unsubscribe('undici:request:create', onStart);
  }
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  expect(requests).toHaveLength(1);
  // The connection was opened by this request; a listener left on the socket would keep the request, its
  // response and the whole body alive for as long as the socket is kept open.
  expect(requests[0]!.deref()).toBeUndefined();
});

it('checks one host one request after another on one connection, and opens as many as it is allowed at once', async () => {
  const policy = createNetworkPolicy(['127.0.0.1/32']);
  const sockets = (from: number) => new Set(server.requests.slice(from).map((req) => req.socket)).size;
  const one = createFetcher({ userAgent: 'Taza/test', networkPolicy: policy });
  let from = server.requests.length;
  for (let i = 0; i < 5; i++) expect((await one({ url: server.url('/feed') })).kind).toBe('fetched');
  // A pool opened a second connection when the next request came while the first was still being handed back.
  expect(sockets(from)).toBe(1);

  const two = createFetcher({ userAgent: 'Taza/test', networkPolicy: policy, connectionsPerHost: 2 });
  from = server.requests.length;
  await Promise.all([two({ url: server.url('/feed') }), two({ url: server.url('/feed') })]);
  expect(sockets(from)).toBe(2);
});
