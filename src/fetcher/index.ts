import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { readBody } from './body.js';
import {
  bareIp,
  parseFeedUrl,
  resolveAllowed,
  systemResolver,
  type NetworkPolicy,
  type Resolver,
} from './network-policy.js';
import {
  cacheHints,
  isCloudflareChallenge,
  requestValidatorHeaders,
  validatorsFor200,
  validatorsFor304,
} from './response-headers.js';
import { FetchError, type Fetcher, type FetchRequest, type FetchResult } from './types.js';

export * from './types.js';
export { checkUrlAllowed, createNetworkPolicy } from './network-policy.js';
export type { NetworkPolicy, Resolver } from './network-policy.js';

export interface FetcherOptions {
  userAgent: string;
  networkPolicy: NetworkPolicy;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  maxBodyBytes?: number;
  maxRedirects?: number;
  /** DNS resolver; tests inject one to simulate a public name that resolves to a private address. */
  lookup?: Resolver;
}

// Feed types first; HTML last so a site URL still answers (the parser then reports the feeds it links to).
const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.3, */*;q=0.1';

const MiB = 1024 * 1024;
/** The cap on a body, decompressed; a pushed (WebSub) body has the same. */
export const DEFAULT_MAX_BODY_BYTES = 15 * MiB;

/**
 * Builds the `lookup` handed to every socket: the private-network decision is taken on the address actually
 * connected to, at connect time, for every hop, so DNS rebinding and redirects to internal names are refused.
 */
function guardedLookup(policy: NetworkPolicy, resolver: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, policy, resolver).then(
      (allowed) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const matching = family ? allowed.filter((entry) => entry.family === family) : allowed;
        if (matching.length === 0) {
          callback(new FetchError('dns', `${hostname} has no IPv${family} address`), '', 0);
        } else if (options.all) {
          (callback as unknown as (error: null, addresses: typeof matching) => void)(null, matching);
        } else {
          callback(null, matching[0]!.address, matching[0]!.family);
        }
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}

function toFetchError(error: unknown, timedOut: boolean, totalTimeoutMs: number, url: string): FetchError {
  if (timedOut) return new FetchError('timeout', `no complete answer within ${totalTimeoutMs / 1000} s`, { url });
  if (error instanceof FetchError)
    return error.details.url ? error : new FetchError(error.kind, error.message, { ...error.details, url });
  const err = error as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new FetchError('network', 'the request was cancelled', { url });
  return new FetchError('network', `${err?.code ?? 'network error'}: ${err?.message ?? String(error)}`, { url });
}

