/** The Redis store: one client for every namespace, keys prefixed `<namespace>::` by @keyv/redis. */
import type { KeyvStoreAdapter } from 'keyv';
import { errorChain, networkStoreError, withTimeout } from './errors.js';
import { guardAdapter } from './guard.js';

/** Longest pause between two reconnection attempts once Taza runs: the store is back within 2 s of Redis. */
const MAX_RECONNECT_DELAY_MS = 2000;

export interface RedisStore {
  adapters: Record<string, KeyvStoreAdapter>;
  /** Stores a serialized keyv value under a keyv key unless a live one is there; true when it stored it. */
  insertIfAbsent(
    namespace: string,
    key: string,
    value: string,
    ttlMs: number | undefined,
    now: number,
  ): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * SET NX PX, except that a value keyv counts as expired (its `expires` before the caller's clock, which is what
 * keyv's `get` goes by) is replaced too: Redis's own expiry of the key runs on the server's clock, and may come
 * later. KEYS[1] the key; ARGV value, TTL in ms ('' for none), the caller's now in ms.
 */
const INSERT_IF_ABSENT = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  local expires = ok and type(decoded) == 'table' and decoded.expires
  if type(expires) ~= 'number' or expires >= tonumber(ARGV[3]) then return 0 end
end
if ARGV[2] == '' then redis.call('SET', KEYS[1], ARGV[1]) else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`;

/**
 * Connects within `timeoutMs` or throws a StoreError: a refused connection is tried again for `retryMs` (Redis
 * may be starting beside Taza), a refused login is not. Once connected, a lost connection is retried for ever, and
 * meanwhile every operation rejects at once instead of queueing (node-redis's offline queue would hold it until
 * Redis came back); an operation that gets no answer rejects after `timeoutMs`.
 */
/** Keys Redis looks at per SCAN call when a namespace is listed. */
const LIST_SCAN_COUNT = 1000;

export async function openRedis(options: {
  url: string;
  namespaces: readonly string[];
  timeoutMs: number;
  retryMs: number;
}): Promise<RedisStore> {
  const { url, namespaces, timeoutMs } = options;
  const fail = (error: unknown) => networkStoreError('redis', url, error);
  const { default: KeyvRedis } = await import('@keyv/redis');
  const client = await connectRedis({ url, timeoutMs, retryMs: options.retryMs });
  // Each namespace's adapter listens for errors on this one client: past Node's default of 10 listeners that is
  // no leak, but Node would warn that it is.
  client.setMaxListeners(client.getMaxListeners() + namespaces.length);

  let closed = false;
  const adapters: Record<string, KeyvStoreAdapter> = {};
  for (const ns of namespaces) {
    const adapter = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true });
    // Its clear() swallows every error; this one lets them through.
    adapter.clear = async () => {
      const match = `${adapter.namespace ?? ns}${adapter.keyPrefixSeparator}*`;
      let cursor = '0';
      do {
        const page = await client.scan(cursor, { MATCH: match, COUNT: 1000 });
        cursor = String(page.cursor);
        if (page.keys.length > 0) await client.unlink(page.keys);
      } while (cursor !== '0');
    };
    // keyv's listing SCANs with Redis's default COUNT of 10 keys looked at per call, over the whole keyspace (the
    // seen set, the job engine's keys): a registry reload took thousands of round trips, 62 per feed check with
    // three instances at 1,000 feeds. The same listing, a thousand keys looked at per call.
    adapter.iterator = async function* (namespace?: string) {
      const match = `${namespace ?? ns}${adapter.keyPrefixSeparator}*`;
      const prefix = `${namespace ?? ns}${adapter.keyPrefixSeparator}`;
      let cursor = '0';
      do {
        const page = await client.scan(cursor, { MATCH: match, COUNT: LIST_SCAN_COUNT, TYPE: 'string' });
        cursor = String(page.cursor);
        if (page.keys.length === 0) continue;
        const values = await client.mGet(page.keys);
        for (const [i, key] of page.keys.entries()) yield [key.slice(prefix.length), values[i] ?? undefined];
      } while (cursor !== '0');
    } as typeof adapter.iterator;
    // The shared client is closed once, by `close` below. Without this, an operation on a closed client
    // would open a new connection (and keep the process alive after close).
    adapter.disconnect = async () => {};
    adapter.getClient = async () => {
      if (closed) throw new Error('The client is closed');
      return client;
    };
    adapters[ns] = guardAdapter(adapter as unknown as KeyvStoreAdapter, { fail, timeoutMs });
  }
  return {
    adapters,
    async insertIfAbsent(namespace, key, value, ttlMs, now) {
      if (closed) throw fail(new Error('The client is closed'));
      const inserted = await withTimeout(
        client.eval(INSERT_IF_ABSENT, {
          // The key layout of @keyv/redis: `<namespace>::<keyv key>`.
          keys: [`${namespace}::${key}`],
          arguments: [value, ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(ttlMs))), String(now)],
        }),
        timeoutMs,
      ).catch((error: unknown) => {
        throw fail(error);
      });
      return inserted === 1;
    },
    async close() {
      closed = true;
      await closeRedis(client, timeoutMs);
    },
  };
}

export type RedisClient = Awaited<ReturnType<typeof connectRedis>>;

/**
 * One node-redis connection, connected within `timeoutMs` or a StoreError: a refused connection is tried again for
 * `retryMs` (Redis may be starting beside Taza), a refused login is not. Once connected, a lost connection is
 * retried for ever, and meanwhile every command rejects at once instead of queueing (node-redis's offline queue
 * would hold it until Redis came back). The store and the coordinator each open their own.
 */
export async function connectRedis(options: { url: string; timeoutMs: number; retryMs: number }) {
  const { url, timeoutMs } = options;
  const fail = (error: unknown) => networkStoreError('redis', url, error);
  const { createClient } = await import('@keyv/redis');
  const retryUntil = Date.now() + options.retryMs;
  let ready = false;
  let client: ReturnType<typeof createClient>;
  try {
    client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: timeoutMs,
        reconnectStrategy: (retries: number, cause: Error) => {
          const delay = Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS);
          if (ready) return delay;
          // Before the first connection: give up on what waiting cannot fix, and after `retryMs`.
          if (!isRetryable(cause) || Date.now() + delay > retryUntil) return cause;
          return delay;
        },
      },
    });
  } catch (error) {
    // The URL is parsed here: `redis://host/name` is refused, the database is a number.
    throw fail(error);
  }
  // Every failure also reaches the caller as a rejection; without a listener an 'error' event would crash.
  client.on('error', () => {});
  client.on('ready', () => (ready = true));
  try {
    await withTimeout(client.connect(), timeoutMs);
  } catch (error) {
    destroyRedis(client);
    throw fail(error);
  }
  return client;
}

/** Closes a client, waiting at most `timeoutMs` for the replies still due (a Redis that is gone never sends them). */
export async function closeRedis(client: RedisClient, timeoutMs: number): Promise<void> {
  if (!client.isOpen) return;
  await withTimeout(client.close(), timeoutMs).catch(() => destroyRedis(client));
}

function destroyRedis(client: { isOpen: boolean; destroy(): void }): void {
  try {
    if (client.isOpen) client.destroy();
  } catch {
    // Already closed.
  }
}

/** Connection failures that may go away by themselves (Redis starting, a blip); not a wrong password or host. */
function isRetryable(cause: unknown): boolean {
  const chain = errorChain(cause);
  if (chain.some((entry) => /WRONGPASS|NOAUTH|invalid password|without any password/i.test(entry.message)))
    return false;
  return !chain.some((entry) => entry.code === 'ENOTFOUND' || entry.code === 'EAI_NONAME');
}
