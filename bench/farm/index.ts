import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeItem, renderFeed, type FarmItem } from './content.js';

export type { FarmItem } from './content.js';

export interface FarmOptions {
  feeds: number;
  /** Hosts 127.0.1.1 … 127.0.1.254, then 127.0.2.1 and on (at most 254 × 254), one server each, all on one port. */
  hosts: number;
  itemsPerFeed?: number;
  port?: number;
}

export interface FarmStats {
  requests: number;
  /** Response bodies only. */
  bytesSent: number;
  /** Everything written on the sockets: status lines, headers and bodies. */
  wireBytesSent: number;
  status: Record<string, number>;
  maxInFlightPerHost: number;
  /** ms epoch of the first request since the last reset. */
  firstRequestAt?: number;
}

/** One request as the farm saw it: arrival (ms epoch), feed index (-1 when unknown), status, body and wire bytes sent. */
export type FarmRequestRecord = [at: number, feed: number, status: number, bodyBytes: number, wireBytes: number];

export interface Farm {
  port: number;
  urls: string[];
  publish(feedIndex: number, item?: Partial<Omit<FarmItem, 'publishedAt'>>): FarmItem;
  /**
   * Publishes `delayMs` after the feed's next request is answered: at a chosen point of its client's polling cycle.
   * When no request comes within `maxWaitMs`, it publishes then anyway (a client that stopped polling the feed
   * shows as a missing alert, not as a benchmark that never ends).
   */
  publishAfterNextRequest(
    feedIndex: number,
    delayMs: number,
    maxWaitMs: number,
    item?: Partial<Omit<FarmItem, 'publishedAt'>>,
  ): Promise<FarmItem>;
  stats(): FarmStats;
  /** Every request since the last reset, in arrival order. */
  timeline(): FarmRequestRecord[];
  resetStats(): void;
  close(): Promise<void>;
}

interface FeedState {
  baseUrl: string;
  items: FarmItem[];
  serial: number;
  version: number;
  body: Buffer;
  etag: string;
  lastModified: string;
}

/**
 * A local feed farm: N feeds of ~18 KB spread over up to 254 loopback hosts, with ETag/Last-Modified and 304s,
 * so per-host politeness and conditional GET behave as on the internet. Used by the fetch benchmark and, as a
 * separate process (serve.ts), by end-to-end runs of the bot.
 */
/** The n-th host (0-based): 127.0.1.1 … 127.0.1.254, 127.0.2.1 … */
export function farmHostAddress(n: number): string {
  return `127.0.${1 + Math.floor(n / 254)}.${(n % 254) + 1}`;
}

