/**
 * Hostile feeds: bodies a publisher (or an attacker) can serve that cost a feed reader far more than their size
 * suggests. Each feed is on a loopback host of its own and changes on every request (a new top item with a new
 * guid, a new ETag), so every check of it is a full fetch and parse. A body is a list of parts: the few that
 * change per request are small strings; the big ones are Buffers built once at start-up and streamed (as slices,
 * never copied) to every request, so the server holds one copy of each whatever the number of requests.
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const MiB = 1024 * 1024;

/** Taza's fetch cap (src/fetcher/index.ts: `maxBodyBytes ?? 15 * MiB`, refused when the body exceeds it). */
export const FETCH_CAP_BYTES = 15 * MiB;

/** The word the hostile items' titles (and texts) hold, as the ordinary publications do. */
const WORD = 'Quetzal';

/** Text made for the n-th request (1-based) of a feed. */
type Render = (request: number, now: Date) => string;

/** A part of a body: fixed bytes, or text made per request. */
type Part = Buffer | Render;

export interface HostileSpec {
  /** Path segment and key in stats: /hostile/<key>.xml */
  key: string;
  /** What the body is, for the report. */
  label: string;
  parts(baseUrl: string): Part[];
}

/** The tag in the title of the item a request brings: found again in a delivered message. */
export function hostileTag(key: string, request: number): string {
  return `hostile ${key} #${request}`;
}

