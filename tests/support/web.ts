/**
 * A local web server for what is not a feed: a site page that advertises a feed, a page that does not, an image,
 * a feed held until the test releases it (a slow feed), a request that never answers (a timeout), and files
 * served as chat attachments.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestWeb {
  url(path: string): string;
  /** The page at /site.html advertises this feed URL with <link rel="alternate">. */
  setSiteFeed(feedUrl: string): void;
  /** Serves `body` at /files/<name>. */
  addFile(name: string, body: string | Buffer): string;
  /** /slow.xml answers only when release() is called; resolves when the request has arrived. */
  holdSlow(body: string): { arrived: Promise<void>; release(): void };
  close(): Promise<void>;
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

export async function startTestWeb(): Promise<TestWeb> {
  let siteFeed = '';
  const files = new Map<string, Buffer>();
  const held = new Set<ServerResponse>();
  let slow: { body: string; onArrive: () => void; waiting?: ServerResponse; released: boolean } | undefined;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/site.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><title>News site</title><link rel="alternate" type="application/rss+xml" href="${siteFeed}"></head><body>Hello</body></html>`,
      );
    } else if (path === '/plain.html') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><html><head><title>No feed here</title></head><body>Just a page</body></html>');
    } else if (path === '/image.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    } else if (path === '/hang') {
      held.add(res);
    } else if (path === '/slow.xml' && slow) {
      const current = slow;
      current.waiting = res;
      current.onArrive();
      if (current.released) res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(current.body);
    } else if (path.startsWith('/files/') && files.has(path.slice(7))) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(files.get(path.slice(7)));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path.startsWith('/') ? path : `/${path}`}`,
    setSiteFeed: (feedUrl) => void (siteFeed = feedUrl),
    addFile(name, body) {
      files.set(name, Buffer.from(body));
      return `${base}/files/${name}`;
    },
    holdSlow(body) {
      let onArrive!: () => void;
      const arrived = new Promise<void>((resolve) => (onArrive = resolve));
      slow = { body, onArrive, released: false };
      const current = slow;
      return {
        arrived,
        release() {
          current.released = true;
          // Later requests (the baseline's own fetch) are answered at once.
          current.waiting?.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
        },
      };
    },
    async close() {
      for (const res of held) res.destroy();
      slow?.waiting?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
