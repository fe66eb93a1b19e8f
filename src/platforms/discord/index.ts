/**
 * The Discord platform: the sink that posts alerts and the adapter that serves the slash commands, both on one
 * discord.js client. The app loads this module only when DISCORD_TOKEN is set. With a coordinator (several
 * instances on one backend), the sink's client posts over REST only, the gateway shards are shared out through
 * leases (shards.ts, one client per shard held: shard-client.ts), and every REST request takes a use of the bot's
 * global rate shared by all instances (global-rate.ts).
 */
import { Events, Routes } from 'discord.js';
import type { PlatformAdapter } from '../../chat/adapter.js';
import type { Coordinator } from '../../coordination/coordinator.js';
import { discordCommands, type DiscordCommandOptions } from './commands.js';
import { globalRateRequest, type GlobalRate } from './global-rate.js';
import { connectShardClient } from './shard-client.js';
import { createShardPool, type ShardPool, type ShardPoolTimings } from './shards.js';
import { createDiscordSink, type DiscordSink, type DiscordSinkOptions } from './sink.js';

export interface DiscordPlatformOptions extends DiscordSinkOptions {
  /** Register the commands in this guild only (instant, for development) instead of globally. */
  guildId?: string;
  commands?: Pick<DiscordCommandOptions, 'autoDeferMs' | 'maxAttachmentBytes'>;
  /** Given when other instances share the backend: shards and the global rate limit are shared with them. */
  coordinator?: Coordinator;
  sharding?: Partial<ShardPoolTimings>;
  globalRate?: Partial<GlobalRate>;
}

export interface DiscordPlatform extends PlatformAdapter {
  sink: DiscordSink;
  /** The shards this instance connects, when instances share the backend. */
  shards?: ShardPool;
}

export function createDiscordPlatform(options: DiscordPlatformOptions): DiscordPlatform {
  const commandOptions = { ...options.commands, guildId: options.guildId, logger: options.logger };
  const { coordinator } = options;
  if (!coordinator) {
    const sink = createDiscordSink(options);
    return { sink, commands: discordCommands(sink, commandOptions) };
  }
  const makeRequest = globalRateRequest(coordinator, options.globalRate, options.makeRequest);
  const own = createDiscordSink({ ...options, restOnly: true, makeRequest });
  const shards = createShardPool({
    ...options.sharding,
    coordinator,
    logger: options.logger,
    shardCount: async () => ((await own.client.rest.get(Routes.gatewayBot())) as { shards: number }).shards,
    connect: (shardId, shardCount) =>
      connectShardClient({
        token: options.token,
        apiBase: options.apiBase,
        requestTimeoutMs: options.requestTimeoutMs,
        makeRequest,
        shardId,
        shardCount,
        logger: options.logger,
        onInteraction: (interaction) => own.client.emit(Events.InteractionCreate, interaction),
      }),
  });
  const sink: DiscordSink = {
    ...own,
    async start() {
      await own.start();
      await shards.start();
    },
    async stop() {
      await shards.stop();
      await own.stop();
    },
  };
  return { sink, shards, commands: discordCommands(sink, commandOptions) };
}
