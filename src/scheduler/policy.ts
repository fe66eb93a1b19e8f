import type { CacheHints } from '../fetcher/types.js';
import type { FeedRecord } from '../core/records.js';

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

/** The window of items a feed's publication rate is learnt from (Miniflux counts a week of entries too). */
const RATE_WINDOW_MS = 7 * DAY_MS;
/** Dates this far ahead are clock skew, not the future; further ones are ignored. */
const FUTURE_SLACK_MS = 60 * 60_000;

/**
 * The mean time between a feed's publications, from the dates of the items in its body: the items of the last
 * week over the time they span (the whole week when the body reaches further back, else back to the oldest).
 * A feed with dated items but none this week publishes less than weekly; undefined when no item has a date.
 */
export function publicationIntervalMs(items: ReadonlyArray<{ published?: Date }>, now: number): number | undefined {
  let dated = 0;
  let recent = 0;
  let oldestRecent = now;
  let newest = -Infinity;
  let reachesPastWindow = false;
  for (const { published } of items) {
    const at = published?.getTime();
    if (at === undefined || !Number.isFinite(at) || at > now + FUTURE_SLACK_MS) continue;
    dated++;
    newest = Math.max(newest, at);
    if (at < now - RATE_WINDOW_MS) reachesPastWindow = true;
    else {
      recent++;
      oldestRecent = Math.min(oldestRecent, at);
    }
  }
  if (dated === 0) return undefined;
  if (recent === 0) return Math.max(RATE_WINDOW_MS, now - newest);
  const span = reachesPastWindow ? RATE_WINDOW_MS : Math.max(now - oldestRecent, 60_000);
  return span / recent;
}

export type PublicationGrid = NonNullable<NonNullable<FeedRecord['publishing']>['grid']>;

/** A grid needs this many dated items of the window (three gaps) before it is believed. */
const GRID_MIN_ITEMS = 4;
/** How far a publication may be from its grid point: a share of the period, and at most this long. */
const GRID_SPREAD_SHARE = 0.05;
const GRID_MAX_SPREAD_MS = 5 * 60_000;
/** A grid finer than this is no schedule a check could follow (and MIN_POLL_INTERVAL would refuse it anyway). */
const GRID_MIN_PERIOD_MS = 60_000;

/**
 * Whether the feed publishes on a schedule (every period, at the same offset: on the hour, every day at 09:00, every
 * five minutes), from the dates of the last week's items: a grid (period and offset) fitted to them, on which every
 * item lies within a small spread. A feed that does not keep to one has none (a skipped publication is fine: the
 * others are still on the grid).
 */
export function publicationGrid(items: ReadonlyArray<{ published?: Date }>, now: number): PublicationGrid | undefined {
  const times = [
    ...new Set(
      items
        .map(({ published }) => published?.getTime())
        .filter(
          (at): at is number =>
            at !== undefined && Number.isFinite(at) && at <= now + FUTURE_SLACK_MS && at >= now - RATE_WINDOW_MS,
        ),
    ),
  ].sort((a, b) => a - b);
  if (times.length < GRID_MIN_ITEMS) return undefined;
  const gaps = times.slice(1).map((at, i) => at - times[i]!);
  const medianGap = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
  if (medianGap < GRID_MIN_PERIOD_MS) return undefined;
  // The grid that fits every item best (least squares over how many periods after the oldest each lies), not one
  // gap's length through the newest item: a minute's wobble in it would otherwise grow by a minute per period.
  const oldest = times[0]!;
  const periods = times.map((at) => Math.round((at - oldest) / medianGap));
  const count = times.length;
  const meanPeriods = periods.reduce((sum, k) => sum + k, 0) / count;
  const meanAt = times.reduce((sum, at) => sum + at, 0) / count;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < count; i++) {
    covariance += (periods[i]! - meanPeriods) * (times[i]! - meanAt);
    variance += (periods[i]! - meanPeriods) ** 2;
  }
  if (variance === 0) return undefined;
  const periodMs = Math.round(covariance / variance);
  const first = meanAt - meanPeriods * periodMs;
  const spreadMs = Math.round(Math.max(...times.map((at, i) => Math.abs(at - (first + periods[i]! * periodMs)))));
  if (spreadMs > Math.min(periodMs * GRID_SPREAD_SHARE, GRID_MAX_SPREAD_MS)) return undefined;
  // The grid's point of the newest item (not the item's own time, which may be off it by up to the spread).
  const anchor = Math.round(first + periods[count - 1]! * periodMs);
  return { periodMs, anchorAt: new Date(anchor).toISOString(), spreadMs };
}

