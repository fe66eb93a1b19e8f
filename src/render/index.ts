/**
 * Public API of the renderers: an Alert to each platform's message, as plain JSON in the platform's REST
 * shape. Nothing here imports discord.js or grammY; the adapters send these objects as they are.
 */
import type { Alert } from '../core/alert.js';
import { renderConsole as renderConsoleAlert } from './console.js';
import { renderDigest } from './digest.js';
import { renderDiscord as renderDiscordAlert, type DiscordMessage } from './discord.js';
import { renderTelegram as renderTelegramAlert, type TelegramMessage } from './telegram.js';

export { discordEmbedLength, DISCORD_LIMITS, type DiscordMessage } from './discord.js';
export { TELEGRAM_LIMITS, type TelegramMessage } from './telegram.js';
export { renderDigest };

// A digest (an alert carrying `digest`) is one message listing the alerts it stands for.
export function renderDiscord(alert: Alert): DiscordMessage {
  return alert.digest ? renderDigest(alert.digest, 'discord') : renderDiscordAlert(alert);
}

export function renderTelegram(alert: Alert): TelegramMessage {
  return alert.digest ? renderDigest(alert.digest, 'telegram') : renderTelegramAlert(alert);
}

export function renderConsole(alert: Alert): string {
  return alert.digest ? renderDigest(alert.digest, 'console') : renderConsoleAlert(alert);
}
export { escapeDiscordMarkdown, neutralizeDiscordMentions, escapeHtml, telegramLength } from './escape.js';
export { isolateLtrRuns, withDirection } from './bidi.js';
export { threadName } from './thread-name.js';
export { parseTemplate, renderTemplate, PLACEHOLDERS, MAX_TEMPLATE_CHARS, type TemplatePart } from './template.js';
export { parseMention, formatMention, allowedMentions, type Mention } from './mention.js';
export { safeImage } from './image.js';
