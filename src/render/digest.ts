/**
 * One message for a burst of alerts: a heading and one "title — feed" line per alert, linked, within the
 * platform's limits; alerts that do not fit are counted in a last "…and N more" line.
 */
import type { Alert } from '../core/alert.js';
import { detectDirection } from '../summarizer/direction.js';
import { displayTitle, fitWords, oneLine, safeLink } from './common.js';
import { DISCORD_COLOR, DISCORD_LIMITS, type DiscordMessage, markdownFitter } from './discord.js';
import { escapeDiscordMarkdown, escapeHtml, telegramLength } from './escape.js';
import { htmlFitter, TELEGRAM_LIMITS, type TelegramMessage } from './telegram.js';

/** A digest line's title is cut to this, so one long title cannot push the others out. */
const DIGEST_TITLE_MAX = 200;
/** Room kept for the "…and N more" line. */
const MORE_LINE_RESERVE = 24;

function heading(count: number): string {
  return count === 1 ? '1 new alert' : `${count} new alerts`;
}

/** Lines in order until the next one would pass `limit` (as `measure` counts), then "…and N more". */
function fillLines(lines: string[], limit: number, measure: (text: string) => number): string {
  const kept: string[] = [];
  for (const [index, line] of lines.entries()) {
    const remaining = lines.length - index - 1;
    const reserve = remaining > 0 ? MORE_LINE_RESERVE : 0;
    if (measure([...kept, line].join('\n')) + reserve > limit) {
      kept.push(`…and ${lines.length - index} more`);
      return kept.join('\n');
    }
    kept.push(line);
  }
  return kept.join('\n');
}

function feedName(alert: Alert): string {
  return oneLine(alert.feed.title) || 'feed';
}

function discordLine(alert: Alert): string {
  const { dir, lang } = alert.summary;
  const title = fitWords(displayTitle(alert), DIGEST_TITLE_MAX, markdownFitter(dir), lang);
  const link = safeLink(alert.item.link);
  // Parentheses would end the masked link early; they are legal percent-encoded in a URL.
  const linked = link ? `[${title}](${link.replace(/\(/g, '%28').replace(/\)/g, '%29')})` : title;
  return `• ${linked} — ${escapeDiscordMarkdown(feedName(alert))}`;
}

function telegramLine(alert: Alert): string {
  const { dir, lang } = alert.summary;
  const title = fitWords(displayTitle(alert), DIGEST_TITLE_MAX, htmlFitter(dir), lang);
  const link = safeLink(alert.item.link);
  const linked = link ? `<a href="${escapeHtml(link)}">${title}</a>` : title;
  const name = feedName(alert);
  return `• ${linked} — <i>${fitWords(name, DIGEST_TITLE_MAX, htmlFitter(detectDirection(name).dir))}</i>`;
}

function consoleLine(alert: Alert): string {
  const link = safeLink(alert.item.link);
  return `- ${displayTitle(alert)} (${feedName(alert)})${link ? `\n  ${link}` : ''}`;
}

type DigestPlatform = 'discord' | 'telegram' | 'console';

/** Room for the lines of a digest under `title`, as the platform counts it. */
function lineRoom(
  platform: 'discord' | 'telegram',
  title: string,
): { limit: number; measure: (text: string) => number } {
  if (platform === 'discord')
    return {
      limit: Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.total - title.length),
      measure: (text) => text.length,
    };
  return { limit: TELEGRAM_LIMITS.text - telegramLength(`<b>${title}</b>`) - 2, measure: telegramLength };
}

/** The longest heading a part of a split digest gets ("Digest · 1,234 new alerts (10/10)" and a name). */
const PART_TITLE_RESERVE = 80;

/**
 * `alerts` in as few consecutive parts as fit one message each (one part when they all fit), at most `maxParts`;
 * the last part takes the rest, and its message ends with "…and N more" when they do not fit.
 */
export function splitDigest(alerts: Alert[], platform: DigestPlatform, maxParts: number): Alert[][] {
  if (platform === 'console' || alerts.length === 0) return [alerts];
  const { limit, measure } = lineRoom(platform, 'x'.repeat(PART_TITLE_RESERVE));
  const line = platform === 'discord' ? discordLine : telegramLine;
  const parts: Alert[][] = [];
  let current: Alert[] = [];
  let text = '';
  for (const [index, alert] of alerts.entries()) {
    if (parts.length === maxParts - 1) {
      parts.push(alerts.slice(index));
      return parts;
    }
    const next = text === '' ? line(alert) : `${text}\n${line(alert)}`;
    if (current.length > 0 && measure(next) > limit) {
      parts.push(current);
      current = [alert];
      text = line(alert);
    } else {
      current.push(alert);
      text = next;
    }
  }
  parts.push(current);
  return parts;
}

export function renderDigest(alerts: Alert[], platform: 'discord', title?: string): DiscordMessage;
export function renderDigest(alerts: Alert[], platform: 'telegram', title?: string): TelegramMessage;
export function renderDigest(alerts: Alert[], platform: 'console', title?: string): string;
export function renderDigest(
  alerts: Alert[],
  platform: DigestPlatform,
  title?: string,
): DiscordMessage | TelegramMessage | string;
export function renderDigest(
  alerts: Alert[],
  platform: DigestPlatform,
  heading_?: string,
): DiscordMessage | TelegramMessage | string {
  const title = heading_ ?? heading(alerts.length);
  if (platform === 'discord') {
    const { limit, measure } = lineRoom(platform, title);
    const description = fillLines(alerts.map(discordLine), limit, measure);
    return {
      embeds: [{ title, ...(description !== '' && { description }), color: DISCORD_COLOR }],
      allowed_mentions: { parse: [] },
    };
  }
  if (platform === 'telegram') {
    const head = `<b>${escapeHtml(title)}</b>`;
    const { limit, measure } = lineRoom(platform, title);
    const body = fillLines(alerts.map(telegramLine), limit, measure);
    return {
      text: body !== '' ? `${head}\n\n${body}` : head,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    };
  }
  return [`${title}:`, ...alerts.map(consoleLine)].join('\n');
}
