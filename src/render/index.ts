/**
 * Public API of the renderers: an Alert to each platform's message, as plain JSON in the platform's REST
 * shape. Nothing here imports discord.js or grammY; the adapters send these objects as they are.
 */
export { renderDiscord, discordEmbedLength, DISCORD_LIMITS, type DiscordEmbed, type DiscordMessage } from './discord.js';
export { renderTelegram, TELEGRAM_LIMITS, type TelegramMessage } from './telegram.js';
export { renderConsole } from './console.js';
export { renderDigest } from './digest.js';
export { escapeDiscordMarkdown, neutralizeDiscordMentions, escapeTelegramHtml, telegramLength } from './escape.js';
export { isolateLtrRuns, withDirection } from './bidi.js';
