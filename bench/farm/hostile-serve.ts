/**
 * The hostile feeds as their own process: `npx tsx bench/farm/hostile-serve.ts [--only deep-xml,items-100k]`
 * (`--only ''` serves none). Prints one JSON line
 * {port, control, feeds: [{key, label, url}]} once every body is built, and serves a control API on 127.0.0.1:
 *   GET /stats   → HostileFeedStats[] (requests, completed, aborted, bytes, request times)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { HOSTILE_SPECS, startHostileFarm } from './hostile.js';

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',').filter(Boolean);
for (const key of only ?? [])
  if (!HOSTILE_SPECS.some((spec) => spec.key === key)) throw new Error(`no hostile feed "${key}"`);
const farm = await startHostileFarm(only ? HOSTILE_SPECS.filter((spec) => only.includes(spec.key)) : HOSTILE_SPECS);

const control = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats')
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(farm.stats()));
  res.writeHead(404).end();
});
control.listen(0, '127.0.0.1', () => {
  const { port } = control.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ port: farm.port, control: `http://127.0.0.1:${port}`, feeds: farm.feeds })}\n`,
  );
});

const stop = () => {
  control.close();
  void farm.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
