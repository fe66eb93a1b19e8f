/**
 * When a subscription's alerts are posted: at once (`instant`) or gathered into a digest at each period boundary
 * (`every`), with optional quiet hours in the subscription's time zone during which alerts are held until the
 * window ends (`quietMode: hold`) or posted without a notification (`silent`). Plain data, so the subscriptions
 * file, OPML and the store carry it alike; `parseSchedule` is the one validation of what users type.
 */
import { canonicalTimeZone, minuteOfDay, nextHourBoundary, nextLocalTime } from './schedule-time.js';

export type DeliveryMode = 'instant' | 'digest';
export type QuietMode = 'hold' | 'silent';

export interface DeliverySchedule {
  delivery: DeliveryMode;
  /** Digests only: `1h`, `2h`, `3h`, `4h`, `6h`, `8h`, `12h` (on the hour) or `daily HH:MM`. */
  every?: string;
  /** IANA zone for `every` and `quiet`; UTC when absent. */
  timeZone?: string;
  /** `HH:MM-HH:MM` on the zone's clock; may run past midnight (`22:00-07:00`). */
  quiet?: string;
  /** What happens to alerts in the quiet window: held until it ends (default) or posted silently. */
  quietMode?: QuietMode;
}

/** The fields as typed (chat options, the subscriptions file, OPML attributes); undefined = not given. */
export interface ScheduleInput {
  delivery?: string;
  every?: string;
  timeZone?: string;
  quiet?: string;
  quietMode?: string;
}

