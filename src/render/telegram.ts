/**
 * One alert as one Telegram sendMessage payload in HTML parse mode (the adapter sends it as-is).
 * Only <b>, <i> and <a href> are used; every piece of feed text is escaped.
 */
import type { Alert, TextDirection } from '../core/alert.js';
import { detectDirection } from '../summarizer/direction.js';
import { isolateInline, withDirection } from './bidi.js';
import { displayTitle, type Fitter, fitSentences, fitWords, oneLine, readableTime, safeLink } from './common.js';
import { escapeHtml, telegramLength } from './escape.js';
import { alertImage } from './image.js';
import { parseTemplate, renderTemplate } from './template.js';

export const TELEGRAM_LIMITS = {
  /** Message text after entity parsing, in UTF-16 code units. */
  text: 4096,
  /** A photo's caption, counted the same way. */
  caption: 1024,
  /** Taza's own cap so a runaway title cannot crowd out the summary. */
  title: 512,
  terms: 512,
} as const;

/** Within a caption the title, source line and terms get less, so the summary keeps some room. */
const CAPTION_CAPS = { title: 300, terms: 200 } as const;

export interface TelegramMessage {
  /** The message text, or the photo's caption when `photo` is set (then at most 1024). */
  text: string;
  parse_mode: 'HTML';
  link_preview_options: { is_disabled?: boolean; url?: string };
  /** The item's image: sent as a photo (sendPhoto) with `text` as its caption. */
  photo?: string;
  /** A silent alert (set by render/index.ts, digests included): delivered without a notification sound. */
  disable_notification?: boolean;
}

export function htmlFitter(dir: TextDirection): Fitter {
  return { prepare: (raw) => escapeHtml(withDirection(raw, dir)), measure: telegramLength };
}

/** `<b><a href="…">title</a></b>`, or the bold title alone when the item has no usable link. */
export function titleHtml(title: string, link: string | undefined): string {
  return link ? `<b><a href="${escapeHtml(link)}">${title}</a></b>` : `<b>${title}</b>`;
}

function matchedTermsLine(terms: string[], cap: number): string | undefined {
  const shown: string[] = [];
  for (const term of terms.map(oneLine).filter(Boolean)) {
    const next = escapeHtml(isolateInline(term));
    if (telegramLength([...shown, next].join(', ')) > cap) {
      shown.push('…');
      break;
    }
    shown.push(next);
  }
  return shown.length > 0 ? `Matched: ${shown.join(', ')}` : undefined;
}

/** "<i>Feed name · 2025-05-01 14:03 UTC</i>", laid out right to left when the feed's name is. */
function sourceLine(alert: Alert, cap: number): string {
  const feedName = oneLine(alert.feed.title) || 'feed';
  const time = readableTime(alert.item.published);
  const plain = time ? `${feedName} · ${time}` : feedName;
  const dir = detectDirection(feedName).dir;
  return `<i>${fitWords(plain, cap, htmlFitter(dir))}</i>`;
}

/** Taza's own layout: the linked title, the summary, the source line and the matched terms, within `limit`. */
function defaultText(alert: Alert, limit: number): string {
  const { dir, lang } = alert.summary;
  const caps = limit < TELEGRAM_LIMITS.text ? CAPTION_CAPS : TELEGRAM_LIMITS;
  const link = safeLink(alert.item.link);
  // The link is the href, which Telegram does not count: shortening the title or summary never drops it.
  const title = titleHtml(fitWords(displayTitle(alert), caps.title, htmlFitter(dir), lang), link);
  const footer = [sourceLine(alert, caps.terms), matchedTermsLine(alert.matchedTerms, caps.terms)]
    .filter(Boolean)
    .join('\n');

  // Two blank-line separators ("\n\n") around the summary count too.
  const room = limit - telegramLength(title) - telegramLength(footer) - 4;
  const summary = fitSentences(alert.summary.text, room, htmlFitter(dir), lang);
  return [title, summary, footer].filter((part) => part !== '').join('\n\n');
}

/** The filled-in template, every piece of it HTML-escaped (it shows as typed; a bare {link} is autolinked). */
function templatedText(alert: Alert, template: string, limit: number): string | undefined {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return undefined;
  const text = renderTemplate(parsed.parts, alert, {
    escape: escapeHtml,
    link: escapeHtml,
    measure: telegramLength,
    limit,
  });
  return text.trim() === '' ? undefined : text;
}

export function renderTelegram(alert: Alert): TelegramMessage {
  const link = safeLink(alert.item.link);
  const photo = alertImage(alert);
  const limit = photo ? TELEGRAM_LIMITS.caption : TELEGRAM_LIMITS.text;
  const template = alert.style?.template;
  const text = (template && templatedText(alert, template, limit)) || defaultText(alert, limit);
  return {
    text,
    parse_mode: 'HTML',
    link_preview_options: link ? { url: link } : { is_disabled: true },
    ...(photo && { photo }),
  };
}
