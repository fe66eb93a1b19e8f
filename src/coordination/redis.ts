/**
 * The coordinator of instances sharing one Redis. Leases are keys set with `SET NX PX` (Redis expires them on its
 * own clock, so a dead holder's lease frees itself) holding a random token, renewed and released by scripts that
 * first check the token: an instance never extends or deletes a lease that has passed to another. The shared rate
 * is a sorted set of recent uses trimmed to the window, checked and added to in one script. Messages use pub/sub
 * on a second connection (a subscribed connection may send nothing else), which node-redis subscribes again after
 * a reconnect.
 */
import { randomUUID } from 'node:crypto';
import { networkStoreError, withTimeout } from '../store/errors.js';
import { closeRedis, connectRedis, type RedisClient } from '../store/redis.js';
import type { Coordinator, Lease } from './coordinator.js';
import { takeWhenFree, waitForLease } from './waiting.js';

const LEASE_PREFIX = 'taza:lease:';
const RATE_PREFIX = 'taza:rate:';

/** KEYS[1] the lease; ARGV token, TTL in ms. Extends it only while it is still this holder's. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** KEYS[1] the lease; ARGV token, hold in ms (0: delete now). Touches it only while it is still this holder's. */
const RELEASE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * A sliding window on the server's clock: KEYS[1] the uses (scores in ms); ARGV limit, window in ms, a unique id.
 * Returns 0 when a use was taken, else the ms until the oldest use leaves the window. Any `window` ms hold at most
 * `limit` uses, which a fixed window does not promise (two full windows back to back allow twice the limit).
 */
const TAKE_RATE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, math.ceil(tonumber(oldest[2]) + window - now))`;

/** How long a connection refused at start is tried again (Redis starting beside Taza). */
const START_RETRY_MS = 2000;

export async function openRedisCoordinator(options: { url: string; timeoutMs: number }): Promise<Coordinator> {
  const { url, timeoutMs } = options;
  const fail = (error: unknown) => networkStoreError('redis', url, error);
  const retryMs = Math.min(START_RETRY_MS, timeoutMs / 2);
  const client = await connectRedis({ url, timeoutMs, retryMs });
  let subscriber: RedisClient;
  try {
    subscriber = await connectRedis({ url, timeoutMs, retryMs });
  } catch (error) {
    await closeRedis(client, timeoutMs);
    throw error;
  }
  let closed = false;
  /** Per channel: its handlers, and Redis's confirmation of the subscription (shared by concurrent subscribers). */
  const channels = new Map<string, { handlers: Set<(message: string) => void>; subscribed: Promise<unknown> }>();

  /** Every command: bounded, and a StoreError when Redis fails or the coordinator is closed. */
  const run = async <T>(command: () => Promise<T>): Promise<T> => {
    try {
      if (closed) throw new Error('The client is closed');
      return await withTimeout(command(), timeoutMs);
    } catch (error) {
      throw fail(error);
    }
  };
  const script = (source: string, key: string, args: Array<string | number>) =>
    run(() => client.eval(source, { keys: [key], arguments: args.map(String) }));

  const tryLease = async (name: string, ttlMs: number): Promise<Lease | undefined> => {
    const key = LEASE_PREFIX + name;
    const token = randomUUID();
    const taken = await run(() => client.set(key, token, { NX: true, PX: Math.max(1, Math.ceil(ttlMs)) }));
    if (taken !== 'OK') return undefined;
    return {
      name,
      async renew(ttl) {
        return (await script(RENEW, key, [token, Math.max(1, Math.ceil(ttl))])) === 1;
      },
      async release(holdMs = 0) {
        await script(RELEASE, key, [token, Math.max(0, Math.ceil(holdMs))]);
      },
    };
  };

  const dispatch = (message: string, channel: string) => {
    for (const handler of channels.get(channel)?.handlers ?? []) handler(message);
  };

  return {
    kind: 'redis',
    shared: true,
    instanceId: randomUUID(),
    tryLease,
    lease: (name, ttlMs, waitOptions) => waitForLease(tryLease, name, ttlMs, waitOptions),
    async takeRate(name, limit, windowMs) {
      await takeWhenFree(
        async () => Number(await script(TAKE_RATE, RATE_PREFIX + name, [limit, windowMs, randomUUID()])) || 0,
      );
    },
    async publish(channel, message) {
      await run(() => client.publish(channel, message));
    },
    async subscribe(channel, handler) {
      let entry = channels.get(channel);
      if (!entry) {
        const created = {
          handlers: new Set<(message: string) => void>(),
          subscribed: Promise.resolve() as Promise<unknown>,
        };
        created.subscribed = run(() => subscriber.subscribe(channel, dispatch)).catch((error: unknown) => {
          if (channels.get(channel) === created) channels.delete(channel);
          throw error;
        });
        channels.set(channel, (entry = created));
      }
      await entry.subscribed;
      const { handlers } = entry;
      handlers.add(handler);
      return async () => {
        if (!handlers.delete(handler) || handlers.size > 0 || channels.get(channel) !== entry) return;
        channels.delete(channel);
        // Delivery to the handler has stopped already (above); telling Redis can wait for a connection.
        await run(() => subscriber.unsubscribe(channel, dispatch)).catch(() => {});
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      channels.clear();
      await Promise.all([closeRedis(client, timeoutMs), closeRedis(subscriber, timeoutMs)]);
    },
  };
}