export function createFetcher(options: FetcherOptions): Fetcher {
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const totalTimeoutMs = options.totalTimeoutMs ?? 20_000;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxRedirects = options.maxRedirects ?? 5;
  const policy = options.networkPolicy;
  const lookup = guardedLookup(policy, options.lookup ?? systemResolver);
  // Shared keep-alive agents: a steady-state check then costs one request on an open socket.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
  };

  /** The request in flight for one fetch, so the total timeout can destroy it (cheaper than an AbortSignal per request). */
  interface Attempt {
    current?: http.ClientRequest;
    cancelled?: Error;
  }

  function send(url: URL, headers: Record<string, string>, attempt: Attempt, form?: string): Promise<IncomingMessage> {
    if (attempt.cancelled) return Promise.reject(attempt.cancelled);
    // Node skips `lookup` for IP literals, so those are checked here.
    const host = bareIp(url.hostname);
    if (isIP(host) && !policy.isAllowed(host)) {
      return Promise.reject(
        new FetchError(
          'blocked',
          `${host} is a private or reserved network address; set ALLOW_PRIVATE_NETWORKS to allow it`,
          { url: url.href },
        ),
      );
    }
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, {
        method: form === undefined ? 'GET' : 'POST',
        headers:
          form === undefined
            ? headers
            : {
                ...headers,
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': String(Buffer.byteLength(form)),
              },
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup,
      });
      attempt.current = req;
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () =>
            req.destroy(
              new FetchError('timeout', `could not connect within ${connectTimeoutMs / 1000} s`, { url: url.href }),
            ),
          connectTimeoutMs,
        );
        // Both listeners go once either fires: a kept-alive socket outlives this request, and a listener left on it
        // would keep the request, its response and the whole body alive for as long as the socket stays open.
        const settled = (): void => {
          clearTimeout(timer);
          socket.off('connect', settled);
          socket.off('close', settled);
        };
        socket.once('connect', settled);
        socket.once('close', settled);
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end(form);
    });
  }

  async function follow(request: FetchRequest, attempt: Attempt): Promise<FetchResult> {
    let url = parseFeedUrl(request.url);
    let redirects = 0;
    let allPermanent = true;
    const headers: Record<string, string> = {
      'user-agent': options.userAgent,
      accept: ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
      ...(request.unconditional ? {} : requestValidatorHeaders(request.validators)),
    };
    const form = request.form ? new URLSearchParams(request.form).toString() : undefined;
    for (;;) {
      const response = await send(url, headers, attempt, form);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && status !== 304 && location && form === undefined) {
        response.resume();
        redirects += 1;
        if (redirects > maxRedirects)
          throw new FetchError('too-many-redirects', `more than ${maxRedirects} redirects`, { url: request.url });
        allPermanent &&= status === 301 || status === 308;
        url = parseFeedUrl(new URL(location, url).href);
        continue;
      }
      const finalUrl = url.href;
      const cache = cacheHints(response.headers, Date.now());
      if (status === 304) {
        response.resume();
        return {
          kind: 'not-modified',
          finalUrl,
          validators: validatorsFor304(response.headers, request.validators),
          cache,
          bytes: 0,
        };
      }
      if (status >= 200 && status < 300) {
        const { body, wireBytes } = await readBody(response, maxBodyBytes, finalUrl);
        const contentType = response.headers['content-type'];
        const linkHeader = response.headers.link;
        const link = Array.isArray(linkHeader) ? linkHeader.join(', ') : linkHeader;
        return {
          kind: 'fetched',
          status,
          body,
          ...(contentType ? { contentType } : {}),
          finalUrl,
          permanentRedirect: redirects > 0 && allPermanent,
          validators: validatorsFor200(response.headers),
          cache,
          bytes: wireBytes,
          ...(link ? { link } : {}),
        };
      }
      throw await statusError(response, status, finalUrl, cache.retryAfterMs);
    }
  }

  async function statusError(
    response: IncomingMessage,
    status: number,
    url: string,
    retryAfterMs: number | undefined,
  ): Promise<FetchError> {
    // Only a little of an error page is needed to recognise a Cloudflare challenge.
    const start = await readBody(response, 256 * 1024, url).then(
      (read) => read.body.toString('utf8', 0, 64 * 1024),
      () => '',
    );
    if (isCloudflareChallenge(status, response.headers, start)) {
      return new FetchError('cloudflare', 'Cloudflare answered with a bot challenge instead of the feed', {
        status,
        url,
      });
    }
    const retry = retryAfterMs === undefined ? {} : { retryAfterMs };
    if (status === 429 || status === 503) {
      return new FetchError('rate-limited', `the server is rate limiting or unavailable (HTTP ${status})`, {
        status,
        url,
        ...retry,
      });
    }
    if (status === 410) return new FetchError('gone', 'the feed is gone (HTTP 410)', { status, url });
    return new FetchError('http', `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`, {
      status,
      url,
    });
  }

  return async function fetchFeed(request: FetchRequest): Promise<FetchResult> {
    const attempt: Attempt = {};
    let timedOut = false;
    const cancel = (reason: Error): void => {
      attempt.cancelled ??= reason;
      attempt.current?.destroy(reason);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      cancel(new FetchError('timeout', 'timed out'));
    }, totalTimeoutMs);
    const onAbort = (): void => cancel(new FetchError('network', 'the request was cancelled', { url: request.url }));
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await follow(request, attempt);
    } catch (error) {
      throw toFetchError(error, timedOut, totalTimeoutMs, request.url);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  };
}
