/**
 * The subscriptions file (`taza.config.json`): lets a new user try Taza without any token, and lets
 * self-hosters pre-seed subscriptions. Invalid entries are reported with their index; valid ones still load.
 * A file that cannot be read or parsed as a whole is a ConfigError: the store is brought in line with the
 * file (what is not in it is removed), so a file read as empty by mistake would delete every subscription.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseSchedule, type DeliverySchedule } from '../core/delivery-schedule.js';
import { parseDestination, type Destination } from '../core/destination.js';
import type { AlertStyle } from '../core/records.js';
import { STYLE_FIELDS } from '../core/style-fields.js';
import { parseQuery } from '../matcher/index.js';
import { applyStyle, readStyle, type StyleInput } from '../subscriptions/alert-style.js';
import { ConfigError } from './load.js';

export interface FileSubscription {
  feed: string;
  keywords: string;
  destination: Destination;
  /** Summarize from the article page when the feed carries only a snippet. */
  fullText: boolean;
  /** `delivery`, `every`, `timeZone`, `quiet`, `quietMode`: digests and quiet hours; absent = instant. */
  schedule?: DeliverySchedule;
  /** How its alerts appear: `template`, `mention`, `silent`, `images`, `edits`, `thread`, `forumTags`. */
  style?: AlertStyle;
}

export interface SubscriptionsFile {
  path?: string;
  subscriptions: FileSubscription[];
  /** One line per refused entry: `subscriptions[2]: … (reason)`. */
  problems: string[];
}

export const DEFAULT_SUBSCRIPTIONS_FILE = './taza.config.json';

/**
 * The file at TAZA_CONFIG, or at DEFAULT_SUBSCRIPTIONS_FILE when that exists (no `path` when it does not).
 * Throws a ConfigError when the file as a whole is unusable: named but missing, a directory, unreadable,
 * not JSON (with the line and column), or not `{"subscriptions": [ … ]}`.
 */
