/**
 * The command layer: the commands loaded from commands/ and the services they use, served on every chat platform
 * that has a command adapter. Built with the app (loading the command files), started once the platforms have
 * connected. A platform whose commands cannot be registered is logged and skipped; alerts keep flowing.
 */
import type { Logger } from '../log/logger.js';
import type { CommandAdapter } from './adapter.js';
import type { CommandDefinition } from './definition.js';
import { loadCommands } from './loader.js';
import type { CommandServices } from './services.js';

export interface CommandLayer {
  commands: readonly CommandDefinition[];
  services: CommandServices;
  /** The platforms whose commands are registered and answered (after start). */
  platforms: Array<CommandAdapter['platform']>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createCommandLayer(inputs: {
  services: CommandServices;
  adapters: readonly CommandAdapter[];
  logger: Logger;
  /** Defaults to the commands/ folder. */
  commandsDir?: string;
}): Promise<CommandLayer> {
  const commands = await loadCommands(inputs.commandsDir);
  const { services, logger } = inputs;
  const started: CommandAdapter[] = [];
  const platforms: CommandLayer['platforms'] = [];
  return {
    commands,
    services,
    platforms,
    async start() {
      for (const adapter of inputs.adapters) {
        try {
          await adapter.start(commands, services);
          started.push(adapter);
          platforms.push(adapter.platform);
        } catch (error) {
          logger.error(
            { event: 'commands.failed', platform: adapter.platform, err: error },
            `could not start ${adapter.platform === 'discord' ? 'Discord' : 'Telegram'} commands; alerts still flow`,
          );
        }
      }
      if (platforms.length > 0)
        logger.info(
          { event: 'commands.started', platforms, commands: commands.map((c) => c.name) },
          'chat commands ready',
        );
    },
    async stop() {
      for (const adapter of started.splice(0)) await adapter.stop();
    },
  };
}
