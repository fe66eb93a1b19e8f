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
