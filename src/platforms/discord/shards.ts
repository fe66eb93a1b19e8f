/**
 * One gateway connection per shard across every instance of the bot. Each shard i is the lease 'discord:shard:<i>':
 * an instance connects the shards it holds and renews their leases while it keeps them; a shard whose holder died
 * without releasing it (SIGKILL) is free once its lease expires, and the next scan of a live instance takes it.
 * Instances holding no shard still post over REST. The shard count is the one Discord recommends (/gateway/bot),
 * read once at start: a new count needs a restart of every instance, as with discord.js's own sharding.
 */
import type { Coordinator } from '../../coordination/coordinator.js';
import { createLeaseLoop, HeldLease } from '../../coordination/lease-loop.js';
import type { SinkLogger } from '../../outbox/sink.js';

export const shardLease = (shardId: number) => `discord:shard:${shardId}`;
/** Where an instance that stops cleanly tells the others its shards are free. */
export const SHARDS_CHANNEL = 'taza:discord-shards';

export interface ShardConnection {
  /** Closes the gateway connection. */
  close(): Promise<void>;
  /** Settles when the connection ended for good (Discord refused it); its shard is then given up. */
  readonly ended: Promise<void>;
}

export interface ShardPoolTimings {
  /** How long a shard stays taken without renewal: the takeover time after its holder dies. Default 20 s. */
  leaseTtlMs: number;
  /** How often held shards are renewed and free ones looked for. Default 5 s. */
  scanMs: number;
}

export interface ShardPoolOptions extends Partial<ShardPoolTimings> {
  coordinator: Coordinator;
  /** The number of shards (GET /gateway/bot), read at the first scan that can. */
  shardCount(): Promise<number>;
  /** Opens the gateway connection of one shard; resolves once it is ready. */
  connect(shardId: number, shardCount: number): Promise<ShardConnection>;
  logger?: SinkLogger;
}

export interface ShardPool {
  /** Reads the shard count and takes the free shards once (a failure is retried by the next scan). */
  start(): Promise<void>;
  /** Closes this instance's connections and releases their shards. Idempotent. */
  stop(): Promise<void>;
  /** The shards this instance holds (connected or connecting). */
  held(): number[];
  readonly shardCount: number | undefined;
}

interface HeldShard {
  hold: HeldLease;
  /** Resolves with the connection once ready (undefined when connecting failed). */
  connection: Promise<ShardConnection | undefined>;
}

export function createShardPool(options: ShardPoolOptions): ShardPool {
  const { coordinator, logger } = options;
  const ttlMs = options.leaseTtlMs ?? 20_000;
  const scanMs = options.scanMs ?? 5_000;
  const held = new Map<number, HeldShard>();
  const base = { platform: 'discord', instanceId: coordinator.instanceId };
  let shardCount: number | undefined;

  const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

  /** Closes a shard's connection (once it is open) and lets its lease go, or leaves it to expire when lost. */
  const drop = async (shardId: number, release: boolean) => {
    const shard = held.get(shardId);
    if (!shard) return;
    held.delete(shardId);
    const connection = await shard.connection;
    await connection
      ?.close()
      .catch((error: unknown) =>
        logger?.warn({ ...base, shardId, event: 'discord.shard-close-failed', err: errorText(error) }, 'close failed'),
      );
    if (release) await shard.hold.lease.release();
  };

  const take = (shardId: number, hold: HeldLease, count: number) => {
    logger?.info({ ...base, shardId, shardCount: count, event: 'discord.shard-acquired' }, 'connecting a shard');
    const shard: HeldShard = {
      hold,
      connection: options.connect(shardId, count).then(
        (connection) => {
          // Discord refused the shard for good: another instance (or a later scan) may try it.
          void connection.ended.then(() => {
            if (held.get(shardId) !== shard) return;
            logger?.error({ ...base, shardId, event: 'discord.shard-ended' }, 'shard connection ended; giving it up');
            void drop(shardId, true).catch(() => undefined);
          });
          return connection;
        },
        (error: unknown) => {
          logger?.error(
            { ...base, shardId, event: 'discord.shard-connect-failed', err: errorText(error) },
            'could not connect a shard; giving it up',
          );
          if (held.get(shardId) === shard) {
            held.delete(shardId);
            void hold.lease.release().catch(() => undefined);
          }
          return undefined;
        },
      ),
    };
    held.set(shardId, shard);
  };

  const renew = async (shardId: number, shard: HeldShard) => {
    const kept = await shard.hold.keep(ttlMs, scanMs, (error) =>
      logger?.warn({ ...base, shardId, event: 'discord.shard-renew-failed', err: errorText(error) }, 'renew failed'),
    );
    if (kept || held.get(shardId) !== shard) return;
    logger?.warn({ ...base, shardId, event: 'discord.shard-lost' }, 'lost a shard lease; disconnecting it');
    await drop(shardId, false);
  };

  const scan = async () => {
    if (shardCount === undefined) {
      shardCount = await options.shardCount();
      logger?.info({ ...base, shardCount, event: 'discord.shards' }, `the bot has ${shardCount} shard(s)`);
    }
    await Promise.all([...held].map(([shardId, shard]) => renew(shardId, shard)));
    // One new shard per scan: Discord lets a bot identify about one shard per 5 s (max_concurrency 1), and it
    // spreads the shards over the instances; starting at a random shard helps when they start together.
    const offset = Math.floor(Math.random() * shardCount);
    for (let k = 0; k < shardCount && !loop.stopped; k++) {
      const shardId = (offset + k) % shardCount;
      if (held.has(shardId)) continue;
      const lease = await coordinator.tryLease(shardLease(shardId), ttlMs);
      if (!lease) continue;
      if (loop.stopped) {
        await lease.release();
        return;
      }
      take(shardId, new HeldLease(lease), shardCount);
      return;
    }
  };

  const loop = createLeaseLoop({
    coordinator,
    channel: SHARDS_CHANNEL,
    everyMs: scanMs,
    attempt: scan,
    onError: (error) =>
      logger?.warn({ ...base, event: 'discord.shard-scan-failed', err: errorText(error) }, 'shard scan failed'),
  });

  return {
    start: () => loop.start(),
    async stop() {
      if (loop.stopped) return;
      await loop.stop();
      const released = [...held.keys()];
      const results = await Promise.allSettled(released.map((shardId) => drop(shardId, true)));
      for (const result of results)
        if (result.status === 'rejected')
          logger?.warn(
            { ...base, event: 'discord.shard-release-failed', err: errorText(result.reason) },
            'a shard lease could not be released; it expires on its own',
          );
      if (released.length > 0) await coordinator.publish(SHARDS_CHANNEL, 'released').catch(() => undefined);
    },
    held: () => [...held.keys()].sort((a, b) => a - b),
    get shardCount() {
      return shardCount;
    },
  };
}
