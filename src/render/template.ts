/**
 * Alert templates: the admin's message text with placeholders filled from the item.
 *
 * `{title} {link} {summary} {terms} {feed} {published} {author} {categories}`, each optionally limited in length
 * (`{summary:300}`, in characters, cut after a whole sentence or word), and `{published:Asia/Karachi}` for the date
 * in a time zone. `{{` and `}}` are literal braces.
 *
 * Safety: the whole message, the admin's own words included, goes through the platform's one escaper, so neither
 * the template nor the feed can produce a ping, a link in disguise or live markup; a template is plain text and shows
 * as typed. Right-to-left values keep the same isolation marks as the default layout (bidi.ts).
 */
import type { Alert } from '../core/alert.js';
import { detectDirection } from '../summarizer/direction.js';
import { truncateAtWord } from '../summarizer/segments.js';
import { isolateInline, withDirection } from './bidi.js';
import { displayTitle, type Fitter, fitSentences, fitWords, oneLine, readableTime, safeLink } from './common.js';

export const PLACEHOLDERS = ['title', 'link', 'summary', 'terms', 'feed', 'published', 'author', 'categories'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Long enough for any message layout; short enough that every value still has room within a 1024-character caption. */
export const MAX_TEMPLATE_CHARS = 600;
const MAX_PLACEHOLDERS = 20;
const MAX_VALUE_LIMIT = 4000;

export type TemplatePart =
  { kind: 'text'; text: string } | { kind: 'value'; name: Placeholder; limit?: number; timeZone?: string };

export type TemplateParse = { ok: true; parts: TemplatePart[] } | { ok: false; error: string };

const PLACEHOLDER_LIST = PLACEHOLDERS.map((name) => `{${name}}`).join(' ');

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function readPlaceholder(inner: string): TemplatePart | string {
  const [rawName = '', ...rest] = inner.split(':');
  const name = rawName.trim().toLowerCase();
  const modifier = rest.join(':').trim();
  if (!(PLACEHOLDERS as readonly string[]).includes(name))
    return `{${inner}} is not a placeholder. Use ${PLACEHOLDER_LIST}`;
  const placeholder = name as Placeholder;
  if (rest.length === 0) return { kind: 'value', name: placeholder };
  if (/^\d+$/.test(modifier)) {
    const limit = Number(modifier);
    if (limit < 1 || limit > MAX_VALUE_LIMIT)
      return `{${inner}}: a length limit is a number of characters from 1 to ${MAX_VALUE_LIMIT}`;
    return { kind: 'value', name: placeholder, limit };
  }
  if (placeholder === 'published') {
    if (!validTimeZone(modifier))
      return `{${inner}}: "${modifier}" is not a time zone (use a name such as Asia/Karachi, Europe/London or UTC)`;
    return { kind: 'value', name: placeholder, timeZone: modifier };
  }
  return `{${inner}}: after the colon comes a length limit, e.g. {${name}:300}${name === 'title' ? '' : ' (a time zone only for {published})'}`;
}

/** Reads a template; an unknown placeholder, a bad limit or zone, or a stray brace is an error that says which. */
export function parseTemplate(text: string): TemplateParse {
  if ([...text].length > MAX_TEMPLATE_CHARS)
    return { ok: false, error: `a template is at most ${MAX_TEMPLATE_CHARS} characters` };
  const parts: TemplatePart[] = [];
  let literal = '';
  let values = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if ((char === '{' || char === '}') && text[index + 1] === char) {
      literal += char;
      index++;
      continue;
    }
    if (char === '}') return { ok: false, error: 'a "}" closes no placeholder (write }} for a literal brace)' };
    if (char !== '{') {
      literal += char;
      continue;
    }
    const end = text.indexOf('}', index);
    const inner = end === -1 ? '' : text.slice(index + 1, end);
    if (end === -1 || inner.includes('{'))
      return { ok: false, error: 'a "{" is not closed (write {{ for a literal brace)' };
    const part = readPlaceholder(inner);
    if (typeof part === 'string') return { ok: false, error: part };
    if (++values > MAX_PLACEHOLDERS)
      return { ok: false, error: `a template has at most ${MAX_PLACEHOLDERS} placeholders` };
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
    parts.push(part);
    index = end;
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  if (!parts.some((part) => part.kind === 'value'))
    return { ok: false, error: `a template needs at least one placeholder: ${PLACEHOLDER_LIST}` };
  return { ok: true, parts };
}

/** "2025-05-01 19:03 GMT+5": the same unambiguous shape as the default layout, in the zone asked for. */
function zonedTime(value: string | undefined, timeZone: string): string {
  const date = value ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '';
  const fields = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  return `${fields.year}-${fields.month}-${fields.day} ${fields.hour}:${fields.minute} ${fields.timeZoneName}`;
}

/** The value's plain text before any direction marks, with its own length limit applied. */
function rawValue(alert: Alert, part: Extract<TemplatePart, { kind: 'value' }>): string {
  const { lang } = alert.summary;
  const chars: Fitter = { prepare: (raw) => raw, measure: (text) => [...text].length };
  const limited = (text: string) =>
    part.limit === undefined
      ? text
      : truncateAtWord(text, (candidate) => chars.measure(candidate) <= part.limit!, lang);
  switch (part.name) {
    case 'title':
      return limited(displayTitle(alert));
    case 'summary':
      return part.limit === undefined ? alert.summary.text : fitSentences(alert.summary.text, part.limit, chars, lang);
    case 'link':
      return safeLink(alert.item.link) ?? '';
    case 'terms':
      return limited(alert.matchedTerms.map(oneLine).filter(Boolean).join(', '));
    case 'feed':
      return limited(oneLine(alert.feed.title));
    case 'published':
      return part.timeZone
        ? zonedTime(alert.item.published, part.timeZone)
        : (readableTime(alert.item.published) ?? '');
    case 'author':
      return limited(oneLine(alert.item.author ?? ''));
    case 'categories':
      return limited((alert.item.categories ?? []).map(oneLine).filter(Boolean).join(', '));
  }
}

/** Right-to-left layout for a value: whole lines for the title and summary, an inline isolate for the rest. */
function directed(alert: Alert, name: Placeholder, raw: string): string {
  if (raw === '') return raw;
  if (name === 'title' || name === 'summary') return withDirection(raw, alert.summary.dir);
  if (name === 'feed') return withDirection(raw, detectDirection(raw).dir);
  if (name === 'link' || name === 'published') return raw;
  return isolateInline(raw);
}

export interface TemplateSurface {
  /** The platform's escaper for text (Discord markdown, Telegram HTML). */
  escape: (text: string) => string;
  /** A URL as the platform shows it bare (autolinked); it is never cut. */
  link: (url: string) => string;
  /** Length as the platform counts it. */
  measure: (prepared: string) => number;
  limit: number;
}

interface Segment {
  name?: Placeholder;
  raw: string;
}

/**
 * The filled-in template as the platform receives it, within `surface.limit`: the summary is shortened first (whole
 * sentences), then, should the admin's own text and the other values still be too long, the message is cut after a
 * whole word, keeping every link whole.
 */
export function renderTemplate(parts: readonly TemplatePart[], alert: Alert, surface: TemplateSurface): string {
  const segments: Segment[] = parts.map((part) =>
    part.kind === 'text' ? { raw: part.text } : { name: part.name, raw: rawValue(alert, part) },
  );
  const prepare = (segment: Segment): string =>
    segment.name === 'link'
      ? segment.raw === ''
        ? ''
        : surface.link(segment.raw)
      : surface.escape(segment.name ? directed(alert, segment.name, segment.raw) : segment.raw);
  const assemble = (list: readonly Segment[]) => list.map(prepare).join('');
  const whole = assemble(segments);
  if (surface.measure(whole) <= surface.limit) return whole;

  // Every summary shortened to the same text, as long as the rest allows.
  const summaries = segments.filter((segment) => segment.name === 'summary');
  if (summaries.length > 0) {
    const withSummary = (text: string) =>
      assemble(segments.map((segment) => (segment.name === 'summary' ? { ...segment, raw: text } : segment)));
    const summary = summaries[0]!.raw;
    const fitter: Fitter = { prepare: withSummary, measure: surface.measure };
    const fitted = fitSentences(summary, surface.limit, fitter, alert.summary.lang);
    if (fitted !== '' && surface.measure(fitted) <= surface.limit) return fitted;
    if (surface.measure(withSummary('')) <= surface.limit) return withSummary('');
    for (const segment of summaries) segment.raw = '';
  }
  return cutInOrder(segments, prepare, surface);
}

/** Segments in order until the limit, the one that overflows cut after a word; links are kept whole or left out. */
function cutInOrder(segments: Segment[], prepare: (segment: Segment) => string, surface: TemplateSurface): string {
  const linkRoom = segments
    .filter((segment) => segment.name === 'link')
    .reduce((sum, segment) => sum + surface.measure(prepare(segment)), 0);
  const budget = Math.max(0, surface.limit - linkRoom);
  let out = '';
  let used = 0;
  let cut = false;
  for (const segment of segments) {
    if (segment.name === 'link') {
      out += prepare(segment);
      continue;
    }
    if (cut) continue;
    const prepared = prepare(segment);
    if (used + surface.measure(prepared) <= budget) {
      out += prepared;
      used += surface.measure(prepared);
      continue;
    }
    const room = budget - used;
    const fitter: Fitter = { prepare: (raw) => prepare({ ...segment, raw }), measure: surface.measure };
    const shortened = room > 1 ? fitWords(segment.raw, room, fitter) : '';
    if (shortened !== '' && surface.measure(shortened) <= room) out += shortened;
    cut = true;
  }
  return out;
}

/** The placeholders a parsed template uses, for `list` and replies. */
export function templatePlaceholders(parts: readonly TemplatePart[]): Placeholder[] {
  return [...new Set(parts.flatMap((part) => (part.kind === 'value' ? [part.name] : [])))];
}
