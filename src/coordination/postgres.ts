/**
 * The coordinator of instances sharing one Postgres. A lease is a row of `taza_leases` (name, random token,
 * expiry) taken by an upsert that only overwrites an expired row, all on the server's clock, so the instances'
 * clocks never matter. The shared rate is a log of recent uses per name, counted and added to by a function that
 * holds a transaction-scoped advisory lock on the name meanwhile. Messages use NOTIFY, received by one dedicated
 * LISTEN connection that connects again (and listens again) after it is lost.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Client, Pool } from 'pg';
import { networkStoreError, withTimeout } from '../store/errors.js';
import { connectWithRetries, createPool } from '../store/postgres.js';
import type { Coordinator, Lease } from './coordinator.js';
import { takeWhenFree, waitForLease } from './waiting.js';

/** How long a connection refused at start is tried again (Postgres starting beside Taza). */
const START_RETRY_MS = 2000;
/** Longest pause between two attempts to get the LISTEN connection back. */
const MAX_RECONNECT_DELAY_MS = 2000;
/** Any number, the same in every instance: creating the tables and the function one instance at a time. */
const SETUP_LOCK = 7_262_015;

const SETUP = [
  `CREATE TABLE IF NOT EXISTS public.taza_leases(name text PRIMARY KEY, token text NOT NULL, expires_at timestamptz NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS public.taza_rate_uses(name text NOT NULL, used_at timestamptz NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS taza_rate_uses_name_used_at ON public.taza_rate_uses(name, used_at)`,
  // A sliding window: any `window` holds at most `limit` uses (a fixed window allows twice that across its edge).
  // Returns 0 when a use was taken, else the ms until the oldest use leaves the window.
  `CREATE OR REPLACE FUNCTION public.taza_take_rate(p_name text, p_limit integer, p_window_ms double precision)
   RETURNS double precision LANGUAGE plpgsql AS $$
   DECLARE
     win interval := p_window_ms * interval '1 millisecond';
     t timestamptz;
     used integer;
     oldest timestamptz;
   BEGIN
     -- Callers of one name one at a time, until this transaction ends: the count and the insert must not interleave.
     PERFORM pg_advisory_xact_lock(hashtextextended('taza:rate:' || p_name, 0));
     t := clock_timestamp();
     DELETE FROM public.taza_rate_uses WHERE name = p_name AND used_at <= t - win;
     SELECT count(*), min(used_at) INTO used, oldest FROM public.taza_rate_uses WHERE name = p_name;
     IF used < p_limit THEN
       INSERT INTO public.taza_rate_uses(name, used_at) VALUES (p_name, t);
       RETURN 0;
     END IF;
     RETURN greatest(1, extract(epoch FROM (oldest + win - t)) * 1000);
   END $$`,
];

const TRY_LEASE = `INSERT INTO public.taza_leases AS l (name, token, expires_at)
  VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
  ON CONFLICT (name) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
  WHERE l.expires_at <= clock_timestamp()
  RETURNING token`;
const RENEW = `UPDATE public.taza_leases SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
  WHERE name = $1 AND token = $2 AND expires_at > clock_timestamp()`;
const DELETE = `DELETE FROM public.taza_leases WHERE name = $1 AND token = $2`;

/**
 * Postgres folds unquoted channel names to lower case and cuts them at 63 bytes: a digest of the name (hex, quoted
 * where it is an identifier) keeps any channel name apart from every other and safe to put in SQL.
 */
export function pgChannel(channel: string): string {
  return `taza_${createHash('sha256').update(channel).digest('hex').slice(0, 40)}`;
}