/**
 * What a feed's rate becomes after a body was read: the new estimate, smoothed with the old one (a geometric mean,
 * so one odd body moves it halfway, not all the way), and the grid the body shows, if any.
 */
export function learnPublishing(
  previous: FeedRecord['publishing'],
  items: ReadonlyArray<{ published?: Date }>,
  now: number,
): FeedRecord['publishing'] {
  const estimate = publicationIntervalMs(items, now);
  if (estimate === undefined) return previous;
  const intervalMs = previous ? Math.sqrt(previous.intervalMs * estimate) : estimate;
  const grid = publicationGrid(items, now);
  return { intervalMs: Math.round(intervalMs), at: new Date(now).toISOString(), ...(grid ? { grid } : {}) };
}

/** How long after a predicted publication its check comes: the item's date may lead its appearance in the feed. */
const PREDICTION_SLACK_MS = 20_000;
/** A predicted publication not there at its check is looked for once more this many leads after it. */
const MISSED_RETRY_LEADS = 3;
/** A grid whose feed published nothing for this many periods is no longer followed (the publisher stopped). */
const GRID_STALE_PERIODS = 3;

/**
 * When a feed's next check is due once a check has set it (`nextCheckAt`): the same, or sooner, just after the
 * feed's next predicted publication. Only when the interval set it (a server's longer hint or a back-off is
 * honoured), and never sooner than MIN_POLL_INTERVAL after the check.
 */
export function alignedCheckAt(input: {
  lastCheckAt: number;
  nextCheckAt: number;
  intervalMs: number;
  minIntervalMs: number;
  predictedAt: number | undefined;
}): number {
  const { lastCheckAt, nextCheckAt, predictedAt } = input;
  if (predictedAt === undefined || nextCheckAt - lastCheckAt > input.intervalMs) return nextCheckAt;
  return Math.min(nextCheckAt, Math.max(predictedAt, lastCheckAt + input.minIntervalMs));
}

export interface PollScheduleOptions {
  strategy: 'fixed' | 'adaptive';
  /** POLL_INTERVAL: fixed polling's interval, an unlearnt feed's, and (by default) what sets the budget. */
  pollIntervalMs: number;
  minIntervalMs: number;
  /** MAX_POLL_INTERVAL: the longest a quiet feed goes unchecked. */
  maxIntervalMs: number;
  /** POLL_BUDGET: feed requests per minute in all; 0 = what fixed polling of every feed at POLL_INTERVAL makes. */
  budgetPerMinute: number;
  feeds: () => Iterable<FeedRecord>;
  /** Feeds a hub pushes, polled at pushedIntervalMs only: their requests come off the budget first. */
  isPushed?: (feedId: string) => boolean;
  pushedIntervalMs?: number;
  now?: () => number;
}

/** How long the budget's constant is kept before it is worked out again over every feed. */
const RESOLVE_EVERY_MS = 60_000;

/**
 * Adaptive polling: each feed is checked at an interval proportional to the square root of its publication
 * interval, the allocation that minimizes the mean publish → check wait over all items for a given number of
 * requests (an item's wait is half its feed's interval; a feed publishing λ items per unit of time at interval T
 * costs λT/2 of waiting and 1/T requests: the Lagrangian gives T ∝ 1/√λ). The constant is chosen so the feeds'
 * requests add up to the budget, with every interval within [MIN_POLL_INTERVAL, MAX_POLL_INTERVAL]; a feed not
 * learnt yet keeps POLL_INTERVAL. A feed silent for longer than its learnt interval counts as publishing that
 * rarely (the time since its body last changed), so a feed that went quiet slows down without a new body.
 * Server hints and per-host limits still apply on top (nextCheckDelayMs, the host limiter).
 */
export class PollSchedule {
  private scale = 0;
  private resolvedAt = -Infinity;
  private readonly now: () => number;

