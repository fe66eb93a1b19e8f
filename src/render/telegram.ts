/**
 * One alert as one Telegram sendMessage payload in HTML parse mode (the adapter sends it as-is).
 * Only <b>, <i> and <a href> are used; every piece of feed text is escaped.
 */
import type { Alert, TextDirection } from '../core/alert.js';
import { detectDirection } from '../summarizer/direction.js';
import { isolateInline, withDirection } from './bidi.js';
import { displayTitle, type Fitter, fitSentences, fitWords, oneLine, readableTime, safeLink } from './common.js';
import { escapeHtml, telegramLength } from './escape.js';

export const TELEGRAM_LIMITS = {
  /** Message text after entity parsing, in UTF-16 code units. */
  text: 4096,
  /** Taza's own cap so a runaway title cannot crowd out the summary. */
  title: 512,
  terms: 512,
} as const;

export interface TelegramMessage {
  text: string;
  parse_mode: 'HTML';
  link_preview_options: { is_disabled?: boolean; url?: string };
}

export function htmlFitter(dir: TextDirection): Fitter {
  return { prepare: (raw) => escapeHtml(withDirection(raw, dir)), measure: telegramLength };
}

/** `<b><a href="…">title</a></b>`, or the bold title alone when the item has no usable link. */
export function titleHtml(title: string, link: string | undefined): string {
  return link ? `<b><a href="${escapeHtml(link)}">${title}</a></b>` : `<b>${title}</b>`;
}

function matchedTermsLine(terms: string[]): string | undefined {
  const shown: string[] = [];
  for (const term of terms.map(oneLine).filter(Boolean)) {
    const next = escapeHtml(isolateInline(term));
    if (telegramLength([...shown, next].join(', ')) > TELEGRAM_LIMITS.terms) {
      shown.push('…');
      break;
    }
    shown.push(next);
  }
  return shown.length > 0 ? `Matched: ${shown.join(', ')}` : undefined;
}

/** "<i>Feed name · 2025-05-01 14:03 UTC</i>", laid out right to left when the feed's name is. */
function sourceLine(alert: Alert): string {
  const feedName = oneLine(alert.feed.title) || 'feed';
  const time = readableTime(alert.item.published);
  const plain = time ? `${feedName} · ${time}` : feedName;
  const dir = detectDirection(feedName).dir;
  return `<i>${fitWords(plain, TELEGRAM_LIMITS.title, htmlFitter(dir))}</i>`;
}

export function renderTelegram(alert: Alert): TelegramMessage {
  const { dir, lang } = alert.summary;
  const link = safeLink(alert.item.link);
  const title = titleHtml(fitWords(displayTitle(alert), TELEGRAM_LIMITS.title, htmlFitter(dir), lang), link);
  const footer = [sourceLine(alert), matchedTermsLine(alert.matchedTerms)].filter(Boolean).join('\n');

  // Two blank-line separators ("\n\n") around the summary count too.
  const room = TELEGRAM_LIMITS.text - telegramLength(title) - telegramLength(footer) - 4;
  const summary = fitSentences(alert.summary.text, room, htmlFitter(dir), lang);
  const text = [title, summary, footer].filter((part) => part !== '').join('\n\n');

  return {
    text,
    parse_mode: 'HTML',
    link_preview_options: link ? { url: link } : { is_disabled: true },
  };
}
