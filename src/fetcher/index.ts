import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { Agent } from 'undici';
import { Exchange } from './exchange.js';
import {
  bareIp,
  parseFeedUrl,
  resolveAllowed,
  systemResolver,
  type NetworkPolicy,
  type Resolver,
} from './network-policy.js';
import { cacheHints, isCloudflareChallenge, validatorsFor200, validatorsFor304 } from './response-headers.js';
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
  /**
   * Connections kept per host (PER_HOST_CONCURRENCY: no more requests run there at once). Default 1: then each host
   * has one connection and no pool, which at 2,500 hosts held 60 MB less (a pool keeps a 2,048-slot queue, and
   * opened a second connection while the first was still being handed back).
   */
  connectionsPerHost?: number;
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

function toFetchError(
  error: unknown,
  timedOut: boolean,
  timeouts: { totalMs: number; connectMs: number },
  url: string,
): FetchError {
  if (timedOut) return new FetchError('timeout', `no complete answer within ${timeouts.totalMs / 1000} s`, { url });
  if (error instanceof FetchError)
    return error.details.url ? error : new FetchError(error.kind, error.message, { ...error.details, url });
  const err = error as NodeJS.ErrnoException;
  if (err?.code === 'UND_ERR_CONNECT_TIMEOUT')
    return new FetchError('timeout', `could not connect within ${timeouts.connectMs / 1000} s`, { url });
  if (err?.name === 'AbortError' || err?.code === 'UND_ERR_ABORTED')
    return new FetchError('network', 'the request was cancelled', { url });
  // undici's name for a connection the server closed mid-answer; said as the system code explain.ts knows.
  if (err?.code === 'UND_ERR_SOCKET') return new FetchError('network', `ECONNRESET: ${err.message}`, { url });
  return new FetchError('network', `${err?.code ?? 'network error'}: ${err?.message ?? String(error)}`, { url });
}

/** A feed URL as the fetch loop needs it, parsed once: a feed is fetched from the same URL every check. */
interface Target {
  url: URL;
  origin: string;
  path: string;
  /** The host is an IP literal (not resolved): its address is checked before each request. */
  ipLiteral: string | undefined;
}

const TARGETS_KEPT = 20_000;

