/**
 * Starts the command layer on every connected chat platform: loads commands/, builds the services, and hands
 * both to each platform adapter (loaded only when its sink exists, so the core never loads discord.js or grammY).
 * A platform whose commands cannot be registered is logged and skipped; alerts keep flowing.
 */
import type { Config } from '../config/schema.js';
import type { Platform } from '../core/destination.js';
import type { Sink } from '../outbox/sink.js';
import { loadCommands } from './loader.js';
import { createCommandServices, type CommandServices, type ServiceInputs } from './services.js';
import type { CommandDefinition } from './definition.js';

export interface CommandLayerInputs extends Omit<ServiceInputs, 'config'> {
  config: ServiceInputs['config'] & Pick<Config, 'DISCORD_GUILD_ID' | 'TELEGRAM_API_ROOT'>;
  sinks: Partial<Record<Platform, Sink>>;
  /** Defaults to the commands/ folder. */
  commandsDir?: string;
}

export interface CommandLayer {
  commands: readonly CommandDefinition[];
  services: CommandServices;
  /** The platforms whose commands are registered and listened to. */
  platforms: Platform[];
  stop(): Promise<void>;
}

export async function startCommandLayer(inputs: CommandLayerInputs): Promise<CommandLayer> {
  const commands = await loadCommands(inputs.commandsDir);
  const services = createCommandServices(inputs);
  const logger = inputs.logger;
  const stops: Array<() => void | Promise<void>> = [];
  const platforms: Platform[] = [];

  const discord = inputs.sinks.discord;
  if (discord && 'client' in discord) {
    try {
      const { startDiscordCommands } = await import('../platforms/discord/commands.js');
      const handle = await startDiscordCommands({
        sink: discord as import('../platforms/discord/index.js').DiscordSink,
        commands,
        services,
        guildId: inputs.config.DISCORD_GUILD_ID,
        logger: logger.child({ platform: 'discord' }),
      });
      stops.push(handle.stop);
      platforms.push('discord');
    } catch (error) {
      logger.error(
        { event: 'commands.failed', platform: 'discord', err: error },
        'could not start Discord commands; alerts still flow',
      );
    }
  }
  const telegram = inputs.sinks.telegram;
  if (telegram && 'bot' in telegram) {
    try {
      const { startTelegramCommands } = await import('../platforms/telegram/commands.js');
      const handle = await startTelegramCommands({
        sink: telegram as import('../platforms/telegram/index.js').TelegramSink,
        commands,
        services,
        apiRoot: inputs.config.TELEGRAM_API_ROOT,
        logger: logger.child({ platform: 'telegram' }),
      });
      stops.push(handle.stop);
      platforms.push('telegram');
    } catch (error) {
      logger.error(
        { event: 'commands.failed', platform: 'telegram', err: error },
        'could not start Telegram commands; alerts still flow',
      );
    }
  }
  if (platforms.length > 0)
    logger.info({ event: 'commands.started', platforms, commands: commands.map((c) => c.name) }, 'chat commands ready');
  return {
    commands,
    services,
    platforms,
    async stop() {
      for (const stop of stops) await stop();
    },
  };
}
