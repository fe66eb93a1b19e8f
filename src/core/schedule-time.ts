/**
 * Wall-clock time in an IANA time zone, with Intl only: what a digest's "daily 09:00" or a quiet window's
 * "22:00-07:00" means as an instant, across daylight-saving changes. All instants are epoch milliseconds.
 */

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's canonical name ('asia/karachi' → 'Asia/Karachi'), or undefined when Intl does not know it. */
export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The wall-clock time at `instant` in `timeZone`. */
export function localTime(instant: number, timeZone: string): LocalTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** How far the zone's clock is ahead of UTC at `instant`, in ms (Karachi: +5 h; London in summer: +1 h). */
function offsetAt(instant: number, timeZone: string): number {
  const t = localTime(instant, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant the zone's clocks show `local`. A time shown twice (clocks going back) is the first of the two; a
 * time never shown (clocks jumping forward over it) is taken as that much after the jump: 01:30 on the night
 * London goes from 01:00 to 02:00 is 02:30 summer time.
 */
export function instantOf(local: LocalTime, timeZone: string): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // The offsets in force half a day either side cover any one change of the zone's clock.
  const before = asUtc - offsetAt(asUtc - 43_200_000, timeZone);
  const after = asUtc - offsetAt(asUtc + 43_200_000, timeZone);
  const shows = (instant: number) => {
    const t = localTime(instant, timeZone);
    return t.hour === local.hour && t.minute === local.minute && t.day === local.day;
  };
  const matching = [before, after].filter(shows);
  return matching.length > 0 ? Math.min(...matching) : before;
}

/** The calendar day after `local`'s (month and year ends included). */
function nextDay(local: LocalTime): LocalTime {
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
  return { ...local, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** The first instant after `now` at which the zone's clocks show `hour:minute`. */
export function nextLocalTime(now: number, hour: number, minute: number, timeZone: string): number {
  let day: LocalTime = { ...localTime(now, timeZone), hour, minute };
  // Two days cover a time that today already passed; the third is for a day the zone skipped (Samoa, 2011).
  for (let attempt = 0; attempt < 3; attempt++) {
    const instant = instantOf(day, timeZone);
    if (instant > now) return instant;
    day = nextDay(day);
  }
  return instantOf(day, timeZone);
}

const QUARTER_HOUR = 900_000;

/**
 * The first instant after `now` at which the zone's clocks show a whole hour divisible by `hours` (1: every hour
 * on the hour; 6: 00:00, 06:00, 12:00, 18:00). Counted on the clock, so an hour shown twice when the clocks go
 * back is two boundaries, and an hourly digest stays hourly. Every zone's offset is a whole number of quarter
 * hours, so the quarter hours after `now` are the only candidates.
 */
export function nextHourBoundary(now: number, hours: number, timeZone: string): number {
  let candidate = Math.floor(now / QUARTER_HOUR) * QUARTER_HOUR + QUARTER_HOUR;
  // Four days of quarter hours: far more than 24 h plus any clock change.
  for (let step = 0; step < 4 * 96; step++, candidate += QUARTER_HOUR) {
    const t = localTime(candidate, timeZone);
    if (t.minute === 0 && t.hour % hours === 0) return candidate;
  }
  throw new Error(`no ${hours}-hour boundary in ${timeZone} after ${new Date(now).toISOString()}`);
}

/** Minutes since local midnight at `instant`. */
export function minuteOfDay(instant: number, timeZone: string): number {
  const t = localTime(instant, timeZone);
  return t.hour * 60 + t.minute;
}