export function createFetcher(options: FetcherOptions): Fetcher {
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const totalTimeoutMs = options.totalTimeoutMs ?? 20_000;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxRedirects = options.maxRedirects ?? 5;
  const policy = options.networkPolicy;
  const lookup = guardedLookup(policy, options.lookup ?? systemResolver);
  const timeouts = { totalMs: totalTimeoutMs, connectMs: connectTimeoutMs };
  // undici's connection pool, one per origin: a steady-state check is one request on an open connection, with far
  // less work per request than node:http's agent. Every new connection (each hop of a redirect included) resolves
  // through the guarded lookup, so the address is checked when it is connected to; redirects are followed here.
  const agent = new Agent({
    connect: { lookup, timeout: connectTimeoutMs },
    // Feeds on one host are checked seconds apart: keep the connection for that (the server's own hint wins).
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    connections: Math.max(1, options.connectionsPerHost ?? 1),
  });

  /** One fetch's cancellation (total timeout, caller's signal), reaching the request under way. */
  interface Attempt {
    cancelled?: Error;
    exchange?: Exchange;
  }

  // Parsed feed URLs: a URL is parsed and checked (scheme, credentials) once, not on every check.
  const targets = new Map<string, Target>();
  function targetFor(href: string): Target {
    let target = targets.get(href);
    if (target === undefined) {
      const url = parseFeedUrl(href);
      const host = bareIp(url.hostname);
      target = {
        url,
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        ipLiteral: isIP(host) ? host : undefined,
      };
      if (targets.size >= TARGETS_KEPT) targets.clear();
      targets.set(href, target);
    }
    return target;
  }

  function send(target: Target, headers: Record<string, string>, attempt: Attempt, form?: string): Promise<Exchange> {
    if (attempt.cancelled) return Promise.reject(attempt.cancelled);
    // Node does not look IP literals up, so those are checked here.
    const host = target.ipLiteral;
    if (host !== undefined && !policy.isAllowed(host)) {
      return Promise.reject(
        new FetchError(
          'blocked',
          `${host} is a private or reserved network address; set ALLOW_PRIVATE_NETWORKS to allow it`,
          { url: target.url.href },
        ),
      );
    }
    const exchange = new Exchange();
    attempt.exchange = exchange;
    agent.dispatch(
      {
        origin: target.origin,
        path: target.path,
        method: form === undefined ? 'GET' : 'POST',
        headers:
          form === undefined
            ? headers
            : {
                ...headers,
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': String(Buffer.byteLength(form)),
              },
        ...(form === undefined ? {} : { body: form }),
        // The total timeout bounds the whole fetch; these only stop undici's own (longer) defaults from applying.
        headersTimeout: totalTimeoutMs,
        bodyTimeout: totalTimeoutMs,
      },
      exchange,
    );
    return exchange.answered;
  }

  async function follow(request: FetchRequest, attempt: Attempt): Promise<FetchResult> {
    let target = targetFor(request.url);
    let redirects = 0;
    let allPermanent = true;
    const headers: Record<string, string> = {
      'user-agent': options.userAgent,
      accept: ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
    };
    if (!request.unconditional) {
      const validators = request.validators;
      if (validators?.etag) headers['if-none-match'] = validators.etag;
      if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
    }
    const form = request.form ? new URLSearchParams(request.form).toString() : undefined;
    for (;;) {
      const response = await send(target, headers, attempt, form);
      const { status } = response;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && status !== 304 && location && form === undefined) {
        response.discard();
        redirects += 1;
        if (redirects > maxRedirects)
          throw new FetchError('too-many-redirects', `more than ${maxRedirects} redirects`, { url: request.url });
        allPermanent &&= status === 301 || status === 308;
        // Redirect targets are not cached: a chain of them would fill the cache with one-off URLs.
        const next = parseFeedUrl(new URL(location, target.url).href);
        const host = bareIp(next.hostname);
        target = {
          url: next,
          origin: next.origin,
          path: `${next.pathname}${next.search}`,
          ipLiteral: isIP(host) ? host : undefined,
        };
        continue;
      }
      const finalUrl = target.url.href;
      const cache = cacheHints(response.headers, Date.now());
      if (status === 304) {
        response.discard();
        return {
          kind: 'not-modified',
          finalUrl,
          validators: validatorsFor304(response.headers, request.validators),
          cache,
          bytes: 0,
        };
      }
      if (status >= 200 && status < 300) {
        const { body, wireBytes } = await response.readBody(maxBodyBytes, finalUrl);
        const contentType = response.headers['content-type'];
        const link = response.headers.link;
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
          ...(link ? { link: Array.isArray(link) ? link.join(', ') : link } : {}),
        };
      }
      throw await statusError(response, status, finalUrl, cache.retryAfterMs);
    }
  }

  async function statusError(
    response: Exchange,
    status: number,
    url: string,
    retryAfterMs: number | undefined,
  ): Promise<FetchError> {
    // Only a little of an error page is needed to recognise a Cloudflare challenge.
    const start = await response.readBody(256 * 1024, url).then(
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
    const reason = STATUS_CODES[status];
    return new FetchError('http', `HTTP ${status}${reason ? ` ${reason}` : ''}`, { status, url });
  }

  return async function fetchFeed(request: FetchRequest): Promise<FetchResult> {
    const attempt: Attempt = {};
    let timedOut = false;
    const cancel = (reason: Error): void => {
      if (attempt.cancelled) return;
      attempt.cancelled = reason;
      attempt.exchange?.abort(reason);
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
      throw toFetchError(attempt.cancelled && !timedOut ? attempt.cancelled : error, timedOut, timeouts, request.url);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  };
}