export async function startFarm(options: FarmOptions): Promise<Farm> {
  const hosts = Math.min(Math.max(1, options.hosts), 254 * 254);
  const itemsPerFeed = options.itemsPerFeed ?? 25;
  const servers: Server[] = [];
  let port = options.port ?? 0;
  const emptyStats = (): FarmStats => ({
    requests: 0,
    bytesSent: 0,
    wireBytesSent: 0,
    status: {},
    maxInFlightPerHost: 0,
  });
  let stats = emptyStats();
  let timeline: FarmRequestRecord[] = [];
  const inFlight = new Map<string, number>();
  const feeds: FeedState[] = [];
  /** Per feed, what to do once its next request has been answered. */
  const afterNextRequest = new Map<number, Array<() => void>>();
  const hostOf = (index: number): string => farmHostAddress(index % hosts);

  function rebuild(feed: FeedState, index: number, at: Date): void {
    feed.version += 1;
    feed.body = Buffer.from(renderFeed(index, feed.baseUrl, feed.items));
    feed.etag = `"f${index}-v${feed.version}"`;
    feed.lastModified = at.toUTCString();
  }

  const handle = (host: string) => (req: IncomingMessage, res: ServerResponse) => {
    const current = (inFlight.get(host) ?? 0) + 1;
    inFlight.set(host, current);
    stats.maxInFlightPerHost = Math.max(stats.maxInFlightPerHost, current);
    stats.requests += 1;
    stats.firstRequestAt ??= Date.now();
    const record: FarmRequestRecord = [Date.now(), -1, 0, 0, 0];
    timeline.push(record);
    const writtenBefore = req.socket.bytesWritten;
    res.once('finish', () => {
      record[4] = req.socket.bytesWritten - writtenBefore;
      stats.wireBytesSent += record[4];
      const waiting = afterNextRequest.get(record[1]);
      afterNextRequest.delete(record[1]);
      for (const run of waiting ?? []) run();
    });
    res.once('close', () => inFlight.set(host, (inFlight.get(host) ?? 1) - 1));
    const match = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? '');
    const feed = match ? feeds[Number(match[1])] : undefined;
    let status: number;
    if (!feed || hostOf(Number(match![1])) !== host) {
      status = 404;
      res.writeHead(404).end();
    } else {
      const headers = {
        etag: feed.etag,
        'last-modified': feed.lastModified,
        'content-type': 'application/rss+xml; charset=utf-8',
      };
      const ims = req.headers['if-modified-since'];
      const notModified =
        req.headers['if-none-match'] !== undefined
          ? req.headers['if-none-match'] === feed.etag
          : ims !== undefined && Date.parse(ims) >= Date.parse(feed.lastModified);
      status = notModified ? 304 : 200;
      if (notModified) res.writeHead(304, headers).end();
      else {
        res.writeHead(200, { ...headers, 'content-length': feed.body.length }).end(feed.body);
        stats.bytesSent += feed.body.length;
        record[3] = feed.body.length;
      }
    }
    stats.status[status] = (stats.status[status] ?? 0) + 1;
    record[1] = match ? Number(match[1]) : -1;
    record[2] = status;
  };

  for (let h = 0; h < hosts; h += 1) {
    const address = farmHostAddress(h);
    const server = http.createServer({ keepAliveTimeout: 60_000 }, handle(address));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    servers.push(server);
  }

  const start = Date.now() - itemsPerFeed * 3_600_000;
  for (let index = 0; index < options.feeds; index += 1) {
    const baseUrl = `http://${hostOf(index)}:${port}`;
    const items = Array.from({ length: itemsPerFeed }, (_, serial) =>
      makeItem(index, serial, baseUrl, new Date(start + serial * 3_600_000)),
    ).reverse();
    const feed: FeedState = {
      baseUrl,
      items,
      serial: itemsPerFeed,
      version: 0,
      body: Buffer.alloc(0),
      etag: '',
      lastModified: '',
    };
    rebuild(feed, index, new Date(start + itemsPerFeed * 3_600_000));
    feeds.push(feed);
  }

  function publish(feedIndex: number, overrides: Partial<Omit<FarmItem, 'publishedAt'>> = {}): FarmItem {
    const feed = feeds[feedIndex];
    if (!feed) throw new Error(`no feed ${feedIndex}`);
    const now = new Date();
    const item = { ...makeItem(feedIndex, feed.serial, feed.baseUrl, now), ...overrides, publishedAt: now };
    feed.serial += 1;
    feed.items = [item, ...feed.items].slice(0, itemsPerFeed);
    rebuild(feed, feedIndex, now);
    return item;
  }

  return {
    port,
    urls: feeds.map((feed, index) => `${feed.baseUrl}/feed/${index}.xml`),
    publish,
    publishAfterNextRequest(feedIndex, delayMs, maxWaitMs, overrides = {}) {
      if (!feeds[feedIndex]) return Promise.reject(new Error(`no feed ${feedIndex}`));
      return new Promise((resolve) => {
        let started = false;
        const start = (): void => {
          if (started) return;
          started = true;
          clearTimeout(fallback);
          setTimeout(() => resolve(publish(feedIndex, overrides)), delayMs);
        };
        const fallback = setTimeout(start, maxWaitMs);
        const waiting = afterNextRequest.get(feedIndex) ?? [];
        waiting.push(start);
        afterNextRequest.set(feedIndex, waiting);
      });
    },
    stats: () => ({ ...stats, status: { ...stats.status } }),
    timeline: () => timeline,
    resetStats() {
      stats = emptyStats();
      timeline = [];
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