export const DEFAULT_DIGEST_EVERY = 'daily 09:00';
const HOURLY_PERIODS = [1, 2, 3, 4, 6, 8, 12];
/** Words that clear a setting when editing: `quiet:off`. */
const CLEARING = new Set(['off', 'none', 'no']);

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseClock(text: string): { hour: number; minute: number } | undefined {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : undefined;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

type Period = { kind: 'hours'; hours: number } | { kind: 'daily'; hour: number; minute: number };

function parseEvery(text: string): Parsed<{ text: string; period: Period }> {
  const value = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const hourly = /^(\d{1,2}) ?h$/.exec(value);
  if (hourly) {
    const hours = Number(hourly[1]);
    if (HOURLY_PERIODS.includes(hours))
      return { ok: true, value: { text: `${hours}h`, period: { kind: 'hours', hours } } };
    return {
      ok: false,
      error: `"every" of ${hours}h does not divide the day; use ${HOURLY_PERIODS.map((h) => `${h}h`).join(', ')} or "daily HH:MM"`,
    };
  }
  const daily = /^daily(?: (.+))?$/.exec(value);
  if (daily) {
    const clock = parseClock(daily[1] ?? '');
    if (!clock)
      return { ok: false, error: `"${text.trim()}" has no valid time: write it as "daily 09:00" (24-hour clock)` };
    return {
      ok: true,
      value: { text: `daily ${pad(clock.hour)}:${pad(clock.minute)}`, period: { kind: 'daily', ...clock } },
    };
  }
  return { ok: false, error: `"every" must be 1h, 6h (or 2h, 3h, 4h, 8h, 12h) or "daily HH:MM", not "${text.trim()}"` };
}

interface Window {
  start: number;
  end: number;
}

function parseQuiet(text: string): Parsed<{ text: string; window: Window }> {
  const match = /^\s*([^-\s]+)\s*-\s*([^-\s]+)\s*$/.exec(text);
  const start = match ? parseClock(match[1]!) : undefined;
  const end = match ? parseClock(match[2]!) : undefined;
  if (!start || !end)
    return { ok: false, error: `"quiet" must be a window "HH:MM-HH:MM" such as 22:00-07:00, not "${text.trim()}"` };
  const window = { start: start.hour * 60 + start.minute, end: end.hour * 60 + end.minute };
  if (window.start === window.end)
    return { ok: false, error: `"quiet" ${text.trim()} starts and ends at the same time` };
  const shown = `${pad(start.hour)}:${pad(start.minute)}-${pad(end.hour)}:${pad(end.minute)}`;
  return { ok: true, value: { text: shown, window } };
}

/**
 * Validates `input` over `previous` (an edit changes only what it names); `off`/`none` clears `every`, `quiet` or
 * `timeZone`. Answers the schedule, `undefined` for plain instant delivery (nothing to store), or a message that
 * says what is wrong: an unknown zone, a bad time, a bad window.
 */
export function parseSchedule(
  input: ScheduleInput,
  previous?: DeliverySchedule,
): { ok: true; schedule: DeliverySchedule | undefined } | { ok: false; error: string } {
  const given = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const cleared = (value: string | undefined) => value !== undefined && CLEARING.has(value.toLowerCase());
  const delivery = given(input.delivery)?.toLowerCase();
  const every = given(input.every);
  const timeZone = given(input.timeZone);
  const quiet = given(input.quiet);
  const quietMode = given(input.quietMode)?.toLowerCase();

  if (delivery !== undefined && delivery !== 'instant' && delivery !== 'digest')
    return { ok: false, error: `"delivery" must be instant or digest, not "${delivery}"` };
  if (delivery === 'instant' && every && !cleared(every))
    return { ok: false, error: '"every" sets how often a digest is posted; it needs delivery digest, not instant' };
  // Naming a period asks for a digest, clearing it goes back to instant; otherwise the mode stays as it was.
  let mode: DeliveryMode;
  if (delivery !== undefined) mode = delivery;
  else if (every !== undefined) mode = cleared(every) ? 'instant' : 'digest';
  else mode = previous?.delivery ?? 'instant';

  const schedule: DeliverySchedule = { delivery: mode };
  if (mode === 'digest') {
    const period = parseEvery(every && !cleared(every) ? every : (previous?.every ?? DEFAULT_DIGEST_EVERY));
    if (!period.ok) return period;
    schedule.every = period.value.text;
  }

  if (timeZone !== undefined && !cleared(timeZone)) {
    const zone = canonicalTimeZone(timeZone);
    if (!zone)
      return {
        ok: false,
        error: `"${timeZone}" is not a time zone Taza knows: use an IANA name such as Asia/Karachi, Europe/London or UTC`,
      };
    schedule.timeZone = zone;
  } else if (timeZone === undefined && previous?.timeZone) {
    schedule.timeZone = previous.timeZone;
  }

  const quietText = quiet !== undefined ? (cleared(quiet) ? undefined : quiet) : previous?.quiet;
  if (quietText !== undefined) {
    const window = parseQuiet(quietText);
    if (!window.ok) return window;
    schedule.quiet = window.value.text;
  }
  if (quietMode !== undefined && quietMode !== 'hold' && quietMode !== 'silent')
    return { ok: false, error: `"quietMode" must be hold or silent, not "${quietMode}"` };
  if (quietMode !== undefined && schedule.quiet === undefined)
    return { ok: false, error: '"quietMode" applies to quiet hours: give "quiet" too, e.g. 22:00-07:00' };
  const heldOrSilent = (quietMode as QuietMode | undefined) ?? previous?.quietMode;
  if (schedule.quiet !== undefined && heldOrSilent === 'silent') schedule.quietMode = 'silent';

  const plain = schedule.delivery === 'instant' && schedule.quiet === undefined;
  return { ok: true, schedule: plain ? undefined : schedule };
}

/** `digest every daily 09:00 · quiet 22:00-07:00 (held) · Asia/Karachi`, for lists and replies. */
export function describeSchedule(schedule: DeliverySchedule | undefined): string {
  if (!schedule) return 'instant';
  const parts = [schedule.delivery === 'digest' ? `digest every ${schedule.every ?? DEFAULT_DIGEST_EVERY}` : 'instant'];
  if (schedule.quiet)
    parts.push(`quiet ${schedule.quiet} (${schedule.quietMode === 'silent' ? 'sent silently' : 'held until it ends'})`);
  parts.push(schedule.timeZone ?? 'UTC');
  return parts.join(' · ');
}

/** What to do with an alert that arrives `now`: post it (silently, maybe), or hold it until `releaseAt`. */
export type DeliveryPlan =
  | { action: 'send'; silent?: boolean }
  | { action: 'hold'; releaseAt: number; kind: 'digest' | 'quiet'; silent?: boolean };

function zoneOf(schedule: DeliverySchedule): string {
  return schedule.timeZone ?? 'UTC';
}

function quietWindow(schedule: DeliverySchedule): Window | undefined {
  if (!schedule.quiet) return undefined;
  const parsed = parseQuiet(schedule.quiet);
  return parsed.ok ? parsed.value.window : undefined;
}

/** Whether the zone's clock at `instant` is inside the window (start included, end not). */
export function inQuietHours(schedule: DeliverySchedule, instant: number): boolean {
  const window = quietWindow(schedule);
  if (!window) return false;
  const minute = minuteOfDay(instant, zoneOf(schedule));
  return window.start < window.end
    ? minute >= window.start && minute < window.end
    : minute >= window.start || minute < window.end;
}

/** The end of the quiet window that `instant` is in: the next time the zone's clock shows its end. */
export function quietHoursEnd(schedule: DeliverySchedule, instant: number): number {
  const window = quietWindow(schedule)!;
  return nextLocalTime(instant, Math.floor(window.end / 60), window.end % 60, zoneOf(schedule));
}

/** The first digest boundary after `now`. */
export function nextDigestAt(schedule: DeliverySchedule, now: number): number {
  const parsed = parseEvery(schedule.every ?? DEFAULT_DIGEST_EVERY);
  const period: Period = parsed.ok ? parsed.value.period : { kind: 'daily', hour: 9, minute: 0 };
  return period.kind === 'hours'
    ? nextHourBoundary(now, period.hours, zoneOf(schedule))
    : nextLocalTime(now, period.hour, period.minute, zoneOf(schedule));
}

export function planDelivery(schedule: DeliverySchedule | undefined, now: number): DeliveryPlan {
  if (!schedule) return { action: 'send' };
  const silentQuiet = schedule.quietMode === 'silent';
  if (schedule.delivery === 'digest') {
    const boundary = nextDigestAt(schedule, now);
    if (!inQuietHours(schedule, boundary)) return { action: 'hold', releaseAt: boundary, kind: 'digest' };
    // A boundary inside quiet hours: the digest goes out silently then, or waits for the window's end.
    return silentQuiet
      ? { action: 'hold', releaseAt: boundary, kind: 'digest', silent: true }
      : { action: 'hold', releaseAt: quietHoursEnd(schedule, boundary), kind: 'digest' };
  }
  if (!inQuietHours(schedule, now)) return { action: 'send' };
  return silentQuiet
    ? { action: 'send', silent: true }
    : { action: 'hold', releaseAt: quietHoursEnd(schedule, now), kind: 'quiet' };
}