  constructor(private readonly options: PollScheduleOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Just after the feed's next predicted publication (after `now`), for a feed that keeps a schedule; undefined
   * otherwise, with fixed polling, and for a feed a hub pushes.
   */
  predictedCheckAt(feed: FeedRecord): number | undefined {
    const grid = this.gridOf(feed);
    if (!grid) return undefined;
    const now = this.now();
    const anchor = Date.parse(grid.anchorAt);
    if (now - anchor > GRID_STALE_PERIODS * grid.periodMs) return undefined;
    // Twice the spread seen: a few items show less of it than the publisher has.
    const lead = 2 * grid.spreadMs + PREDICTION_SLACK_MS;
    const periods = Math.max(1, Math.floor((now - lead - anchor) / grid.periodMs) + 1);
    // The last predicted publication has not come (the grid would have moved on to it): one more look a little
    // later, for a publisher later than the spread seen, before waiting for the next one.
    const missed = anchor + (periods - 1) * grid.periodMs;
    if (periods > 1 && now < missed + MISSED_RETRY_LEADS * lead) return missed + MISSED_RETRY_LEADS * lead;
    return anchor + periods * grid.periodMs + lead;
  }

  private gridOf(feed: FeedRecord): PublicationGrid | undefined {
    const { options } = this;
    if (options.strategy === 'fixed' || feed.disabled || !feed.publishing?.grid) return undefined;
    if (options.pushedIntervalMs !== undefined && options.isPushed?.(feed.id)) return undefined;
    return feed.publishing.grid;
  }

  intervalFor(feed: FeedRecord): number {
    const { options } = this;
    if (options.strategy === 'fixed') return options.pollIntervalMs;
    const publishing = this.publishingOf(feed, this.now());
    if (publishing === undefined) return options.pollIntervalMs;
    if (this.now() - this.resolvedAt >= RESOLVE_EVERY_MS) this.resolve();
    return this.clampInterval(this.scale * Math.sqrt(publishing));
  }

  /** Forgets the constant, so the next interval asked for works it out again (feeds added or removed). */
  invalidate(): void {
    this.resolvedAt = -Infinity;
  }

  private publishingOf(feed: FeedRecord, now: number): number | undefined {
    if (!feed.publishing) return undefined;
    return Math.max(feed.publishing.intervalMs, now - Date.parse(feed.publishing.at));
  }

  private clampInterval(ms: number): number {
    return Math.round(clamp(ms, this.options.minIntervalMs, this.options.maxIntervalMs));
  }

  /** Finds the constant by bisection (in log space) on the requests per ms it makes, which fall as it grows. */
  private resolve(): void {
    const { options } = this;
    const now = this.now();
    this.resolvedAt = now;
    const roots: number[] = [];
    let active = 0;
    let fixedRate = 0;
    for (const feed of options.feeds()) {
      if (feed.disabled) continue;
      active++;
      if (options.pushedIntervalMs !== undefined && options.isPushed?.(feed.id)) {
        fixedRate += 1 / options.pushedIntervalMs;
        continue;
      }
      // A feed on a schedule is checked after each publication it predicts, on top of its interval.
      const grid = this.gridOf(feed);
      if (grid && now - Date.parse(grid.anchorAt) <= GRID_STALE_PERIODS * grid.periodMs) fixedRate += 1 / grid.periodMs;
      const publishing = this.publishingOf(feed, now);
      if (publishing === undefined) fixedRate += 1 / options.pollIntervalMs;
      else roots.push(Math.sqrt(publishing));
    }
    const budget = options.budgetPerMinute > 0 ? options.budgetPerMinute / 60_000 : active / options.pollIntervalMs;
    const left = budget - fixedRate;
    const rateAt = (scale: number) => roots.reduce((sum, root) => sum + 1 / this.clampInterval(scale * root), 0);
    if (roots.length === 0) return;
    let low = Math.log(options.minIntervalMs / Math.max(...roots));
    let high = Math.log(options.maxIntervalMs / Math.min(...roots));
    if (left <= rateAt(Math.exp(high))) {
      this.scale = Math.exp(high);
      return;
    }
    for (let step = 0; step < 40; step++) {
      const middle = (low + high) / 2;
      if (rateAt(Math.exp(middle)) > left) low = middle;
      else high = middle;
    }
    this.scale = Math.exp(high);
  }
}