function channelHead(key: string, baseUrl: string, title: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>${title}</title>
    <link>${baseUrl}/</link>
    <description>Hostile feed ${key} for the Taza benchmark</description>
    <language>en</language>
`;
}

/** The item that is new on every request: its guid and title carry the request number. */
function freshItemOpen(key: string, baseUrl: string, request: number, now: Date): string {
  const link = `${baseUrl}/story/${key}/${request}`;
  return `    <item>
      <title>${WORD} sighting reported near the dam, ${hostileTag(key, request)}</title>
      <link>${link}</link>
      <guid isPermaLink="false">${link}</guid>
      <pubDate>${now.toUTCString()}</pubDate>
`;
}

const CHANNEL_END = '  </channel>\n</rss>\n';

/** (a) One item whose description (CDATA) opens `depth` nested <div>s, never closed, with a sentence at the bottom. */
function deepHtml(key: string, depth: number): HostileSpec {
  return {
    key,
    label: `deep HTML: one item, ${depth.toLocaleString('en-US')} nested <div>s`,
    parts(baseUrl) {
      const nest = Buffer.from(`${'<div>'.repeat(depth)}<p>${WORD} seen at the bottom of the page.</p>`);
      return bodyOf(
        (request, now) =>
          `${channelHead(key, baseUrl, `Hostile: deep HTML ${key}`)}${freshItemOpen(key, baseUrl, request, now)}      <description><![CDATA[`,
        nest,
        `]]></description>\n    </item>\n${CHANNEL_END}`,
      );
    },
  };
}

/** (b) An ordinary new item, then `bytes` of unclosed nested <a> elements inside the channel. */
function deepXml(key: string, bytes: number): HostileSpec {
  return {
    key,
    label: `deep XML: ${(bytes / 1e6).toFixed(1)} MB of unclosed nested elements in the channel`,
    parts(baseUrl) {
      return bodyOf(
        (request, now) =>
          `${channelHead(key, baseUrl, 'Hostile: deep XML')}${freshItemOpen(key, baseUrl, request, now)}      <description>An ordinary item before the deep part.</description>\n    </item>\n`,
        Buffer.from('<a>'.repeat(Math.floor(bytes / 3))),
        `\n${CHANNEL_END}`,
      );
    },
  };
}

/** (c) `count` items: the new one, then count − 1 short ones (title and link) that stay the same. */
function manyItems(key: string, count: number): HostileSpec {
  return {
    key,
    label: `${count.toLocaleString('en-US')} items in one feed`,
    parts(baseUrl) {
      const rest: string[] = [];
      for (let i = count - 1; i >= 1; i -= 1)
        rest.push(`<item><title>Archive story ${i} from the wire</title><link>${baseUrl}/a/${i}</link></item>\n`);
      return bodyOf(
        (request, now) =>
          `${channelHead(key, baseUrl, 'Hostile: many items')}${freshItemOpen(key, baseUrl, request, now)}      <description>The newest of many.</description>\n    </item>\n`,
        Buffer.from(rest.join('')),
        CHANNEL_END,
      );
    },
  };
}

const PARAGRAPHS = [
  'Officials said on Tuesday that the decision followed weeks of consultation with industry groups, analysts and provincial governments.',
  'Further measures would be announced once the figures for the quarter are published, a spokesperson for the ministry added.',
  'Residents of the low-lying districts were moved to schools and community halls as the river rose through the night.',
  'The board met in the evening and agreed the new schedule, which takes effect from the first of next month.',
];

/**
 * (d) Ordinary-looking items (title, link, guid, date, an escaped-HTML description) whose descriptions are
 * ~512 KiB each, as many as fit in `totalBytes` (the last one's description cut to fit).
 */
function hugeDescriptions(key: string, totalBytes: number): HostileSpec {
  return {
    key,
    label: `${(totalBytes / MiB).toFixed(2)} MiB of ordinary items with ~512 KiB descriptions (cap ${FETCH_CAP_BYTES / MiB} MiB)`,
    parts(baseUrl) {
      const paragraphs: string[] = [];
      let size = 0;
      for (let i = 0; size < 512 * 1024; i += 1) {
        const paragraph = `&lt;p&gt;${PARAGRAPHS[i % PARAGRAPHS.length]} (${i})&lt;/p&gt;\n`;
        paragraphs.push(paragraph);
        size += Buffer.byteLength(paragraph);
      }
      const description = Buffer.from(paragraphs.join(''));
      const close = Buffer.from('</description>\n    </item>\n');
      const head = (request: number, now: Date) =>
        `${channelHead(key, baseUrl, 'Hostile: huge descriptions')}${freshItemOpen(key, baseUrl, request, now)}      <description>`;
      // The head's length moves by a few bytes with the request number: leave 1 KiB for it.
      const budget = totalBytes - Buffer.byteLength(head(1, new Date())) - 1024 - Buffer.byteLength(CHANNEL_END);
      const parts: Part[] = [head, description, close];
      let used = description.length + close.length;
      const start = Date.now() - 86_400_000;
      for (let i = 1; used < budget; i += 1) {
        const link = `${baseUrl}/story/${key}/old-${i}`;
        const open = Buffer.from(
          `    <item>\n      <title>${PARAGRAPHS[i % PARAGRAPHS.length]!.slice(0, 60)}</title>\n      <link>${link}</link>\n      <guid isPermaLink="false">${link}</guid>\n      <pubDate>${new Date(start - i * 3_600_000).toUTCString()}</pubDate>\n      <description>`,
        );
        const room = budget - used - open.length - close.length;
        if (room <= 0) break;
        // Cut before an entity, so the last description stays well-formed text.
        const body =
          room >= description.length ? description : description.subarray(0, description.lastIndexOf('&', room));
        parts.push(open, body, close);
        used += open.length + body.length + close.length;
      }
      parts.push(Buffer.from(CHANNEL_END));
      return parts;
    },
  };
}

/** Fixed strings become Buffers once, here. */
function bodyOf(...parts: Array<string | Buffer | Render>): Part[] {
  return parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part));
}

/** The section's hostile feeds: (a) deep HTML ×2, (b) deep XML, (c) many items, (d) just under the fetch cap. */
export const HOSTILE_SPECS: HostileSpec[] = [
  deepHtml('deep-html-200k', 200_000),
  deepHtml('deep-html-400k', 400_000),
  deepXml('deep-xml', 13_500_000),
  manyItems('items-100k', 100_000),
  hugeDescriptions('huge-15mib', FETCH_CAP_BYTES - 16 * 1024),
];

export interface HostileFeedStats {
  key: string;
  label: string;
  url: string;
  /** Body size of the latest response. */
  bytes: number;
  requests: number;
  /** Responses written to the end. */
  completed: number;
  /** Responses the client closed before the end (a fetch cap or timeout on its side). */
  aborted: number;
  bytesSent: number;
  /** ms epoch of each request's arrival. */
  requestTimes: number[];
}

export interface HostileFarm {
  port: number;
  feeds: Array<{ key: string; label: string; url: string }>;
  stats(): HostileFeedStats[];
  close(): Promise<void>;
}

/** Hosts 127.0.66.1, 127.0.66.2, … : away from the farm's 127.0.1.x upward. */
export function hostileHostAddress(n: number): string {
  return `127.0.66.${n + 1}`;
}

/** Writes the parts, 256 KiB slices at a time, waiting for the socket to drain; false when the client went away. */
async function stream(res: ServerResponse, chunks: Buffer[]): Promise<boolean> {
  const slice = 256 * 1024;
  for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.length; offset += slice) {
      if (res.destroyed) return false;
      if (!res.write(chunk.subarray(offset, offset + slice))) {
        const drained = await new Promise<boolean>((resolve) => {
          const onDrain = () => finish(true);
          const onClose = () => finish(false);
          const finish = (value: boolean) => {
            res.off('drain', onDrain);
            res.off('close', onClose);
            resolve(value);
          };
          res.once('drain', onDrain);
          res.once('close', onClose);
        });
        if (!drained) return false;
      }
    }
  }
  return true;
}

export async function startHostileFarm(specs: HostileSpec[] = HOSTILE_SPECS, port = 0): Promise<HostileFarm> {
  const servers: Server[] = [];
  const feeds: Array<{ spec: HostileSpec; parts: Part[]; url: string; stats: HostileFeedStats }> = [];
  for (let h = 0; h < specs.length; h += 1) {
    const spec = specs[h]!;
    const address = hostileHostAddress(h);
    const server = http.createServer({ keepAliveTimeout: 60_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    servers.push(server);
    const baseUrl = `http://${address}:${port}`;
    const url = `${baseUrl}/hostile/${spec.key}.xml`;
    const feed = {
      spec,
      parts: spec.parts(baseUrl),
      url,
      stats: {
        key: spec.key,
        label: spec.label,
        url,
        bytes: 0,
        requests: 0,
        completed: 0,
        aborted: 0,
        bytesSent: 0,
        requestTimes: [],
      } as HostileFeedStats,
    };
    feeds.push(feed);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.url !== `/hostile/${spec.key}.xml`) {
        res.writeHead(404).end();
        return;
      }
      const { stats } = feed;
      stats.requests += 1;
      stats.requestTimes.push(Date.now());
      const request = stats.requests;
      const now = new Date();
      const chunks = feed.parts.map((part) => (typeof part === 'function' ? Buffer.from(part(request, now)) : part));
      const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      stats.bytes = length;
      res.writeHead(200, {
        'content-type': 'application/rss+xml; charset=utf-8',
        'content-length': length,
        etag: `"${spec.key}-${request}"`,
        'last-modified': now.toUTCString(),
      });
      const before = req.socket.bytesWritten;
      res.once('finish', () => (stats.completed += 1));
      res.once('close', () => {
        stats.bytesSent += req.socket.bytesWritten - before;
        if (!res.writableFinished) stats.aborted += 1;
      });
      void stream(res, chunks).then((whole) => {
        if (whole) res.end();
      });
    });
  }
  return {
    port,
    feeds: feeds.map(({ spec, url }) => ({ key: spec.key, label: spec.label, url })),
    stats: () => feeds.map(({ stats }) => ({ ...stats, requestTimes: [...stats.requestTimes] })),
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      ).then(() => undefined),
  };
}
