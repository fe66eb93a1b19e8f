/**
 * The hub's callback, `/websub/<feed id>` on the HTTP server: GET is the verification of intent (the challenge
 * echoed only for a topic Taza asked for), POST a delivery. A delivery is taken only for a feed with a verified
 * subscription, within the per-topic rate and the fetcher's body cap, and passed on only when its HMAC signature
 * is right; an unsigned or wrongly signed body is answered 202 as the spec asks (so the hub does not retry it)
 * and dropped, with a log line.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../fetcher/body.js';
import type { Logger } from '../log/logger.js';
import { TopicRate } from './rate.js';
import { checkSignature } from './signature.js';
import { CALLBACK_PREFIX, type Subscriber } from './subscriber.js';

export interface CallbackOptions {
  subscriber: Subscriber;
  logger: Logger;
  /** The same cap as a fetched feed body (decompressed). */
  maxBodyBytes: number;
  /** Deliveries per topic: at once, and earned back per minute. */
  rate?: { burst: number; perMinute: number };
  /** A verified body: it goes through the feed check, as a polled one would. */
  deliver: (feedId: string, body: Buffer, contentType: string | undefined) => Promise<unknown>;
  now?: () => number;
}

export type CallbackHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createCallbackHandler(options: CallbackOptions): CallbackHandler {
  const { subscriber, logger } = options;
  const rate = new TopicRate(options.rate?.burst ?? 10, options.rate?.perMinute ?? 30);
  const now = options.now ?? Date.now;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://taza');
    const feedId = feedIdOf(url.pathname);
    if (feedId === undefined) return reply(req, res, 404, 'unknown topic');
    if (req.method === 'GET') {
      const challenge = await subscriber.verify(feedId, url.searchParams);
      return challenge === undefined ? reply(req, res, 404, 'unknown topic') : reply(req, res, 200, challenge);
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return reply(req, res, 405, 'GET or POST');
    }
    // From the store when instances share it: whichever instance the load balancer picked checks the HMAC with the
    // secret the subscribing instance gave the hub.
    const record = await subscriber.current(feedId);
    if (!record || !subscriber.isLiveRecord(record)) return reply(req, res, 404, 'unknown topic');
    const log = { feedId, hub: record.hub, topic: record.topic };
    if (!rate.take(record.topic, now())) {
      logger.warn({ event: 'websub.rate-limited', ...log }, 'too many deliveries for this topic; refused');
      res.setHeader('retry-after', '60');
      return reply(req, res, 429, 'too many deliveries');
    }
    let body: Buffer;
    try {
      ({ body } = await readBody(req, req.headers, options.maxBodyBytes, subscriber.callbackUrl(feedId)));
    } catch (error) {
      logger.warn({ event: 'websub.body-refused', ...log, err: error }, 'delivery body refused');
      return reply(req, res, 413, 'body refused');
    }
    const signature = checkSignature(record.secret, body, header(req, 'x-hub-signature'));
    if (signature !== 'valid') {
      logger.warn(
        { event: signature === 'unsigned' ? 'websub.unsigned' : 'websub.bad-signature', ...log, bytes: body.length },
        signature === 'unsigned' ? 'unsigned delivery dropped' : 'delivery with a wrong signature dropped',
      );
      return reply(req, res, 202, 'dropped');
    }
    reply(req, res, 202, 'accepted');
    logger.debug({ event: 'websub.delivery', ...log, bytes: body.length }, 'delivery accepted');
    try {
      await options.deliver(feedId, body, header(req, 'content-type'));
    } catch (error) {
      logger.error({ event: 'websub.delivery-failed', ...log, err: error }, 'pushed body could not be checked');
    }
  };
}

/** The feed id in `/websub/<id>`; undefined when the path is not one (a malformed %-escape, say). */
function feedIdOf(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname.slice(CALLBACK_PREFIX.length));
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.end();
  // Whatever of the body was not read is discarded, so the connection can be reused or closed cleanly.
  req.resume();
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text).toString(),
    'cache-control': 'no-store',
  });
  res.end(text);
}
