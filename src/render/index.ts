/**
 * Public API of the renderers: an Alert to each platform's message, as plain JSON in the platform's REST
 * shape. Nothing here imports discord.js or grammY; the adapters send these objects as they are.
 */
import { isSilent, type Alert } from '../core/alert.js';
import { renderConsole as renderConsoleAlert } from './console.js';
import { renderDigest, splitDigest } from './digest.js';
import { renderDiscord as renderDiscordAlert, SUPPRESS_NOTIFICATIONS, type DiscordMessage } from './discord.js';
import { renderTelegram as renderTelegramAlert, type TelegramMessage } from './telegram.js';

export { discordEmbedLength, DISCORD_LIMITS, type DiscordMessage } from './discord.js';
export { TELEGRAM_LIMITS, type TelegramMessage } from './telegram.js';
export { renderDigest, splitDigest };

// A digest (an alert carrying `digest`) is one message listing the alerts it stands for. Either may be silent
// (isSilent: the subscription's option, or quiet hours), so that is set here, once for both kinds of message.
export function renderDiscord(alert: Alert): DiscordMessage {
  const message = alert.digest ? renderDigest(alert.digest, 'discord', alert.item.title) : renderDiscordAlert(alert);
  return isSilent(alert) ? { ...message, flags: SUPPRESS_NOTIFICATIONS } : message;
}

export function renderTelegram(alert: Alert): TelegramMessage {
  const message = alert.digest ? renderDigest(alert.digest, 'telegram', alert.item.title) : renderTelegramAlert(alert);
  return isSilent(alert) ? { ...message, disable_notification: true } : message;
}

export function renderConsole(alert: Alert): string {
  return alert.digest ? renderDigest(alert.digest, 'console', alert.item.title) : renderConsoleAlert(alert);
}
export { escapeDiscordMarkdown, neutralizeDiscordMentions, escapeHtml, telegramLength } from './escape.js';
export { isolateLtrRuns, withDirection } from './bidi.js';
export { threadName } from './thread-name.js';
export { parseTemplate, renderTemplate, PLACEHOLDERS, MAX_TEMPLATE_CHARS, type TemplatePart } from './template.js';
export { parseMention, formatMention, allowedMentions, type Mention } from './mention.js';
export { safeImage } from './image.js';
