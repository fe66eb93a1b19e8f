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

export function renderDigest(alerts: Alert[], platform: 'discord'): DiscordMessage;
export function renderDigest(alerts: Alert[], platform: 'telegram'): TelegramMessage;
export function renderDigest(alerts: Alert[], platform: 'console'): string;
export function renderDigest(
  alerts: Alert[],
  platform: 'discord' | 'telegram' | 'console',
): DiscordMessage | TelegramMessage | string;
export function renderDigest(
  alerts: Alert[],
  platform: 'discord' | 'telegram' | 'console',
): DiscordMessage | TelegramMessage | string {
  const title = heading(alerts.length);
  if (platform === 'discord') {
    const limit = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.total - title.length);
    const description = fillLines(alerts.map(discordLine), limit, (text) => text.length);
    return {
      embeds: [{ title, ...(description !== '' && { description }), color: DISCORD_COLOR }],
      allowed_mentions: { parse: [] },
    };
  }
  if (platform === 'telegram') {
    const head = `<b>${title}</b>`;
    const limit = TELEGRAM_LIMITS.text - telegramLength(head) - 2;
    const body = fillLines(alerts.map(telegramLine), limit, telegramLength);
    return {
      text: body !== '' ? `${head}\n\n${body}` : head,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    };
  }
  return [`${title}:`, ...alerts.map(consoleLine)].join('\n');
}