export function readSubscriptionsFile(explicitPath: string | undefined): SubscriptionsFile {
  const path = explicitPath ?? DEFAULT_SUBSCRIPTIONS_FILE;
  const named = explicitPath === undefined ? path : `TAZA_CONFIG=${path}`;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(named, error);
    if (explicitPath === undefined) return { subscriptions: [], problems: [] };
    throw new ConfigError(`${named}: no such file (create it, or leave TAZA_CONFIG unset)`);
  }
  if (isDirectory) {
    throw new ConfigError(
      `${named} is a directory: Docker creates one when the file of a bind mount (-v) does not exist on the host; ` +
        'create the file on the host and recreate the container',
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw unreadable(named, error);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${named} is not valid JSON: ${jsonSyntaxError(text) ?? (error as Error).message}`);
  }
  const list = (data as { subscriptions?: unknown } | null)?.subscriptions;
  if (!Array.isArray(list)) throw new ConfigError(`${named}: expected {"subscriptions": [ … ]}`);
  const subscriptions: FileSubscription[] = [];
  const problems: string[] = [];
  list.forEach((entry: unknown, index) => {
    const problem = validateEntry(entry);
    if (typeof problem === 'string') problems.push(`subscriptions[${index}]: ${problem}`);
    else subscriptions.push(problem);
  });
  return { path, subscriptions, problems };
}

function unreadable(named: string, error: unknown): ConfigError {
  return new ConfigError(`${named} cannot be read: ${(error as Error).message}`);
}

/**
 * Where and why `text` is not JSON: "line 3, column 1: unexpected "]" (after a trailing comma?)". Node's
 * JSON.parse messages give a position for some errors and an excerpt for others, so the text is scanned
 * again here, without recursion (deep nesting cannot overflow the stack).
 */
function jsonSyntaxError(text: string): string | undefined {
  const at = jsonErrorOffset(text);
  if (at === undefined) return undefined;
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  const found = at >= text.length ? 'unexpected end of the file' : `unexpected ${JSON.stringify(text.charAt(at))}`;
  const trailingComma = /,\s*$/.test(before) && /^[\]}]/.test(text.slice(at)) ? ' (after a trailing comma?)' : '';
  return `line ${line}, column ${column}: ${found}${trailingComma}`;
}

/**
 * The offset of the first character where `text` stops being JSON (its length: it ended too early), or
 * undefined when it is JSON. The scanners below return the offset after what they read, or `~offset` of the
 * character that is wrong (negative).
 */
function jsonErrorOffset(text: string): number | undefined {
  const containers: string[] = [];
  let expect: 'value' | 'value or ]' | 'key' | 'key or }' | ':' | ', or end' | 'end' = 'value';
  let index = 0;
  const afterValue = () => (containers.length === 0 ? 'end' : ', or end');
  while (true) {
    while (index < text.length && ' \t\n\r'.includes(text.charAt(index))) index += 1;
    if (index >= text.length) return expect === 'end' ? undefined : text.length;
    const char = text.charAt(index);
    if (expect === 'end') return index;
    if (expect === ':') {
      if (char !== ':') return index;
      index += 1;
      expect = 'value';
    } else if (expect === ', or end') {
      const open = containers[containers.length - 1];
      if (char === ',') {
        index += 1;
        expect = open === '{' ? 'key' : 'value';
      } else if ((char === '}' && open === '{') || (char === ']' && open === '[')) {
        containers.pop();
        index += 1;
        expect = afterValue();
      } else {
        return index;
      }
    } else if (expect === 'key' || expect === 'key or }') {
      if (char === '}' && expect === 'key or }') {
        containers.pop();
        index += 1;
        expect = afterValue();
      } else if (char === '"') {
        const end = stringEnd(text, index);
        if (end < 0) return ~end;
        index = end;
        expect = ':';
      } else {
        return index;
      }
    } else if (char === ']' && expect === 'value or ]') {
      containers.pop();
      index += 1;
      expect = afterValue();
    } else if (char === '{' || char === '[') {
      containers.push(char);
      index += 1;
      expect = char === '{' ? 'key or }' : 'value or ]';
    } else {
      const end = char === '"' ? stringEnd(text, index) : scalarEnd(text, index);
      if (end < 0) return ~end;
      index = end;
      expect = afterValue();
    }
  }
}

/** The offset after the string that starts at `start`, or `~offset` of what is wrong in it. */
function stringEnd(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x22) return index + 1;
    if (code < 0x20) return ~index;
    if (code === 0x5c) {
      const escape = text.charAt(index + 1);
      if (escape === 'u') {
        for (let hex = index + 2; hex < index + 6; hex += 1) if (!/[0-9a-fA-F]/.test(text.charAt(hex))) return ~hex;
        index += 5;
      } else if ('"\\/bfnrt'.includes(escape) && escape !== '') {
        index += 1;
      } else {
        return ~(index + 1);
      }
    }
  }
  return ~text.length;
}

/** The offset after the number or literal at `start`, or `~offset` where it goes wrong. */
function scalarEnd(text: string, start: number): number {
  for (const literal of ['true', 'false', 'null']) {
    if (text.charAt(start) !== literal.charAt(0)) continue;
    for (let offset = 1; offset < literal.length; offset += 1)
      if (text.charAt(start + offset) !== literal.charAt(offset)) return ~(start + offset);
    return start + literal.length;
  }
  // A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, wrong at the first character that breaks it.
  const digits = (from: number) => {
    let index = from;
    while (/[0-9]/.test(text.charAt(index))) index += 1;
    return index;
  };
  let index = text.charAt(start) === '-' ? start + 1 : start;
  if (text.charAt(index) === '0') index += 1;
  else if (/[1-9]/.test(text.charAt(index))) index = digits(index);
  else return ~index;
  if (text.charAt(index) === '.') {
    const end = digits(index + 1);
    if (end === index + 1) return ~end;
    index = end;
  }
  if (/[eE]/.test(text.charAt(index))) {
    const from = /[+-]/.test(text.charAt(index + 1)) ? index + 2 : index + 1;
    const end = digits(from);
    if (end === from) return ~end;
    index = end;
  }
  return index;
}

function validateEntry(entry: unknown): FileSubscription | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return 'expected an object with "feed", "keywords" and "to"';
  const { feed, keywords = '', to = 'console', fullText = false } = entry as Record<string, unknown>;
  if (typeof feed !== 'string' || !/^https?:\/\/\S+$/i.test(feed))
    return `"feed" must be an http(s) URL (got ${JSON.stringify(feed)})`;
  try {
    new URL(feed);
  } catch {
    return `"feed" is not a valid URL (got ${JSON.stringify(feed)})`;
  }
  if (typeof keywords !== 'string') return '"keywords" must be a string (or left out for every new item)';
  const query = parseQuery(keywords);
  if (!query.ok) return `"keywords": ${query.error}`;
  if (typeof to !== 'string') return '"to" must be console, discord:<channelId> or telegram:<chatId>';
  const destination = parseDestination(to);
  if ('error' in destination) return `"to": ${destination.error}`;
  if (typeof fullText !== 'boolean') return '"fullText" must be true or false';
  const schedule = scheduleOf(entry as Record<string, unknown>);
  if (typeof schedule === 'string') return schedule;
  const style = fileStyle(entry as Record<string, unknown>, destination);
  if (typeof style === 'string') return style;
  return {
    feed,
    keywords,
    destination,
    fullText,
    ...(schedule ? { schedule } : {}),
    ...(Object.keys(style).length > 0 && { style }),
  };
}

const SCHEDULE_FIELDS = ['delivery', 'every', 'timeZone', 'quiet', 'quietMode'] as const;

/** The entry's digest and quiet-hours fields, validated as the chat options are; a message when one is wrong. */
function scheduleOf(entry: Record<string, unknown>): DeliverySchedule | undefined | string {
  for (const field of SCHEDULE_FIELDS)
    if (entry[field] !== undefined && typeof entry[field] !== 'string') return `"${field}" must be a string`;
  const parsed = parseSchedule({
    delivery: entry.delivery as string | undefined,
    every: entry.every as string | undefined,
    timeZone: entry.timeZone as string | undefined,
    quiet: entry.quiet as string | undefined,
    quietMode: entry.quietMode as string | undefined,
  });
  return parsed.ok ? parsed.schedule : parsed.error;
}

/** The entry's presentation fields, checked as a command checks them (`mention: "here"` only by command). */
function fileStyle(entry: Record<string, unknown>, destination: Destination): AlertStyle | string {
  const input: StyleInput = {};
  for (const field of STYLE_FIELDS) {
    const value = entry[field];
    if (value === undefined) continue;
    const flag = field === 'silent' || field === 'images' || field === 'edits';
    const [expected, kind] = flag
      ? [typeof value === 'boolean', 'true or false']
      : field === 'forumTags'
        ? [Array.isArray(value) && value.every((tag) => typeof tag === 'string'), 'a list of tag names']
        : [typeof value === 'string', 'text'];
    if (!expected) return `"${field}" must be ${kind}`;
    Object.assign(input, { [field]: value });
  }
  try {
    return applyStyle({}, readStyle(input, { platform: destination.platform, fromFile: true }));
  } catch (error) {
    // The message is in reply markup: its code spans become quotes, its escapes plain characters.
    return (error as Error).message.replace(/`/g, '"').replace(/\\(.)/g, '$1');
  }
}
