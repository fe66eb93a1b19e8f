/**
 * `taza check` reads what a person types: a site page is followed to its feed with relative links resolved, an
 * address typed without https:// is tried as one, and every failure is said in plain words.
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, taza } from './taza-cli.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** A self-signed certificate for 127.0.0.1, for these tests only. */
const CERT = `${FIXTURES}test-only-cert.pem`;
const KEY = `${FIXTURES}test-only-key.pem`;

const FEED =
  '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Local news</title><link>/</link>' +
  '<item><guid>1</guid><title>Bitcoin office opens</title><link>/stories/1</link>' +
  '<description>The office opened today.</description></item></channel></rss>';
const PAGE =
  '<!doctype html><html><head><title>Local news</title>' +
  '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Hello</body></html>';

const routes: RequestListener = (req, res) => {
  switch (req.url) {
    case '/feed.xml':
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
      break;
    case '/site/':
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      break;
    case '/broken.xml':
      res.writeHead(500).end('oops');
      break;
    case '/hang.xml':
      break; // never answers
    default:
      res.writeHead(404).end('not found');
  }
};

interface Report {
  input: string;
  error?: string;
  url?: string;
  discoveredFrom?: string;
  note?: string;
  items?: Array<{ title: string; link?: string }>;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port with nothing listening on it: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const ENV = { ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' };

describe('taza check: inputs and problems in plain words', () => {
  const http = createHttpServer(routes);
  const https = createHttpsServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, routes);
  let plain: string;
  let secure: string;
  beforeAll(async () => {
    [plain, secure] = await Promise.all([listen(http), listen(https)]);
  });
  afterAll(() => {
    http.closeAllConnections();
    https.closeAllConnections();
    http.close();
    https.close();
  });

  it('follows the feed a page advertises with a relative link, and resolves relative item links', async () => {
    // A page saved to a file can only be followed when it names its feed with an absolute URL.
    const saved = join(mkdtempSync(join(tmpdir(), 'taza-check-page-')), 'page.html');
    writeFileSync(saved, PAGE.replace('href="/feed.xml"', `href="http://${plain}/feed.xml"`));
    const { code, stdout } = await taza(['check', '--json', `http://${plain}/site/`, saved], ENV);
    expect(code).toBe(0);
    const [report, fromFile] = jsonLines<Report>(stdout);
    const feed = {
      url: `http://${plain}/feed.xml`,
      items: [{ title: 'Bitcoin office opens', link: `http://${plain}/stories/1` }],
    };
    expect(report).toMatchObject({ ...feed, discoveredFrom: `http://${plain}/site/` });
    expect(fromFile).toMatchObject({ ...feed, discoveredFrom: saved });
    const text = await taza(['check', `http://${plain}/site/`], ENV);
    expect(text.stdout).toContain(`(a web page; Taza read the feed it links to: http://${plain}/feed.xml)`);
    expect(text.stdout).toContain(`    http://${plain}/stories/1\n`);
    rmSync(dirname(saved), { recursive: true, force: true });
  });

  it('says each failure plainly: file, refused connection, DNS, timeout, TLS, HTTP status', async () => {
    const port = await closedPort();
    const inputs = [
      '/nonexistent/feed.xml',
      'missing-feed.xml',
      FIXTURES,
      `http://127.0.0.1:${port}/feed.xml`,
      'http://feed.invalid/rss.xml',
      `http://${plain}/hang.xml`,
      `https://${plain}/feed.xml`,
      `https://${secure}/feed.xml`,
      `http://${plain}/gone.xml`,
      `http://${plain}/broken.xml`,
      'ftp://example.org/feed.xml',
    ];
    const { code, stdout } = await taza(['check', '--json', '--timeout', '1s', ...inputs], ENV);
    expect(code).toBe(2);
    const errors = jsonLines<Report>(stdout).map((r) => r.error);
    expect(errors).toEqual([
      'no such file: /nonexistent/feed.xml',
      'no such file: missing-feed.xml (for a feed on the web, type its address with https://)',
      `${FIXTURES} is a folder, not a feed file`,
      `http://127.0.0.1:${port}/feed.xml could not be fetched: nothing is listening at 127.0.0.1:${port} (the server is down, or the address is wrong).`,
      expect.stringMatching(
        /^http:\/\/feed\.invalid\/rss\.xml: (there is no server named feed\.invalid: check the spelling of the address|the name feed\.invalid could not be looked up .*)\.$/,
      ),
      expect.stringMatching(new RegExp(`^http://${plain}/hang\\.xml did not answer in time \\(.*1 s\\)`)),
      `https://${plain}/feed.xml could not be fetched: the server at ${plain} does not speak TLS (https); if it serves plain http, use an http:// address.`,
      `https://${secure}/feed.xml could not be fetched: the server's TLS certificate is self-signed, so the connection cannot be trusted.`,
      `http://${plain}/gone.xml answered 404 Not Found: there is no feed at this address.`,
      `http://${plain}/broken.xml: the server answered HTTP 500 Internal Server Error: the server has a problem; try again later.`,
      'ftp://example.org/feed.xml: only http:// and https:// addresses, or files, can be checked',
    ]);
    for (const error of errors) expect(error).not.toMatch(/\bE[A-Z]{4,}\b|`/); // no ENOENT, ECONNREFUSED, markup
  });

  it('reads an address typed without https:// as one when there is no such file, and says so', async () => {
    const withCa = { ...ENV, NODE_EXTRA_CA_CERTS: CERT };
    const { code, stdout } = await taza(['check', '--json', `${secure}/feed.xml`, `${plain}/feed.xml`], withCa);
    expect(code).toBe(2);
    const [found, notTls] = jsonLines<Report>(stdout);
    expect(found).toMatchObject({
      url: `https://${secure}/feed.xml`,
      note: `there is no file ${secure}/feed.xml, so Taza read https://${secure}/feed.xml`,
      items: [{ title: 'Bitcoin office opens', link: `https://${secure}/stories/1` }],
    });
    expect(notTls!.error).toBe(
      `no such file: ${plain}/feed.xml, and as an address: https://${plain}/feed.xml could not be fetched: the server at ${plain} does not speak TLS (https); if it serves plain http, use an http:// address.`,
    );
    const text = await taza(['check', `${secure}/feed.xml`], withCa);
    expect(text.stdout).toContain(
      `✓ ${secure}/feed.xml\n  (there is no file ${secure}/feed.xml, so Taza read https://${secure}/feed.xml)\n`,
    );
  });
});
