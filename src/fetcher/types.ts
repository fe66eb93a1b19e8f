/** The fetch stage's boundary: what the pipeline asks for and what it gets back. */

export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** Freshness hints from the response, used by the scheduler. All optional. */
export interface CacheHints {
  /** Cache-Control max-age minus Age, in ms. */
  maxAgeMs?: number;
  /** Expires header, as a date. */
  expiresAt?: Date;
  /** Retry-After (seconds or HTTP date) converted to ms from now. */
  retryAfterMs?: number;
}

export interface FetchRequest {
  url: string;
  validators?: Validators;
  /** Skip If-None-Match/If-Modified-Since (the periodic forced refresh). */
  unconditional?: boolean;
  signal?: AbortSignal;
  /**
   * POSTed as application/x-www-form-urlencoded instead of a GET (a WebSub hub's subscribe request), with the same
   * address check, timeouts and size cap. Redirects are not followed for a form.
   */
  form?: Record<string, string>;
}

export type FetchResult =
  | {
      kind: 'not-modified';
      finalUrl: string;
      /** The validators to store now (a 304 may carry a new ETag); undefined means keep the old ones. */
      validators?: Validators;
      cache: CacheHints;
      bytes: number;
    }
  | {
      kind: 'fetched';
      status: number;
      body: Buffer;
      contentType?: string;
      finalUrl: string;
      /** True when every hop of the redirect chain was 301/308: the stored URL should become finalUrl. */
      permanentRedirect: boolean;
      /** Undefined when the response said no-store or Expires: 0: store no validators. */
      validators?: Validators;
      cache: CacheHints;
      bytes: number;
      /** The HTTP `Link` header, where a publisher may name its WebSub hub and topic. */
      link?: string;
    };

export type FetchErrorKind =
  | 'invalid-url'
  | 'blocked' // private/loopback/link-local address refused by ALLOW_PRIVATE_NETWORKS
  | 'dns'
  | 'network'
  | 'timeout'
  | 'too-large'
  | 'too-many-redirects'
  | 'http' // a non-2xx status other than 304
  | 'rate-limited' // 429 or 503 with or without Retry-After
  | 'gone' // 410
  | 'cloudflare'
  | 'decode'; // content-encoding could not be decoded

export class FetchError extends Error {
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; url?: string } = {},
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export type Fetcher = (request: FetchRequest) => Promise<FetchResult>;
