/**
 * The gateway connection of one shard, as a discord.js Client of its own (`shards: [i]`, `shardCount: n`), so an
 * instance can connect and drop shards one by one as it takes and loses their leases. Its interactions are handed
 * to the sink's client, where the command layer listens; replies go out over this client's REST, through the same
 * request function (and so the same shared global rate) as the sink's.
 */
import { Client, Events, GatewayIntentBits, type Interaction, type RESTOptions } from 'discord.js';
import type { SinkLogger } from '../../outbox/sink.js';
import type { ShardConnection } from './shards.js';

export interface ShardClientOptions {
  token: string;
  apiBase: string;
  shardId: number;
  shardCount: number;
  requestTimeoutMs?: number;
  makeRequest?: RESTOptions['makeRequest'];
  /** A shard not ready by then is given up (and its lease released), so a stop never waits on it. Default 60 s. */
  readyTimeoutMs?: number;
  onInteraction(interaction: Interaction): void;
  logger?: SinkLogger;
}

export async function connectShardClient(options: ShardClientOptions): Promise<ShardConnection> {
  const { logger, shardId } = options;
  const redact = (text: string) => text.split(options.token).join('[redacted]');
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    shards: [shardId],
    shardCount: options.shardCount,
    rest: {
      api: options.apiBase,
      timeout: options.requestTimeoutMs ?? 15_000,
      ...(options.makeRequest ? { makeRequest: options.makeRequest } : {}),
    },
  });
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  client.on(Events.InteractionCreate, (interaction) => options.onInteraction(interaction));
  client.on(Events.ShardReconnecting, () =>
    logger?.warn({ platform: 'discord', shardId }, 'discord gateway connection lost; reconnecting'),
  );
  client.on(Events.ShardResume, () => logger?.info({ platform: 'discord', shardId }, 'discord gateway resumed'));
  client.on(Events.ShardDisconnect, (event) => {
    logger?.error({ platform: 'discord', shardId, code: event.code }, 'discord gateway closed and will not reconnect');
    end();
  });
  client.on(Events.Error, (error) =>
    logger?.error({ platform: 'discord', shardId, err: redact(error.message) }, 'discord client error'),
  );
  client.on(Events.Debug, (message) => logger?.debug({ platform: 'discord', shardId }, redact(message)));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`shard ${shardId} not ready after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.login(options.token).then(() => ready), late]);
  } catch (error) {
    await client.destroy();
    throw new Error(redact(error instanceof Error ? error.message : String(error)));
  } finally {
    clearTimeout(timer);
  }
  logger?.info(
    { platform: 'discord', shardId, shardCount: options.shardCount, guilds: client.guilds.cache.size },
    'discord shard connected',
  );
  return {
    close: async () => {
      await client.destroy();
      end();
    },
    ended,
  };
}
