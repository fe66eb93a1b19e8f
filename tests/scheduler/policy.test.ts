import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  isDisablingFailure,
  nextCheckDelayMs,
  shouldForceRefresh,
  shouldSpread,
} from '../../src/scheduler/policy.js';

const MIN = 60_000;
const base = { intervalMs: 10 * MIN, minIntervalMs: 5 * MIN, failures: 0, random: () => 0.5, now: 0 };

describe('nextCheckDelayMs', () => {
  it('uses the interval when no hint is longer', () => {
    expect(nextCheckDelayMs({ ...base, random: () => 0 })).toBe(10 * MIN);
  });

  it('honours the longest hint: ttl, max-age minus Age, Expires, Retry-After', () => {
    expect(nextCheckDelayMs({ ...base, ttlMinutes: 60 })).toBe(60 * MIN);
    expect(nextCheckDelayMs({ ...base, cache: { maxAgeMs: 30 * MIN } })).toBe(30 * MIN);
    expect(nextCheckDelayMs({ ...base, cache: { expiresAt: new Date(45 * MIN) } })).toBe(45 * MIN);
    expect(nextCheckDelayMs({ ...base, failures: 1, cache: { retryAfterMs: 2 * 60 * MIN } })).toBe(2 * 60 * MIN);
  });

  it('clamps to MIN_POLL_INTERVAL and 24 h', () => {
    expect(nextCheckDelayMs({ ...base, intervalMs: MIN })).toBe(5 * MIN);
    expect(nextCheckDelayMs({ ...base, cache: { retryAfterMs: 7 * DAY_MS } })).toBe(DAY_MS);
  });

  it('shortens the plain poll interval by up to 20% (never lengthens it); ±10% around a hint', () => {
    expect(nextCheckDelayMs({ ...base, random: () => 0 })).toBe(10 * MIN);
    expect(nextCheckDelayMs({ ...base, random: () => 0.5 })).toBe(9 * MIN);
    expect(nextCheckDelayMs({ ...base, random: () => 0.999999 })).toBeCloseTo(8 * MIN, -2);
    expect(nextCheckDelayMs({ ...base, ttlMinutes: 20, random: () => 0 })).toBe(18 * MIN);
    expect(nextCheckDelayMs({ ...base, ttlMinutes: 20, random: () => 0.999999 })).toBeCloseTo(22 * MIN, -2);
  });

  it('spreads a check over the whole interval when asked, never below MIN_POLL_INTERVAL', () => {
    expect(nextCheckDelayMs({ ...base, spread: true, random: () => 0.75 })).toBe(7.5 * MIN);
    expect(nextCheckDelayMs({ ...base, spread: true, random: () => 0.1 })).toBe(5 * MIN);
    expect(nextCheckDelayMs({ ...base, spread: true, random: () => 0.999999 })).toBeLessThanOrEqual(10 * MIN);
    // A server hint or a back-off governs: no spreading below it.
    expect(nextCheckDelayMs({ ...base, spread: true, ttlMinutes: 60, random: () => 0 })).toBe(54 * MIN);
    expect(nextCheckDelayMs({ ...base, spread: true, failures: 1, random: () => 0 })).toBe(18 * MIN);
  });

  it('backs off exponentially after failures, capped at 24 h', () => {
    expect(nextCheckDelayMs({ ...base, failures: 1 })).toBe(20 * MIN);
    expect(nextCheckDelayMs({ ...base, failures: 3 })).toBe(80 * MIN);
    expect(nextCheckDelayMs({ ...base, failures: 40 })).toBe(DAY_MS);
  });
});

describe('shouldSpread', () => {
  const due = new Date('2025-01-01T12:00:00Z');
  const at = (seconds: number) => new Date(due.getTime() + seconds * 1000);
  it('spreads after the first check of a feed, and after a check well behind its schedule', () => {
    expect(shouldSpread({ baselineTaken: false, dueAt: due, now: at(0), intervalMs: 10 * MIN })).toBe(true);
    expect(shouldSpread({ baselineTaken: true, dueAt: due, now: at(2), intervalMs: 10 * MIN })).toBe(false);
    expect(shouldSpread({ baselineTaken: true, dueAt: due, now: at(60), intervalMs: 10 * MIN })).toBe(false);
    expect(shouldSpread({ baselineTaken: true, dueAt: due, now: at(61), intervalMs: 10 * MIN })).toBe(true);
  });
});

describe('shouldForceRefresh', () => {
  it('forces an unconditional fetch every 12 hours', () => {
    const now = new Date('2025-01-01T12:00:00Z');
    expect(shouldForceRefresh(undefined, now)).toBe(true);
    expect(shouldForceRefresh(new Date('2025-01-01T01:00:00Z'), now)).toBe(false);
    expect(shouldForceRefresh(new Date('2025-01-01T00:00:00Z'), now)).toBe(true);
  });
});

describe('isDisablingFailure', () => {
  const now = new Date('2025-02-01T00:00:00Z');
  const createdAt = new Date('2024-01-01T00:00:00Z');
  it('disables on 410 at once', () => {
    expect(
      isDisablingFailure({ error: { kind: 'gone', details: { status: 410 } }, lastSuccessAt: now, createdAt, now }),
    ).toBe(true);
  });
  it('disables after 30 days without a success, but never for rate limiting', () => {
    const old = new Date('2024-12-31T00:00:00Z');
    const recent = new Date('2025-01-15T00:00:00Z');
    expect(isDisablingFailure({ error: { kind: 'network' }, lastSuccessAt: old, createdAt, now })).toBe(true);
    expect(isDisablingFailure({ error: { kind: 'network' }, lastSuccessAt: recent, createdAt, now })).toBe(false);
    expect(
      isDisablingFailure({
        error: { kind: 'rate-limited', details: { status: 429 } },
        lastSuccessAt: old,
        createdAt,
        now,
      }),
    ).toBe(false);
    expect(isDisablingFailure({ error: { kind: 'http', details: { status: 500 } }, createdAt, now })).toBe(true);
  });
});
