/**
 * Builds one sink per configured platform; the console sink is always there. The platform libraries are
 * loaded only when their token is set, so a console-only run starts fast and small.
 */
import type { Config } from '../config/schema.js';
import type { Platform } from '../core/destination.js';
import type { Logger } from '../log/logger.js';
import { renderConsole, renderDiscord, renderTelegram } from '../render/index.js';
import { createConsoleSink } from '../platforms/console/index.js';
import type { Sink } from '../outbox/sink.js';

export async function createSinks(config: Config, logger: Logger): Promise<Partial<Record<Platform, Sink>>> {
  const sinks: Partial<Record<Platform, Sink>> = { console: createConsoleSink({ render: renderConsole }) };
  if (config.DISCORD_TOKEN) {
    const { createDiscordSink } = await import('../platforms/discord/index.js');
    sinks.discord = createDiscordSink({
      token: config.DISCORD_TOKEN,
      apiBase: config.DISCORD_API_BASE,
      render: renderDiscord,
      logger: logger.child({ platform: 'discord' }),
    });
  }
  if (config.TELEGRAM_TOKEN) {
    const { createTelegramSink } = await import('../platforms/telegram/index.js');
    sinks.telegram = createTelegramSink({
      token: config.TELEGRAM_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      render: renderTelegram,
      logger: logger.child({ platform: 'telegram' }),
    });
  }
  return sinks;
}
