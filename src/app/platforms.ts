/**
 * The platforms the configuration asks for: the console always, Discord and Telegram when their token is set. Their
 * modules (and so discord.js and grammY) are loaded only then, so a console-only run starts fast and small. When
 * other instances may share the backend, the platforms get the coordinator: one Telegram reader, one connection per
 * Discord shard, one global Discord rate across all of them. A single instance (SQLite) does without.
 */
import type { PlatformAdapter } from '../chat/adapter.js';
import type { Config } from '../config/schema.js';
import type { Coordinator } from '../coordination/coordinator.js';
import type { Logger } from '../log/logger.js';
import { createConsolePlatform } from '../platforms/console/index.js';
import { renderConsole, renderDiscord, renderTelegram } from '../render/index.js';

export async function createPlatforms(
  config: Config,
  logger: Logger,
  coordinator?: Coordinator,
): Promise<PlatformAdapter[]> {
  const shared = coordinator?.shared ? { coordinator } : {};
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
        ...shared,
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
        ...shared,
      }),
    );
  }
  return platforms;
}
