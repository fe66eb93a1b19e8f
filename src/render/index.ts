/**
 * Public API of the renderers: an Alert to each platform's message, as plain JSON in the platform's REST
 * shape. Nothing here imports discord.js or grammY; the adapters send these objects as they are.
 */
import type { Alert } from '../core/alert.js';
import { renderConsole as renderConsoleAlert } from './console.js';
import { renderDigest, splitDigest } from './digest.js';
import { renderDiscord as renderDiscordAlert, type DiscordMessage } from './discord.js';
import { renderTelegram as renderTelegramAlert, type TelegramMessage } from './telegram.js';

export { discordEmbedLength, DISCORD_LIMITS, type DiscordMessage } from './discord.js';
export { TELEGRAM_LIMITS, type TelegramMessage } from './telegram.js';
export { renderDigest, splitDigest };

// A digest (an alert carrying `digest`) is one message listing the alerts it stands for.
export function renderDiscord(alert: Alert): DiscordMessage {
  return alert.digest ? renderDigest(alert.digest, 'discord', alert.item.title) : renderDiscordAlert(alert);
}

export function renderTelegram(alert: Alert): TelegramMessage {
  return alert.digest ? renderDigest(alert.digest, 'telegram', alert.item.title) : renderTelegramAlert(alert);
}

export function renderConsole(alert: Alert): string {
  return alert.digest ? renderDigest(alert.digest, 'console', alert.item.title) : renderConsoleAlert(alert);
}
export { escapeDiscordMarkdown, neutralizeDiscordMentions, escapeHtml, telegramLength } from './escape.js';
export { isolateLtrRuns, withDirection } from './bidi.js';
