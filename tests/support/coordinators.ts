/**
 * Minimal Redis and Postgres coordinators for the shared-mode tests of the outbox, delivery and subscriptions, until
 * the app's own (src/coordination/{redis,postgres}.ts) exist: real servers, real leases with expiry (Redis
 * `SET NX PX`, a Postgres row compared with the server's clock), real pub/sub (Redis PUBLISH, Postgres NOTIFY).
 * Each call opens its own connections, as another instance would.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import pg from 'pg';
import { LeaseTimeout, type Coordinator, type Lease } from '../../src/coordination/coordinator.js';
import type { Store } from '../../src/store/open.js';

interface Backend {
  acquire(name: string, token: string, ttlMs: number): Promise<boolean>;
  renew(name: string, token: string, ttlMs: number): Promise<boolean>;
  release(name: string, token: string, holdMs: number): Promise<void>;
  incrementWindow(name: string, windowMs: number): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

function coordinatorOver(kind: 'redis' | 'postgres', backend: Backend): Coordinator {
  const tryLease = async (name: string, ttlMs: number): Promise<Lease | undefined> => {
    const token = randomUUID();
    if (!(await backend.acquire(name, token, ttlMs))) return undefined;
    return {
      name,
      renew: (ttl) => backend.renew(name, token, ttl),
      release: (holdMs = 0) => backend.release(name, token, holdMs),
    };
  };
  return {
    kind,
    shared: true,
    instanceId: randomUUID(),
    tryLease,
    async lease(name, ttlMs, { timeoutMs = Infinity, pollMs = 50, signal } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        signal?.throwIfAborted();
        const lease = await tryLease(name, ttlMs);
        if (lease) return lease;
        if (Date.now() >= deadline) throw new LeaseTimeout(name);
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(pollMs, deadline - Date.now()))));
      }
    },
    async takeRate(name, limit, windowMs) {
      while ((await backend.incrementWindow(name, windowMs)) > limit)
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, windowMs / 10)));
    },
    publish: (channel, message) => backend.publish(channel, message),
    subscribe: (channel, handler) => backend.subscribe(channel, handler),
    close: () => backend.close(),
  };
}

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then return redis.call('pexpire', KEYS[1], ARGV[2]) else return redis.call('del', KEYS[1]) end
else return 0 end`;

export async function testRedisCoordinator(url: string): Promise<Coordinator> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  const subscriber = client.duplicate();
  subscriber.on('error', () => {});
  await subscriber.connect();
  const key = (name: string) => `taza:lease:${name}`;
  return coordinatorOver('redis', {
    async acquire(name, token, ttlMs) {
      return (await client.set(key(name), token, { NX: true, PX: Math.ceil(ttlMs) })) === 'OK';
    },
    async renew(name, token, ttlMs) {
      return (
        Number(await client.eval(RENEW, { keys: [key(name)], arguments: [token, String(Math.ceil(ttlMs))] })) === 1
      );
    },
    async release(name, token, holdMs) {
      await client.eval(RELEASE, { keys: [key(name)], arguments: [token, String(Math.ceil(holdMs))] });
    },
    async incrementWindow(name, windowMs) {
      const window = `taza:rate:${name}:${Math.floor(Date.now() / windowMs)}`;
      const used = await client.incr(window);
      if (used === 1) await client.pExpire(window, windowMs * 2);
      return used;
    },
    async publish(channel, message) {
      await client.publish(channel, message);
    },
    async subscribe(channel, handler) {
      await subscriber.subscribe(channel, handler);
      return async () => {
        await subscriber.unsubscribe(channel, handler);
      };
    },
    async close() {
      await subscriber.close().catch(() => {});
      await client.close().catch(() => {});
    },
  });
}

export async function testPostgresCoordinator(url: string): Promise<Coordinator> {
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on('error', () => {});
  const listener = new pg.Client({ connectionString: url });
  listener.on('error', () => {});
  await listener.connect();
  try {
    await pool.query(
      'CREATE TABLE IF NOT EXISTS test_leases (name TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)',
    );
  } catch (error) {
    // Another instance created it at the same moment.
    if (!['23505', '42P07'].includes((error as { code?: string }).code ?? '')) throw error;
  }
  const handlers = new Map<string, Set<(message: string) => void>>();
  listener.on('notification', ({ channel, payload }) => {
    for (const handler of handlers.get(channel) ?? []) handler(payload ?? '');
  });
  return coordinatorOver('postgres', {
    async acquire(name, token, ttlMs) {
      const result = await pool.query(
        `INSERT INTO test_leases (name, token, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
         WHERE test_leases.expires_at <= now() RETURNING token`,
        [name, token, ttlMs],
      );
      return result.rowCount === 1;
    },
    async renew(name, token, ttlMs) {
      const result = await pool.query(
        `UPDATE test_leases SET expires_at = now() + $3 * interval '1 millisecond'
         WHERE name = $1 AND token = $2 AND expires_at > now()`,
        [name, token, ttlMs],
      );
      return result.rowCount === 1;
    },
    async release(name, token, holdMs) {
      await pool.query(
        `UPDATE test_leases SET expires_at = now() + $3 * interval '1 millisecond'
         WHERE name = $1 AND token = $2 AND expires_at > now()`,
        [name, token, holdMs],
      );
    },
    async incrementWindow(name, windowMs) {
      const window = `rate:${name}:${Math.floor(Date.now() / windowMs)}`;
      await pool.query(
        `INSERT INTO test_leases (name, token, expires_at) VALUES ($1, '0', now() + $2 * interval '1 millisecond')
         ON CONFLICT (name) DO NOTHING`,
        [window, windowMs * 2],
      );
      const result = await pool.query(
        `UPDATE test_leases SET token = (token::int + 1)::text WHERE name = $1 RETURNING token`,
        [window],
      );
      return Number(result.rows[0].token);
    },
    async publish(channel, message) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, message]);
    },
    async subscribe(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        await listener.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
      };
    },
    async close() {
      await listener.end().catch(() => {});
      await pool.end().catch(() => {});
    },
  });
}

/**
 * The store's insertIfAbsent made atomic across instances with a lease per key, until every backend's own atomic
 * insert exists (today it is a get-then-set, which two instances can both pass).
 */
export function withAtomicInserts(store: Store, coordinator: Coordinator): Store {
  const insertIfAbsent: Store['insertIfAbsent'] = async (namespace, key, value, ttlMs) => {
    const lease = await coordinator.lease(`insert:${namespace}:${key}`, 5000, { pollMs: 5 });
    try {
      return await store.insertIfAbsent(namespace, key, value, ttlMs);
    } finally {
      await lease.release();
    }
  };
  return Object.assign(Object.create(store) as Store, { insertIfAbsent });
}
