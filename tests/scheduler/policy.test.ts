import { describe, expect, it } from 'vitest';
import { DAY_MS, isDisablingFailure, nextCheckDelayMs, shouldForceRefresh } from '../../src/scheduler/policy.js';

const MIN = 60_000;
const base = { intervalMs: 10 * MIN, minIntervalMs: 5 * MIN, failures: 0, random: () => 0.5, now: 0 };

describe('nextCheckDelayMs', () => {
  it('uses the interval when no hint is longer', () => {
    expect(nextCheckDelayMs(base)).toBe(10 * MIN);
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

  it('adds at most ±10% jitter, never lengthening the plain poll interval', () => {
    expect(nextCheckDelayMs({ ...base, random: () => 0 })).toBe(9 * MIN);
    expect(nextCheckDelayMs({ ...base, random: () => 0.999999 })).toBe(10 * MIN);
    expect(nextCheckDelayMs({ ...base, ttlMinutes: 20, random: () => 0 })).toBe(18 * MIN);
    expect(nextCheckDelayMs({ ...base, ttlMinutes: 20, random: () => 0.999999 })).toBeCloseTo(22 * MIN, -2);
  });

  it('backs off exponentially after failures, capped at 24 h', () => {
    expect(nextCheckDelayMs({ ...base, failures: 1 })).toBe(20 * MIN);
    expect(nextCheckDelayMs({ ...base, failures: 3 })).toBe(80 * MIN);
    expect(nextCheckDelayMs({ ...base, failures: 40 })).toBe(DAY_MS);
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
    expect(isDisablingFailure({ error: { kind: 'gone', details: { status: 410 } }, lastSuccessAt: now, createdAt, now })).toBe(true);
  });
  it('disables after 30 days without a success, but never for rate limiting', () => {
    const old = new Date('2024-12-31T00:00:00Z');
    const recent = new Date('2025-01-15T00:00:00Z');
    expect(isDisablingFailure({ error: { kind: 'network' }, lastSuccessAt: old, createdAt, now })).toBe(true);
    expect(isDisablingFailure({ error: { kind: 'network' }, lastSuccessAt: recent, createdAt, now })).toBe(false);
    expect(isDisablingFailure({ error: { kind: 'rate-limited', details: { status: 429 } }, lastSuccessAt: old, createdAt, now })).toBe(false);
    expect(isDisablingFailure({ error: { kind: 'http', details: { status: 500 } }, createdAt, now })).toBe(true);
  });
});
