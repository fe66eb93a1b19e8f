/**
 * Fetches and parses a feed for a command, before anything is saved: the private-network rule first, then the
 * fetch, then the parse. A site's HTML page is followed to the feed it advertises with <link rel="alternate">.
 * Every failure becomes a UserError that says what the URL is instead (an HTML page, an image, a 404, a timeout).
 */
import type { FeedItem, ParsedFeed } from '../core/feed.js';
import { explainFetchError } from '../fetcher/explain.js';
import { checkUrlAllowed, FetchError } from '../fetcher/index.js';
import { ParseError } from '../parser/index.js';
import { readFeed } from '../pipeline/read-feed.js';
import { UserError } from '../replies/errors.js';
import { code } from '../replies/markup.js';
import type { SubscriptionServices } from './services.js';

export interface LoadedFeed {
  /** The feed's URL (the advertised feed when a site URL was given). */
  url: string;
  parsed: ParsedFeed;
  items: FeedItem[];
  /** The site URL the feed was found on, when one was given. */
  discoveredFrom?: string;
}

// Not application/octet-stream: some servers send real feeds with it.
const NOT_FEED_TYPES = /^(image|audio|video|font)\/|^application\/(pdf|zip|gzip|msword|vnd\.)/;

function fetchProblem(error: FetchError, url: string): UserError {
  const shown = code(url);
  switch (error.kind) {
    case 'invalid-url':
      return new UserError(`${shown}: ${error.message}.`);
    case 'blocked':
      return new UserError(
        `${shown} points to a private or local network address, which Taza does not fetch (the operator can allow it with ALLOW_PRIVATE_NETWORKS).`,
      );
    case 'dns':
      return new UserError(`${shown}: ${explainFetchError(error, url)}.`);
    case 'timeout':
      return new UserError(
        `${shown} did not answer in time (${error.message}). Try again later, or check the address.`,
      );
    case 'http':
      if (error.details.status === 404)
        return new UserError(`${shown} answered 404 Not Found: there is no feed at this address.`);
      if (error.details.status === 401 || error.details.status === 403) {
        return new UserError(
          `${shown} refused access (HTTP ${error.details.status}): the feed is private or blocks bots.`,
        );
      }
      return new UserError(`${shown}: ${explainFetchError(error, url)}.`);
    default:
      return new UserError(`${shown} could not be fetched: ${explainFetchError(error, url)}.`);
  }
}

/** What loading a feed needs: the fetcher and the private-network rule it is checked against first. */
export type FeedLoading = Pick<SubscriptionServices, 'fetcher' | 'networkPolicy' | 'resolver' | 'now' | 'reader'>;

async function fetchOnce(
  services: FeedLoading,
  url: string,
): Promise<{ body: Buffer; contentType?: string; finalUrl: string }> {
  try {
    await checkUrlAllowed(url, services.networkPolicy, services.resolver);
    const result = await services.fetcher({ url, unconditional: true });
    if (result.kind !== 'fetched')
      throw new UserError(`${code(url)} answered 304 Not Modified to a plain request; it cannot be read as a feed.`);
    return { body: result.body, contentType: result.contentType, finalUrl: result.finalUrl };
  } catch (error) {
    if (error instanceof FetchError) throw fetchProblem(error, url);
    throw error;
  }
}

function parseProblem(error: ParseError, url: string): UserError {
  const shown = code(url);
  switch (error.kind) {
    case 'html-page':
      return new UserError(
        `${shown} is a web page (HTML), not a feed, and the page does not link to a feed. Look for an RSS link on the site.`,
      );
    case 'empty':
      return new UserError(`${shown} answered with an empty page, not a feed.`);
    case 'too-complex':
      // The message starts "feed too complex: …"; it is a feed, just not one Taza will read.
      return new UserError(`${shown} cannot be read: ${error.message}.`);
    default:
      return new UserError(`${shown} is not a feed: ${error.message}.`);
  }
}

/**
 * The same services with every feed fetch scheduled by the poller's host limiter: for an import, whose hundreds of
 * URLs may all be on one host, so they are fetched at the pace polling keeps with that host, never in a burst.
 */
export function throughHostLimiter<T extends Pick<SubscriptionServices, 'fetcher' | 'limit'>>(services: T): T {
  return { ...services, fetcher: (request) => services.limit(request.url, () => services.fetcher(request)) };
}

/** Fetch, parse and identify; a site page is followed once to the first feed it advertises. */
export async function loadFeed(services: FeedLoading, url: string): Promise<LoadedFeed> {
  let current = url;
  let discoveredFrom: string | undefined;
  for (let hop = 0; ; hop++) {
    const { body, contentType, finalUrl } = await fetchOnce(services, current);
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (NOT_FEED_TYPES.test(type)) {
      const what = type.startsWith('image/')
        ? 'an image'
        : type.startsWith('audio/') || type.startsWith('video/')
          ? 'a media file'
          : 'a file';
      throw new UserError(`${code(current)} is ${what} (${type}), not a feed.`);
    }
    try {
      const { parsed, items } = await readFeed(body, contentType, {
        baseUrl: finalUrl,
        now: services.now(),
        reader: services.reader,
      });
      return {
        url: current,
        parsed,
        items,
        ...(discoveredFrom ? { discoveredFrom } : {}),
      };
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      const advertised =
        error.kind === 'html-page' ? error.feedLinks?.find((link) => /^https?:/i.test(link)) : undefined;
      if (advertised && hop === 0) {
        discoveredFrom = current;
        current = advertised;
        continue;
      }
      if (hop > 0)
        throw new UserError(
          `${code(discoveredFrom ?? url)} links to ${code(current)}, but that is not a feed either: ${error.message}.`,
        );
      throw parseProblem(error, current);
    }
  }
}
