/**
 * The feed farm as its own process: `npx tsx bench/farm/serve.ts --feeds 1000 --hosts 250`.
 * Prints one JSON line {port, control, feeds, hosts} and serves a control API on 127.0.0.1:
 *   GET  /urls                 → JSON array of feed URLs
 *   GET  /stats                → FarmStats
 *   GET  /timeline             → FarmRequestRecord[] since the last reset
 *   POST /reset-stats
 *   POST /publish?feed=N       → the published item (body: optional JSON {title, link, id})
 *   POST /publish?feed=N&afterNextRequestMs=D&maxWaitMs=W
 *                              → the same, published D ms after the feed's next request is answered (or after
 *                                W ms without one)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startFarm } from './index.js';

const { values } = parseArgs({
  options: {
    feeds: { type: 'string', default: '1000' },
    hosts: { type: 'string', default: '250' },
    items: { type: 'string', default: '25' },
  },
});
const farm = await startFarm({
  feeds: Number(values.feeds),
  hosts: Number(values.hosts),
  itemsPerFeed: Number(values.items),
});

const control = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://control');
  const json = (value: unknown) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  if (req.method === 'GET' && url.pathname === '/urls') return json(farm.urls);
  if (req.method === 'GET' && url.pathname === '/stats') return json(farm.stats());
  if (req.method === 'GET' && url.pathname === '/timeline') return json(farm.timeline());
  if (req.method === 'POST' && url.pathname === '/reset-stats') {
    farm.resetStats();
    return json({ ok: true });
  }
  if (req.method === 'POST' && url.pathname === '/publish') {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const feed = Number(url.searchParams.get('feed') ?? '0');
      const after = url.searchParams.get('afterNextRequestMs');
      const overrides = body ? (JSON.parse(body) as object) : {};
      const published =
        after === null
          ? Promise.resolve().then(() => farm.publish(feed, overrides))
          : farm.publishAfterNextRequest(
              feed,
              Number(after),
              Number(url.searchParams.get('maxWaitMs') ?? '60000'),
              overrides,
            );
      published.then(json, (error: Error) => res.writeHead(400).end(error.message));
    });
    return;
  }
  res.writeHead(404).end();
});
control.listen(0, '127.0.0.1', () => {
  const { port } = control.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ port: farm.port, control: `http://127.0.0.1:${port}`, feeds: farm.urls.length, hosts: Number(values.hosts) })}\n`,
  );
});

const stop = () => {
  control.close();
  void farm.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
