/**
 * The Postgres store: a table `taza_<namespace>` per namespace (the layout @keyv/postgres created, so existing
 * data is read as it is), over one pool of our own. @keyv/postgres shares a module-wide pool that nothing
 * listens to (an idle connection that Postgres closes crashed the process with an unhandled 'error'), has no
 * connection or query timeout, and its iterator ends quietly on a failed page (a partial list at start-up).
 */
import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';
import type { Pool } from 'pg';
import { errorChain, networkStoreError, withTimeout } from './errors.js';
import { guardAdapter } from './guard.js';

/** Rows per page when listing a namespace. */
const PAGE_SIZE = 1000;

export interface PostgresStore {
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
 * Connects within `timeoutMs` or throws a StoreError: a refused connection (or a server still starting) is
 * tried again for `retryMs`, a refused login or a missing database is not. Each query then gets `timeoutMs`;
 * a lost server fails the queries at once (a new connection is refused), and the pool connects again when
 * it is back.
 */
export async function openPostgres(options: {
  url: string;
  namespaces: readonly string[];
  timeoutMs: number;
  retryMs: number;
}): Promise<PostgresStore> {
  const { url, namespaces, timeoutMs } = options;
  const fail = (error: unknown) => networkStoreError('postgres', url, error);
  const pool = await createPool(url, timeoutMs);
  try {
    await withTimeout(connectWithRetries(pool, Date.now() + options.retryMs), timeoutMs);
    for (const ns of namespaces) await createTable(pool, tableName(ns));
  } catch (error) {
    await pool.end().catch(() => {});
    throw fail(error);
  }
  const adapters: Record<string, KeyvStoreAdapter> = {};
  for (const ns of namespaces)
    adapters[ns] = guardAdapter(new PostgresTable(pool, tableName(ns), url) as unknown as KeyvStoreAdapter, {
      fail,
      timeoutMs,
    });
  let closed = false;
  return {
    adapters,
    async insertIfAbsent(namespace, key, value, _ttlMs, now) {
      if (closed) throw fail(new Error('the store is closed'));
      const table = tableName(namespace);
      // A row is replaced only when keyv counts it expired: its `expires` (milliseconds, in the value's JSON)
      // before the caller's clock, which is what keyv's get goes by. The TTL itself lives in the value.
      const sql = `INSERT INTO ${table} AS t (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value
        WHERE CASE WHEN t.value LIKE '{%' THEN
          CASE WHEN jsonb_typeof(t.value::jsonb -> 'expires') = 'number' THEN (t.value::jsonb ->> 'expires')::numeric < $3::numeric ELSE false END
        ELSE false END
        RETURNING 1`;
      try {
        const result = await withTimeout(pool.query(sql, [key, value, now]), timeoutMs);
        return (result.rowCount ?? 0) > 0;
      } catch (error) {
        throw fail(error);
      }
    },
    async close() {
      closed = true;
      await withTimeout(pool.end(), timeoutMs).catch(() => {});
    },
  };
}

/** In `public`, where @keyv/postgres put them: a schema named after the user must not hide existing tables. */
function tableName(ns: string): string {
  return `public.taza_${ns}`;
}

/**
 * A pool of our own, with a bound on connecting and on each query, checked with a round-trip (a refused connection
 * or a server still starting is tried again for `retryMs`). The store and the coordinator each open their own.
 */
export async function createPool(url: string, timeoutMs: number, max = 4): Promise<Pool> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
    max,
    idleTimeoutMillis: 30_000,
    application_name: 'taza',
  });
  // An idle connection that the server closes is dropped by the pool; the next query opens a new one.
  pool.on('error', () => {});
  return pool;
}

export async function connectWithRetries(pool: Pool, deadline: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (error) {
      const delay = Math.min(100 * 2 ** attempt, 1000);
      if (!isRetryable(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Nothing listening yet, or Postgres starting up (57P03): waiting may help. A login or a database error won't. */
export function isRetryable(error: unknown): boolean {
  return errorChain(error).some((entry) => entry.code === 'ECONNREFUSED' || entry.code === '57P03');
}

async function createTable(pool: Pool, table: string): Promise<void> {
  try {
    await pool.query(`CREATE TABLE IF NOT EXISTS ${table}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
  } catch (error) {
    // Two processes creating the same table at once: the loser gets a duplicate type or table, and the table is there.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P07' && code !== '42710') throw error;
  }
}

/** One namespace's table as a keyv storage adapter. Keys arrive prefixed by keyv (`feeds:abc`). */
class PostgresTable extends EventEmitter {
  readonly opts: { dialect: 'postgres'; url: string; table: string };
  namespace?: string;

  constructor(
    private readonly pool: Pool,
    private readonly table: string,
    url: string,
  ) {
    super();
    this.opts = { dialect: 'postgres', url, table };
  }

  private async rows<T>(sql: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query(sql, values)).rows as T[];
  }

  async get(key: string): Promise<string | undefined> {
    const rows = await this.rows<{ value: string }>(`SELECT value FROM ${this.table} WHERE key = $1`, [key]);
    return rows[0]?.value;
  }

  async getMany(keys: string[]): Promise<Array<string | undefined>> {
    if (keys.length === 0) return [];
    const rows = await this.rows<{ key: string; value: string }>(
      `SELECT key, value FROM ${this.table} WHERE key = ANY($1)`,
      [keys],
    );
    const values = new Map(rows.map((row) => [row.key, row.value]));
    return keys.map((key) => values.get(key));
  }

  async set(key: string, value: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [key, value],
    );
  }

  async setMany(entries: Array<{ key: string; value: string }>): Promise<void> {
    // One upsert may not touch a row twice: the last value given for a key wins, as with one set() per entry.
    const latest = new Map(entries.map((entry) => [entry.key, entry.value]));
    if (latest.size === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.table} (key, value) SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [[...latest.keys()], [...latest.values()]],
    );
  }

  async delete(key: string): Promise<boolean> {
    const result = await this.pool.query(`DELETE FROM ${this.table} WHERE key = $1`, [key]);
    return (result.rowCount ?? 0) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const result = await this.pool.query(`DELETE FROM ${this.table} WHERE key = ANY($1)`, [keys]);
    return (result.rowCount ?? 0) > 0;
  }

  async clear(): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table}`);
  }

  /** In key order, each page starting after the last key seen, so rows deleted meanwhile move nothing. */
  async *iterator(): AsyncGenerator<[string, string], void> {
    let last: string | undefined;
    while (true) {
      const rows =
        last === undefined
          ? await this.rows<{ key: string; value: string }>(
              `SELECT key, value FROM ${this.table} ORDER BY key LIMIT $1`,
              [PAGE_SIZE],
            )
          : await this.rows<{ key: string; value: string }>(
              `SELECT key, value FROM ${this.table} WHERE key > $1 ORDER BY key LIMIT $2`,
              [last, PAGE_SIZE],
            );
      for (const row of rows) yield [row.key, row.value];
      if (rows.length < PAGE_SIZE) return;
      last = rows[rows.length - 1]!.key;
    }
  }

  async disconnect(): Promise<void> {
    // The pool is shared by the namespaces and closed once, by the store.
  }
}
