/**
 * The platforms the configuration asks for: the console always, Discord and Telegram when their token is set. Their
 * modules (and so discord.js and grammY) are loaded only then, so a console-only run starts fast and small.
 */
import type { PlatformAdapter } from '../chat/adapter.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { createConsolePlatform } from '../platforms/console/index.js';
import { renderConsole, renderDiscord, renderTelegram } from '../render/index.js';

export async function createPlatforms(config: Config, logger: Logger): Promise<PlatformAdapter[]> {
  const platforms = [createConsolePlatform({ render: renderConsole })];
  if (config.DISCORD_TOKEN) {
    const { createDiscordPlatform } = await import('../platforms/discord/index.js');
    platforms.push(
      createDiscordPlatform({
        token: config.DISCORD_TOKEN,
        apiBase: config.DISCORD_API_BASE,
        guildId: config.DISCORD_GUILD_ID,
        render: renderDiscord,
        logger: logger.child({ platform: 'discord' }),
      }),
    );
  }
  if (config.TELEGRAM_TOKEN) {
    const { createTelegramPlatform } = await import('../platforms/telegram/index.js');
    platforms.push(
      createTelegramPlatform({
        token: config.TELEGRAM_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        render: renderTelegram,
        logger: logger.child({ platform: 'telegram' }),
      }),
    );
  }
  return platforms;
}