export async function openPostgresCoordinator(options: { url: string; timeoutMs: number }): Promise<Coordinator> {
  const { url, timeoutMs } = options;
  const fail = (error: unknown) => networkStoreError('postgres', url, error);
  const pool = await createPool(url, timeoutMs);
  try {
    await withTimeout(connectWithRetries(pool, Date.now() + Math.min(START_RETRY_MS, timeoutMs / 2)), timeoutMs);
    await withTimeout(setUp(pool), timeoutMs);
  } catch (error) {
    await pool.end().catch(() => {});
    throw fail(error);
  }
  let closed = false;

  /** Every query: bounded, and a StoreError when Postgres fails or the coordinator is closed. */
  const query = async (sql: string, values: unknown[]) => {
    try {
      if (closed) throw new Error('the coordinator is closed');
      return await withTimeout(pool.query(sql, values), timeoutMs);
    } catch (error) {
      throw fail(error);
    }
  };

  const tryLease = async (name: string, ttlMs: number): Promise<Lease | undefined> => {
    const token = randomUUID();
    const taken = await query(TRY_LEASE, [name, token, Math.max(1, ttlMs)]);
    if (taken.rowCount === 0) return undefined;
    return {
      name,
      async renew(ttl) {
        return ((await query(RENEW, [name, token, Math.max(1, ttl)])).rowCount ?? 0) > 0;
      },
      async release(holdMs = 0) {
        if (holdMs > 0) await query(RENEW, [name, token, holdMs]);
        else await query(DELETE, [name, token]);
      },
    };
  };

  const listener = new Listener(url, timeoutMs, fail);
  return {
    kind: 'postgres',
    shared: true,
    instanceId: randomUUID(),
    tryLease,
    lease: (name, ttlMs, waitOptions) => waitForLease(tryLease, name, ttlMs, waitOptions),
    async takeRate(name, limit, windowMs) {
      await takeWhenFree(
        async () =>
          Number(
            (await query('SELECT public.taza_take_rate($1, $2, $3) AS wait', [name, limit, windowMs])).rows[0]?.wait,
          ) || 0,
      );
    },
    async publish(channel, message) {
      await query('SELECT pg_notify($1, $2)', [pgChannel(channel), message]);
    },
    subscribe: (channel, handler) => listener.subscribe(pgChannel(channel), handler),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([listener.close(), withTimeout(pool.end(), timeoutMs).catch(() => {})]);
    },
  };
}

async function setUp(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK]);
    for (const statement of SETUP) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** A channel's handlers, and the LISTEN that concurrent subscribers of a new channel all wait for. */
interface Channel {
  handlers: Set<(message: string) => void>;
  listening: Promise<unknown>;
}

/**
 * The one connection that LISTENs, for every channel of this instance. Lost (Postgres restarted, a network cut),
 * it is opened again with backoff and listens to every channel again; messages sent meanwhile are lost, which
 * the port allows (the caches they refresh are reloaded periodically as well).
 */
class Listener {
  private client?: Client;
  private connecting?: Promise<Client>;
  private readonly channels = new Map<string, Channel>();
  private retries = 0;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly fail: (error: unknown) => Error,
  ) {}

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    if (this.closed) throw this.fail(new Error('the coordinator is closed'));
    let entry = this.channels.get(channel);
    if (!entry) {
      // In the map before LISTEN: a connection opened meanwhile listens to it too (twice is harmless).
      const created: Channel = { handlers: new Set(), listening: Promise.resolve() };
      created.listening = this.connection()
        .then((client) => withTimeout(client.query(`LISTEN "${channel}"`), this.timeoutMs))
        .catch((error: unknown) => {
          if (this.channels.get(channel) === created) this.channels.delete(channel);
          throw this.fail(error);
        });
      this.channels.set(channel, (entry = created));
    }
    await entry.listening;
    const { handlers } = entry;
    const listened = entry;
    handlers.add(handler);
    return async () => {
      if (!handlers.delete(handler) || handlers.size > 0 || this.channels.get(channel) !== listened) return;
      this.channels.delete(channel);
      // Delivery to the handler has stopped already; a lost connection has stopped listening anyway.
      await this.client?.query(`UNLISTEN "${channel}"`).catch(() => {});
    };
  }

  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.timeoutMs,
      keepAlive: true,
      application_name: 'taza-listen',
    });
    // A lost connection is an 'error' and an 'end'; either way it is replaced. Without a listener an 'error'
    // would crash the process.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (notification) => {
      for (const handler of this.channels.get(notification.channel)?.handlers ?? [])
        handler(notification.payload ?? '');
    });
    try {
      await withTimeout(client.connect(), this.timeoutMs);
      for (const channel of this.channels.keys())
        await withTimeout(client.query(`LISTEN "${channel}"`), this.timeoutMs);
    } catch (error) {
      client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      throw new Error('the coordinator is closed');
    }
    this.client = client;
    this.retries = 0;
    return client;
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer || this.channels.size === 0) return;
    const delay = Math.min(100 * 2 ** this.retries++, MAX_RECONNECT_DELAY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connection().catch(() => this.scheduleReconnect());
    }, delay);
    // Waiting to reconnect keeps nothing alive: the process's own work does.
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.channels.clear();
    const client = this.client;
    this.client = undefined;
    await this.connecting?.catch(() => {});
    if (client) await withTimeout(client.end(), this.timeoutMs).catch(() => {});
  }
}
