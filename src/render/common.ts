/** Pieces every renderer needs: safe links, times, clean one-line text, and fitting text into a limit. */
import type { Alert } from '../core/alert.js';
import { cleanControlCharacters } from '../summarizer/html-to-text.js';
import { joinSentences, splitSentences, truncateAtWord } from '../summarizer/segments.js';

/** Both platforms reject links longer than this or not http(s); a bad link must not fail the whole message. */
const MAX_LINK_LENGTH = 2048;

/** The item's link when it is an absolute http(s) URL the platforms accept, normalized; else undefined. */
export function safeLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    const url = new URL(link.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.username || url.password) return undefined; // "https://discord.com@evil.test" style disguises
    return url.href.length <= MAX_LINK_LENGTH ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function validDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** ISO 8601 for Discord's embed timestamp. */
export function isoTime(value: string | undefined): string | undefined {
  return validDate(value)?.toISOString();
}

/** "2025-05-01 14:03 UTC": unambiguous in every language, no locale data needed. */
export function readableTime(value: string | undefined): string | undefined {
  const date = validDate(value);
  return date ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : undefined;
}

/** Feed text for a single line (titles, feed names, terms): no control characters, whitespace collapsed. */
export function oneLine(text: string): string {
  return cleanControlCharacters(text).replace(/\s+/g, ' ').trim();
}

/** The title to show: the item's, else its link, else a placeholder, so no alert is ever blank. */
export function displayTitle(alert: Alert): string {
  const title = oneLine(alert.item.title);
  if (title !== '') return title;
  const link = alert.item.link ? oneLine(alert.item.link) : '';
  return link !== '' ? link : '(untitled item)';
}

export interface Fitter {
  /** Raw feed text to what the platform receives (bidi, escaping). */
  prepare: (raw: string) => string;
  /** Length as the platform counts it. */
  measure: (prepared: string) => number;
}

/** Prepared text cut after a whole word (with "…") so that it measures at most `limit`. */
export function fitWords(raw: string, limit: number, fitter: Fitter, lang?: string): string {
  const fits = (candidate: string): boolean => fitter.measure(fitter.prepare(candidate)) <= limit;
  return fitter.prepare(truncateAtWord(raw, fits, lang));
}

/**
 * Prepared summary shortened to whole sentences so that it measures at most `limit`; only when not even
 * the first sentence fits is that sentence cut after a word.
 */
export function fitSentences(raw: string, limit: number, fitter: Fitter, lang?: string): string {
  if (limit <= 0 || raw === '') return '';
  const whole = fitter.prepare(raw);
  if (fitter.measure(whole) <= limit) return whole;
  const sentences = splitSentences(raw, lang);
  let best = '';
  let low = 1;
  let high = sentences.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = fitter.prepare(joinSentences(sentences.slice(0, middle)));
    if (fitter.measure(candidate) <= limit) {
      best = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best !== '' ? best : fitWords(sentences[0]?.text ?? raw, limit, fitter, lang);
}
