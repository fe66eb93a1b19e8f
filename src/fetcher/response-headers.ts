import type { IncomingHttpHeaders } from 'node:http';
import type { CacheHints, Validators } from './types.js';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

const NO_DIRECTIVES: ReadonlyMap<string, string> = new Map();

function cacheDirectives(headers: IncomingHttpHeaders): ReadonlyMap<string, string> {
  const value = header(headers, 'cache-control');
  // Most answers carry no Cache-Control: nothing to split, nothing to allocate (this runs twice per check).
  if (value === undefined) return NO_DIRECTIVES;
  const directives = new Map<string, string>();
  for (const part of value.split(',')) {
    const [name = '', value = ''] = part.split('=');
    if (name.trim()) directives.set(name.trim().toLowerCase(), value.trim().replace(/^"|"$/g, ''));
  }
  return directives;
}

/** Retry-After as ms from `now`: either delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function cacheHints(headers: IncomingHttpHeaders, now: number): CacheHints {
  const hints: CacheHints = {};
  const maxAge = cacheDirectives(headers).get('max-age');
  if (maxAge !== undefined && /^\d+$/.test(maxAge)) {
    const age = Number(header(headers, 'age') ?? '0');
    hints.maxAgeMs = Math.max(0, Number(maxAge) - (Number.isFinite(age) ? age : 0)) * 1000;
  } else {
    // max-age takes precedence over Expires (RFC 9111 §5.3), so Expires only counts without it.
    const expires = header(headers, 'expires');
    const at = expires === undefined ? NaN : Date.parse(expires);
    if (!Number.isNaN(at)) hints.expiresAt = new Date(at);
  }
  const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), now);
  if (retryAfterMs !== undefined) hints.retryAfterMs = retryAfterMs;
  return hints;
}

/** True when the response forbids keeping it: validators from it must not be stored. */
function forbidsStorage(headers: IncomingHttpHeaders): boolean {
  if (cacheDirectives(headers).has('no-store')) return true;
  const expires = header(headers, 'expires');
  return expires === '0' || expires === '-1';
}

function responseValidators(headers: IncomingHttpHeaders): Validators {
  const validators: Validators = {};
  const etag = header(headers, 'etag');
  const lastModified = header(headers, 'last-modified');
  if (etag !== undefined) validators.etag = etag;
  if (lastModified !== undefined) validators.lastModified = lastModified;
  return validators;
}

/** Validators to store after a 200: exactly what this response sent (verbatim), or undefined when it forbids storage. */
export function validatorsFor200(headers: IncomingHttpHeaders): Validators | undefined {
  return forbidsStorage(headers) ? undefined : responseValidators(headers);
}

/**
 * Validators to store after a 304: each validator the 304 carries replaces the old one, the others are kept.
 * Undefined (keep the old ones) when the 304 carries none.
 */
export function validatorsFor304(
  headers: IncomingHttpHeaders,
  previous: Validators | undefined,
): Validators | undefined {
  const fresh = responseValidators(headers);
  if (fresh.etag === undefined && fresh.lastModified === undefined) return undefined;
  if (forbidsStorage(headers)) return undefined;
  return { ...previous, ...fresh };
}

export function requestValidatorHeaders(validators: Validators | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

export function isCloudflareChallenge(status: number, headers: IncomingHttpHeaders, bodyStart: string): boolean {
  if (header(headers, 'cf-mitigated')?.toLowerCase() === 'challenge') return true;
  if (status !== 403 && status !== 503 && status !== 429) return false;
  const fromCloudflare =
    header(headers, 'server')?.toLowerCase() === 'cloudflare' || header(headers, 'cf-ray') !== undefined;
  return (
    fromCloudflare &&
    /challenge-platform|cf-chl-|<title>Just a moment\.\.\.<\/title>|Attention Required! \| Cloudflare/i.test(bodyStart)
  );
}
