import type { CacheHints } from '../fetcher/types.js';

export const DAY_MS = 24 * 60 * 60_000;
/** Servers stuck answering 304 exist: one unconditional fetch this often. */
const FORCED_REFRESH_MS = 12 * 60 * 60_000;
/** A feed without a single success for this long is disabled. */
const DISABLE_AFTER_MS = 30 * DAY_MS;
/** Around a server's hint, and how late a check may run before its successor is spread (see shouldSpread). */
const JITTER = 0.1;
/**
 * How much sooner than POLL_INTERVAL a plain check may come. POLL_INTERVAL is the longest a feed goes
 * unchecked; checks come 0-20% sooner, at random, so feeds checked together drift apart, and the typical wait
 * for a new item's check (about half the mean interval: 45% of POLL_INTERVAL) stays under half of it.
 */
const INTERVAL_JITTER = 0.2;

export interface NextCheckInput {
  /** The feed's configured poll interval. */
  intervalMs: number;
  /** MIN_POLL_INTERVAL: no hint can make the bot poll faster than this. */
  minIntervalMs: number;
  /** RSS <ttl>. */
  ttlMinutes?: number;
  cache?: CacheHints;
  /** Consecutive failures so far (0 after a success). */
  failures: number;
  /** Source of jitter, [0, 1). */
  random?: () => number;
  /** For Expires; defaults to Date.now(). */
  now?: number;
  /** Place the next check at a random point of the interval (see shouldSpread). */
  spread?: boolean;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/**
 * Delay until the next check: the longest of the interval and every server hint (ttl, max-age minus Age,
 * Expires, Retry-After), clamped to [MIN_POLL_INTERVAL, 24 h], with jitter so feeds checked together drift apart:
 * up to 20% shorter than the plain poll interval (never longer), ±10% around a hint.
 * After failures the interval doubles each time (capped at 24 h), and Retry-After still wins when longer.
 */
export function nextCheckDelayMs(input: NextCheckInput): number {
  const now = input.now ?? Date.now();
  const cache = input.cache ?? {};
  const base =
    input.failures > 0 ? Math.min(input.intervalMs * 2 ** Math.min(input.failures, 30), DAY_MS) : input.intervalMs;
  const hints = [
    base,
    input.ttlMinutes !== undefined ? input.ttlMinutes * 60_000 : 0,
    cache.maxAgeMs ?? 0,
    cache.expiresAt ? cache.expiresAt.getTime() - now : 0,
    cache.retryAfterMs ?? 0,
  ];
  const longest = Math.max(...hints.filter(Number.isFinite));
  const delay = clamp(longest, input.minIntervalMs, DAY_MS);
  const random = input.random ?? Math.random;
  // When the plain poll interval governs, jitter only ever shortens it: an alert is never later than
  // POLL_INTERVAL. Server hints and back-off get ±10%.
  const governedByInterval = input.failures === 0 && longest <= input.intervalMs && delay === input.intervalMs;
  if (!governedByInterval) return Math.round(delay * (1 + JITTER * (2 * random() - 1)));
  return Math.max(input.minIntervalMs, Math.round(delay * (input.spread ? random() : 1 - INTERVAL_JITTER * random())));
}

/**
 * Whether the next check goes to a random point of the interval instead of one interval on: after a feed's first
 * check, or a check that ran well behind its schedule (start-up, a restart after downtime). Feeds checked together
 * would otherwise stay together cycle after cycle (±10% jitter moves them apart only slowly): load comes in
 * bursts, and every feed's wait for its next check is the same wait. Spread evenly, both are smooth; the cost is
 * one early check (a 304) per feed.
 */
export function shouldSpread(input: { baselineTaken: boolean; dueAt: Date; now: Date; intervalMs: number }): boolean {
  return !input.baselineTaken || input.now.getTime() - input.dueAt.getTime() > input.intervalMs * JITTER;
}

/** True when the next fetch must skip the validators (none unconditional yet, or the last one is 12 h old). */
export function shouldForceRefresh(lastUnconditionalAt: Date | undefined, now: Date): boolean {
  return lastUnconditionalAt === undefined || now.getTime() - lastUnconditionalAt.getTime() >= FORCED_REFRESH_MS;
}

/** Failures that are the server asking for patience (429, 503): they back off but never count toward disabling. */
export function countsTowardDisabling(error: { kind: string; details?: { status?: number } }): boolean {
  return error.kind !== 'rate-limited';
}

export interface DisableInput {
  /** The failure just seen: a FetchError kind and status, or a parse error kind. */
  error: { kind: string; details?: { status?: number } };
  /** Last successful fetch; undefined when the feed never succeeded. */
  lastSuccessAt?: Date;
  /** When the feed was added, for feeds that never succeeded. */
  createdAt: Date;
  now: Date;
}

/** A 410 Gone disables at once; otherwise 30 days without a success (rate limiting aside) disables. */
export function isDisablingFailure(input: DisableInput): boolean {
  if (input.error.kind === 'gone' || input.error.details?.status === 410) return true;
  if (!countsTowardDisabling(input.error)) return false;
  const since = (input.lastSuccessAt ?? input.createdAt).getTime();
  return input.now.getTime() - since >= DISABLE_AFTER_MS;
}
