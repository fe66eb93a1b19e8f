/**
 * The zone math behind digests and quiet hours, with fixed instants: London and New York across their
 * daylight-saving changes, Karachi (UTC+5 all year) and Kolkata (a half-hour offset).
 */
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  instantOf,
  localTime,
  nextHourBoundary,
  nextLocalTime,
} from '../../src/core/schedule-time.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('time zones', () => {
  it('knows IANA names, in their canonical spelling, and refuses others', () => {
    expect(canonicalTimeZone('Asia/Karachi')).toBe('Asia/Karachi');
    expect(canonicalTimeZone('asia/karachi')).toBe('Asia/Karachi');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
    expect(canonicalTimeZone('Europe/London; DROP TABLE')).toBeUndefined();
  });

  it('reads the wall clock in Karachi (UTC+5, no daylight saving)', () => {
    expect(localTime(at('2026-07-01T19:30:00Z'), 'Asia/Karachi')).toMatchObject({ day: 2, hour: 0, minute: 30 });
    expect(localTime(at('2026-01-01T19:30:00Z'), 'Asia/Karachi')).toMatchObject({ day: 2, hour: 0, minute: 30 });
  });
});

describe('daily times', () => {
  it('Karachi 09:00 is 04:00 UTC every day of the year', () => {
    expect(iso(nextLocalTime(at('2026-03-28T10:00:00Z'), 9, 0, 'Asia/Karachi'))).toBe('2026-03-29T04:00:00.000Z');
    expect(iso(nextLocalTime(at('2026-10-24T10:00:00Z'), 9, 0, 'Asia/Karachi'))).toBe('2026-10-25T04:00:00.000Z');
    // Before 09:00 local it is today's.
    expect(iso(nextLocalTime(at('2026-03-29T03:59:00Z'), 9, 0, 'Asia/Karachi'))).toBe('2026-03-29T04:00:00.000Z');
    // Exactly at 09:00 it is tomorrow's (the boundary just passed belongs to the digest going out now).
    expect(iso(nextLocalTime(at('2026-03-29T04:00:00Z'), 9, 0, 'Asia/Karachi'))).toBe('2026-03-30T04:00:00.000Z');
  });

  it('London 09:00 moves from 09:00 to 08:00 UTC when the clocks go forward, and back in October', () => {
    expect(iso(nextLocalTime(at('2026-03-27T10:00:00Z'), 9, 0, 'Europe/London'))).toBe('2026-03-28T09:00:00.000Z');
    expect(iso(nextLocalTime(at('2026-03-28T10:00:00Z'), 9, 0, 'Europe/London'))).toBe('2026-03-29T08:00:00.000Z');
    expect(iso(nextLocalTime(at('2026-10-24T10:00:00Z'), 9, 0, 'Europe/London'))).toBe('2026-10-25T09:00:00.000Z');
  });

  it('New York 09:00 is 14:00 UTC in winter and 13:00 UTC from its change on 8 March', () => {
    expect(iso(nextLocalTime(at('2026-03-07T15:00:00Z'), 9, 0, 'America/New_York'))).toBe('2026-03-08T13:00:00.000Z');
    expect(iso(nextLocalTime(at('2026-03-06T15:00:00Z'), 9, 0, 'America/New_York'))).toBe('2026-03-07T14:00:00.000Z');
  });

  it('a time the clocks jump over is taken as that much after the jump; a time shown twice, the first time', () => {
    // London 29 March 2026: 01:00 GMT becomes 02:00 BST, so 01:30 never shows; 02:30 BST is 01:30 UTC.
    const skipped = instantOf({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }, 'Europe/London');
    expect(iso(skipped)).toBe('2026-03-29T01:30:00.000Z');
    expect(localTime(skipped, 'Europe/London')).toMatchObject({ hour: 2, minute: 30 });
    // London 25 October 2026: 02:00 BST becomes 01:00 GMT, so 01:30 shows at 00:30 and at 01:30 UTC.
    const twice = instantOf({ year: 2026, month: 10, day: 25, hour: 1, minute: 30 }, 'Europe/London');
    expect(iso(twice)).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('hour boundaries', () => {
  it('hourly in Karachi is on the hour; every 6 h is at 00:00, 06:00, 12:00, 18:00 Karachi time', () => {
    expect(iso(nextHourBoundary(at('2026-05-01T10:20:00Z'), 1, 'Asia/Karachi'))).toBe('2026-05-01T11:00:00.000Z');
    expect(iso(nextHourBoundary(at('2026-05-01T10:20:00Z'), 6, 'Asia/Karachi'))).toBe('2026-05-01T13:00:00.000Z');
    expect(iso(nextHourBoundary(at('2026-05-01T13:00:00Z'), 6, 'Asia/Karachi'))).toBe('2026-05-01T19:00:00.000Z');
  });

  it('hourly in Kolkata (UTC+5:30) is on its own hour, at half past in UTC', () => {
    expect(iso(nextHourBoundary(at('2026-05-01T10:00:00Z'), 1, 'Asia/Kolkata'))).toBe('2026-05-01T10:30:00.000Z');
  });

  it('hourly in London stays hourly across both changes (an hour shown twice is two boundaries)', () => {
    const walk = (fromIso: string, count: number, hours = 1) => {
      const out: string[] = [];
      let t = at(fromIso);
      for (let i = 0; i < count; i++) out.push(iso((t = nextHourBoundary(t, hours, 'Europe/London'))));
      return out;
    };
    expect(walk('2026-03-28T23:30:00Z', 3)).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z', // 02:00 BST: 01:00 GMT never showed
      '2026-03-29T02:00:00.000Z',
    ]);
    expect(walk('2026-10-24T23:30:00Z', 3)).toEqual([
      '2026-10-25T00:00:00.000Z', // 01:00 BST
      '2026-10-25T01:00:00.000Z', // 01:00 GMT, the second time the clock shows 01:00
      '2026-10-25T02:00:00.000Z',
    ]);
    // Every 6 h: 00:00 BST, then 06:00 GMT (seven hours later on the long day).
    expect(walk('2026-10-24T22:30:00Z', 2, 6)).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T06:00:00.000Z']);
  });
});
