/** A local feed server for tests: RSS feeds at /<name>.xml with ETag/304 support, items published on demand. */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestItem {
  guid: string;
  title: string;
  link: string;
  description: string;
  pubDate?: Date;
}

export interface FeedServer {
  url(name: string): string;
  /** The feed's URL on loopback host number `host` (0 = 127.0.0.1, then 127.0.1.1, 127.0.1.2…): one server, many hosts. */
  urlOn(host: number, name: string): string;
  /** Requests being answered now, per Host header (a response delay makes overlaps visible). */
  inFlight: Map<string, number>;
  /** The most requests seen in flight at once for each Host. */
  maxInFlight: Map<string, number>;
  setItems(name: string, items: TestItem[]): void;
  publish(name: string, item: TestItem): void;
  /** Answers requests for feed `name` with a redirect to `to` (301, 302, 307 or 308). */
  redirect(name: string, to: string, status: number): void;
  /**
   * Names a WebSub hub for feed `name`: in the body as `<atom:link rel="hub">` and `rel="self"` (`inBody`), or as
   * an HTTP `Link` header.
   */
  setHub(name: string, hub: string, where?: 'body' | 'header'): void;
  /** The body feed `name` is served with now (what a hub pushes). */
  body(name: string): string;
  /** Serves an HTML page at /pages/<name> (article pages for full-text summaries); returns its URL. */
  setPage(name: string, html: string): string;
  /** Every request received, in order, with when it arrived (ms, sub-millisecond) and the Host it was sent to. */
  requests: Array<{ path: string; headers: IncomingMessage['headers']; status: number; at: number; host: string }>;
  close(): Promise<void>;
}

export async function startFeedServer(options: { hosts?: number; delayMs?: number } = {}): Promise<FeedServer> {
  const feeds = new Map<string, TestItem[]>();
  const pages = new Map<string, string>();
  const redirects = new Map<string, { to: string; status: number }>();
  const hubs = new Map<string, { hub: string; where: 'body' | 'header' }>();
  let port = 0;
  const feedUrl = (name: string) => `http://127.0.0.1:${port}/${name}.xml`;
  const render = (name: string) => {
    const hub = hubs.get(name);
    return renderRss(
      name,
      feeds.get(name) ?? [],
      hub?.where === 'body' ? { hub: hub.hub, self: feedUrl(name) } : undefined,
    );
  };
  const requests: FeedServer['requests'] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const at = performance.timeOrigin + performance.now();
    const host = req.headers.host ?? '';
    const now = (inFlight.get(host) ?? 0) + 1;
    inFlight.set(host, now);
    maxInFlight.set(host, Math.max(now, maxInFlight.get(host) ?? 0));
    res.once('close', () => inFlight.set(host, (inFlight.get(host) ?? 1) - 1));
    if (options.delayMs) setTimeout(() => answer(req, res, at, host), options.delayMs);
    else answer(req, res, at, host);
  };
  const answer = (req: IncomingMessage, res: ServerResponse, at: number, host: string) => {
    const page = /^\/pages\/(.+)$/.exec(req.url ?? '');
    if (page && pages.has(page[1]!)) {
      requests.push({ path: req.url ?? '', headers: req.headers, status: 200, at, host });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages.get(page[1]!));
      return;
    }
    const name = (req.url ?? '/').replace(/^\//, '').replace(/\.xml.*$/, '');
    const redirect = redirects.get(name);
    if (redirect) {
      requests.push({ path: req.url ?? '', headers: req.headers, status: redirect.status, at, host });
      res.writeHead(redirect.status, { location: redirect.to }).end();
      return;
    }
    const items = feeds.get(name);
    if (!items) {
      requests.push({ path: req.url ?? '', headers: req.headers, status: 404, at, host });
      res.writeHead(404).end('not found');
      return;
    }
    const body = render(name);
    const hub = hubs.get(name);
    const link = hub?.where === 'header' ? { link: `<${hub.hub}>; rel="hub", <${feedUrl(name)}>; rel="self"` } : {};
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      requests.push({ path: req.url ?? '', headers: req.headers, status: 304, at, host });
      res.writeHead(304, { etag }).end();
      return;
    }
    requests.push({ path: req.url ?? '', headers: req.headers, status: 200, at, host });
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag, ...link }).end(body);
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  // Further hosts listen on the same port at other loopback addresses (the whole of 127.0.0.0/8 is local on Linux).
  const extra: Server[] = [];
  for (let host = 1; host < (options.hosts ?? 1); host++) {
    const more = createServer(handler);
    await new Promise<void>((resolve) => more.listen(port, hostAddress(host), resolve));
    extra.push(more);
  }
  return {
    url: feedUrl,
    setHub: (name, hub, where = 'body') => void hubs.set(name, { hub, where }),
    body: render,
    urlOn: (host, name) => `http://${hostAddress(host)}:${port}/${name}.xml`,
    inFlight,
    maxInFlight,
    setItems: (name, items) => feeds.set(name, [...items]),
    publish: (name, item) => feeds.set(name, [item, ...(feeds.get(name) ?? [])]),
    redirect: (name, to, status) => void redirects.set(name, { to, status }),
    setPage: (name, html) => {
      pages.set(name, html);
      return `http://127.0.0.1:${port}/pages/${name}`;
    },
    requests,
    close: async () => {
      await Promise.all(
        [server, ...extra].map(
          (one) =>
            new Promise<void>((resolve) => {
              one.closeAllConnections();
              one.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function hostAddress(host: number): string {
  return host === 0 ? '127.0.0.1' : `127.0.${1 + Math.floor((host - 1) / 250)}.${1 + ((host - 1) % 250)}`;
}

export function testItem(n: number, title: string, description = `Story number ${n}.`): TestItem {
  return { guid: `urn:test:${n}`, title, link: `https://news.example/${n}`, description, pubDate: new Date() };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function renderRss(name: string, items: TestItem[], websub?: { hub: string; self: string }): string {
  const links = websub
    ? `<atom:link rel="hub" href="${escapeXml(websub.hub)}"/><atom:link rel="self" href="${escapeXml(websub.self)}"/>`
    : '';
  const entries = items
    .map(
      (item) =>
        `<item><guid>${escapeXml(item.guid)}</guid><title>${escapeXml(item.title)}</title><link>${escapeXml(item.link)}</link>` +
        `<description>${escapeXml(item.description)}</description>${item.pubDate ? `<pubDate>${item.pubDate.toUTCString()}</pubDate>` : ''}</item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>${links}<title>Test feed ${name}</title><link>https://news.example/</link><language>en</language>\n${entries}\n</channel></rss>`;
}
