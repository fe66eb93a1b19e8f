/** What users type for digests and quiet hours, validated with clear messages, and what each alert's plan is. */
import { describe, expect, it } from 'vitest';
import {
  describeSchedule,
  inQuietHours,
  parseSchedule,
  planDelivery,
  quietHoursEnd,
  type DeliverySchedule,
} from '../../src/core/delivery-schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function schedule(
  input: Parameters<typeof parseSchedule>[0],
  previous?: DeliverySchedule,
): DeliverySchedule | undefined {
  const parsed = parseSchedule(input, previous);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.schedule;
}

function error(input: Parameters<typeof parseSchedule>[0], previous?: DeliverySchedule): string {
  const parsed = parseSchedule(input, previous);
  if (parsed.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parsed.schedule)}`);
  return parsed.error;
}

describe('parseSchedule', () => {
  it('reads digests, periods, zones and quiet windows, in their canonical spelling', () => {
    expect(schedule({ delivery: 'digest', every: 'Daily 9:00', timeZone: 'asia/karachi' })).toEqual({
      delivery: 'digest',
      every: 'daily 09:00',
      timeZone: 'Asia/Karachi',
    });
    expect(schedule({ every: '6h' })).toEqual({ delivery: 'digest', every: '6h' });
    expect(schedule({ delivery: 'digest' })).toEqual({ delivery: 'digest', every: 'daily 09:00' });
    expect(schedule({ quiet: '22:00 - 7:00', quietMode: 'silent', timeZone: 'Europe/London' })).toEqual({
      delivery: 'instant',
      quiet: '22:00-07:00',
      quietMode: 'silent',
      timeZone: 'Europe/London',
    });
    // Plain instant delivery is nothing to store.
    expect(schedule({ delivery: 'instant' })).toBeUndefined();
    expect(schedule({})).toBeUndefined();
  });

  it('refuses an unknown zone, a bad time, a bad window, and settings that do not go together', () => {
    expect(error({ timeZone: 'Asia/Lahore', quiet: '22:00-07:00' })).toMatch(
      /"Asia\/Lahore" is not a time zone.*Asia\/Karachi/,
    );
    expect(error({ every: 'daily 25:00' })).toMatch(/no valid time.*daily 09:00/);
    expect(error({ every: 'daily' })).toMatch(/no valid time/);
    expect(error({ every: '5h' })).toMatch(/5h does not divide the day/);
    expect(error({ every: 'weekly' })).toMatch(/"every" must be 1h, 6h/);
    expect(error({ quiet: '22:00' })).toMatch(/"quiet" must be a window "HH:MM-HH:MM"/);
    expect(error({ quiet: '22:00-24:00' })).toMatch(/"quiet" must be a window/);
    expect(error({ quiet: '07:00-07:00' })).toMatch(/starts and ends at the same time/);
    expect(error({ quietMode: 'silent' })).toMatch(/"quietMode" applies to quiet hours/);
    expect(error({ quiet: '22:00-07:00', quietMode: 'loud' })).toMatch(/"quietMode" must be hold or silent/);
    expect(error({ delivery: 'weekly' })).toMatch(/"delivery" must be instant or digest/);
    expect(error({ delivery: 'instant', every: '1h' })).toMatch(/needs delivery digest/);
  });

  it('an edit changes only what it names; off clears a setting', () => {
    const before = schedule({ every: '1h', timeZone: 'Asia/Karachi', quiet: '22:00-07:00', quietMode: 'silent' })!;
    expect(schedule({ every: 'daily 08:30' }, before)).toEqual({ ...before, every: 'daily 08:30' });
    expect(schedule({ quiet: 'off' }, before)).toEqual({ delivery: 'digest', every: '1h', timeZone: 'Asia/Karachi' });
    expect(schedule({ delivery: 'instant' }, before)).toEqual({
      delivery: 'instant',
      timeZone: 'Asia/Karachi',
      quiet: '22:00-07:00',
      quietMode: 'silent',
    });
    expect(schedule({ every: 'off', quiet: 'off' }, before)).toBeUndefined();
    expect(describeSchedule(before)).toBe('digest every 1h · quiet 22:00-07:00 (sent silently) · Asia/Karachi');
    expect(describeSchedule(undefined)).toBe('instant');
  });
});

describe('quiet hours', () => {
  const karachi = schedule({ quiet: '22:00-07:00', timeZone: 'Asia/Karachi' })!;

  it('a window past midnight in Karachi: 22:00 in, 06:59 in, 07:00 out; it ends at 07:00 Karachi (02:00 UTC)', () => {
    expect(inQuietHours(karachi, at('2026-05-01T16:59:00Z'))).toBe(false); // 21:59
    expect(inQuietHours(karachi, at('2026-05-01T17:00:00Z'))).toBe(true); // 22:00
    expect(inQuietHours(karachi, at('2026-05-02T01:59:00Z'))).toBe(true); // 06:59
    expect(inQuietHours(karachi, at('2026-05-02T02:00:00Z'))).toBe(false); // 07:00
    expect(iso(quietHoursEnd(karachi, at('2026-05-01T17:30:00Z')))).toBe('2026-05-02T02:00:00.000Z');
    expect(iso(quietHoursEnd(karachi, at('2026-05-02T01:00:00Z')))).toBe('2026-05-02T02:00:00.000Z');
  });

  it('in London the night the clocks go forward is an hour shorter: 22:00 GMT to 07:00 BST', () => {
    const london = schedule({ quiet: '22:00-07:00', timeZone: 'Europe/London' })!;
    expect(inQuietHours(london, at('2026-03-28T22:30:00Z'))).toBe(true);
    expect(iso(quietHoursEnd(london, at('2026-03-28T22:30:00Z')))).toBe('2026-03-29T06:00:00.000Z');
    expect(inQuietHours(london, at('2026-03-29T05:59:00Z'))).toBe(true);
    expect(inQuietHours(london, at('2026-03-29T06:00:00Z'))).toBe(false);
  });
});

describe('planDelivery', () => {
  it('instant: sent at once, outside quiet hours and without a schedule', () => {
    expect(planDelivery(undefined, at('2026-05-01T12:00:00Z'))).toEqual({ action: 'send' });
    const quiet = schedule({ quiet: '22:00-07:00', timeZone: 'Asia/Karachi' });
    expect(planDelivery(quiet, at('2026-05-01T12:00:00Z'))).toEqual({ action: 'send' });
  });

  it('instant in quiet hours: held until the window ends, or sent silently', () => {
    const hold = schedule({ quiet: '22:00-07:00', timeZone: 'Asia/Karachi' });
    expect(planDelivery(hold, at('2026-05-01T18:00:00Z'))).toEqual({
      action: 'hold',
      releaseAt: at('2026-05-02T02:00:00Z'),
      kind: 'quiet',
    });
    const silent = schedule({ quiet: '22:00-07:00', quietMode: 'silent', timeZone: 'Asia/Karachi' });
    expect(planDelivery(silent, at('2026-05-01T18:00:00Z'))).toEqual({ action: 'send', silent: true });
  });

  it('a digest is held until the next boundary; one inside quiet hours waits for its end, or goes silently', () => {
    const hourly = schedule({ every: '1h', timeZone: 'Asia/Karachi' });
    expect(planDelivery(hourly, at('2026-05-01T10:20:00Z'))).toEqual({
      action: 'hold',
      releaseAt: at('2026-05-01T11:00:00Z'),
      kind: 'digest',
    });
    const hourlyQuiet = schedule({ every: '1h', quiet: '22:00-07:00', timeZone: 'Asia/Karachi' });
    // 22:20 Karachi: the 23:00 boundary is quiet, so every hour of the night goes out as one digest at 07:00.
    expect(planDelivery(hourlyQuiet, at('2026-05-01T17:20:00Z'))).toEqual({
      action: 'hold',
      releaseAt: at('2026-05-02T02:00:00Z'),
      kind: 'digest',
    });
    expect(planDelivery(hourlyQuiet, at('2026-05-02T00:20:00Z'))).toMatchObject({
      releaseAt: at('2026-05-02T02:00:00Z'),
    });
    const silent = schedule({ every: '1h', quiet: '22:00-07:00', quietMode: 'silent', timeZone: 'Asia/Karachi' });
    expect(planDelivery(silent, at('2026-05-01T17:20:00Z'))).toEqual({
      action: 'hold',
      releaseAt: at('2026-05-01T18:00:00Z'),
      kind: 'digest',
      silent: true,
    });
  });

  it('a daily London digest across the change: the boundary is 09:00 on the clock, whichever offset', () => {
    const daily = schedule({ every: 'daily 09:00', timeZone: 'Europe/London' });
    expect(planDelivery(daily, at('2026-03-28T12:00:00Z'))).toMatchObject({ releaseAt: at('2026-03-29T08:00:00Z') });
    expect(planDelivery(daily, at('2026-10-24T12:00:00Z'))).toMatchObject({ releaseAt: at('2026-10-25T09:00:00Z') });
  });
});
