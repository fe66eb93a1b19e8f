/**
 * The Discord platform: the sink that posts alerts and the adapter that serves the slash commands, both on one
 * discord.js client. The app loads this module only when DISCORD_TOKEN is set.
 */
import type { PlatformAdapter } from '../../chat/adapter.js';
import { discordCommands, type DiscordCommandOptions } from './commands.js';
import { createDiscordSink, type DiscordSink, type DiscordSinkOptions } from './sink.js';

export interface DiscordPlatformOptions extends DiscordSinkOptions {
  /** Register the commands in this guild only (instant, for development) instead of globally. */
  guildId?: string;
  commands?: Pick<DiscordCommandOptions, 'autoDeferMs' | 'maxAttachmentBytes'>;
}

export function createDiscordPlatform(options: DiscordPlatformOptions): PlatformAdapter & { sink: DiscordSink } {
  const sink = createDiscordSink(options);
  return {
    sink,
    commands: discordCommands(sink, { ...options.commands, guildId: options.guildId, logger: options.logger }),
  };
}
