/** The embedded store: one SQLite file, one table per namespace, every table on one connection. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { KeyvStoreAdapter } from 'keyv';
import { directoryError, sqliteStoreError } from './errors.js';
import { guardAdapter } from './guard.js';

/** Rows per page when listing a namespace. */
const PAGE_SIZE = 1000;
/** How long a write waits for another connection's lock while Taza runs. */
const BUSY_TIMEOUT_MS = 10_000;

type Query = (sql: string, ...params: unknown[]) => Promise<unknown>;

export interface SqliteStore {
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
 * Opens (creating it if needed) the file and a table per namespace. `setting` names what chose the file
 * (`DATA_DIR=./data` or `STORE_URL=sqlite:///srv/taza.sqlite`) for the error messages. Opening waits at most
 * `lockWaitMs` for a lock held by another process, then fails with problem 'locked'; later writes wait 10 s.
 */
export async function openSqlite(options: {
  file: string;
  setting: string;
  namespaces: readonly string[];
  lockWaitMs: number;
}): Promise<SqliteStore> {
  const { file, setting, namespaces } = options;
  const shown = file === ':memory:' ? file : resolve(file);
  const fail = (error: unknown) => sqliteStoreError(setting, shown, error);
  if (file !== ':memory:') makeDirectory(setting, dirname(resolve(file)));

  const { KeyvSqlite } = await import('@keyv/sqlite');
  // One connection for every namespace: separate connections to one file fail with SQLITE_BUSY under load
  // (a write that must upgrade a stale read snapshot gets no busy-wait). @keyv/sqlite opens a connection per
  // adapter, so each namespace's adapter is pointed at the first adapter's connection, with its own table.
  const main = new KeyvSqlite({ uri: `sqlite://${file}`, table: namespaces[0], busyTimeout: options.lockWaitMs });
  // A file that cannot be opened is reported by the first query below; the event would crash the process.
  main.on('error', () => {});
  const query = main.query;
  try {
    // WAL keeps readers and the writer apart; synchronous=NORMAL stays crash-safe without an fsync per write.
    await query('PRAGMA journal_mode=WAL');
    await query('PRAGMA synchronous=NORMAL');
    for (const ns of namespaces)
      await query(`CREATE TABLE IF NOT EXISTS ${ns}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
    // Takes the write lock and lets it go, changing nothing: a file another process keeps locked fails here,
    // after the short start-up wait, rather than at the first write with the long one.
    await query('BEGIN IMMEDIATE');
    await query('ROLLBACK');
    await query(`PRAGMA busy_timeout=${BUSY_TIMEOUT_MS}`);
  } catch (error) {
    await main.close().catch(() => {});
    throw fail(error);
  }

  const closeConnection = main.close;
  const adapters: Record<string, KeyvStoreAdapter> = {};
  for (const ns of namespaces) {
    const adapter = ns === namespaces[0] ? main : new KeyvSqlite({ uri: 'sqlite://:memory:', table: ns });
    if (adapter !== main) {
      adapter.on('error', () => {});
      await adapter.close();
      adapter.query = query;
    }
    // The shared connection is closed once, by `close` below.
    adapter.close = async () => {};
    Object.assign(adapter, {
      setMany: setManyFor(query, ns),
      getMany: getManyFor(query, ns),
      iterator: iteratorFor(query, ns),
    });
    adapters[ns] = guardAdapter(adapter as unknown as KeyvStoreAdapter, { fail });
  }
  let closed = false;
  return {
    adapters,
    async insertIfAbsent(namespace, key, value, _ttlMs, now) {
      if (closed) throw fail(new Error('SQLITE_MISUSE: Database is closed'));
      // One statement on the one connection: no other write comes between the check and the insert. A row that
      // keyv counts expired (`expires` in its JSON before the caller's clock, what keyv's get goes by) is
      // replaced; the TTL itself lives in the value.
      const sql = `INSERT INTO ${namespace} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
        WHERE CASE WHEN json_valid(${namespace}.value) THEN
          CASE WHEN json_type(${namespace}.value, '$.expires') IN ('integer', 'real') THEN json_extract(${namespace}.value, '$.expires') < ? ELSE 0 END
        ELSE 0 END
        RETURNING 1 AS inserted`;
      try {
        const rows = (await query(sql, key, value, now)) as unknown[];
        return rows.length > 0;
      } catch (error) {
        throw fail(error);
      }
    },
    async close() {
      closed = true;
      await closeConnection();
    },
  };
}

/**
 * @keyv/sqlite has no setMany, so keyv would run one upsert (one statement, one transaction) per key: a new
 * feed's 25 items cost 50 of them. One multi-row upsert writes them all at once.
 */
function setManyFor(query: Query, table: string) {
  const upsert = `INSERT INTO ${table} (key, value) SELECT json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]') FROM json_each(?) AS e WHERE true ON CONFLICT(key) DO UPDATE SET value = excluded.value`;
  return async (entries: Array<{ key: string; value: unknown }>) => {
    await query(upsert, JSON.stringify(entries.map((entry) => [entry.key, entry.value])));
    return entries.map(() => true);
  };
}

/**
 * @keyv/sqlite's getMany finds each key's row with a linear search of the rows returned, which is quadratic: a
 * feed of 5,000 items (10,000 keys) blocked the event loop for over 100 ms. The same query, matched by a Map.
 */
function getManyFor(query: Query, table: string) {
  const select = `SELECT key, value FROM ${table} WHERE key IN (SELECT value FROM json_each(?))`;
  return async (keys: string[]) => {
    const rows = (await query(select, JSON.stringify(keys))) as Array<{ key: string; value: unknown }>;
    const byKey = new Map(rows.map((row) => [row.key, row.value]));
    return keys.map((key) => byKey.get(key));
  };
}

/**
 * Lists a table in key order, a page at a time, each page starting after the last key seen. @keyv/sqlite pages
 * with OFFSET, and keyv deletes each expired row it meets while listing: every deletion shifted the rows after
 * it one place down, so the next page skipped live rows (a pending alert among them, at start-up).
 */
function iteratorFor(query: Query, table: string) {
  const first = `SELECT key, value FROM ${table} ORDER BY key LIMIT ?`;
  const after = `SELECT key, value FROM ${table} WHERE key > ? ORDER BY key LIMIT ?`;
  return async function* (): AsyncGenerator<[string, string], void> {
    let last: string | undefined;
    while (true) {
      const rows = (await (last === undefined ? query(first, PAGE_SIZE) : query(after, last, PAGE_SIZE))) as Array<{
        key: string;
        value: string;
      }>;
      for (const row of rows) yield [row.key, row.value];
      if (rows.length < PAGE_SIZE) return;
      last = rows[rows.length - 1]!.key;
    }
  };
}

/**
 * Creates the directory and its missing parents, one level at a time. Node 20's `mkdirSync(…, { recursive })`
 * never returns where mkdir fails with ENOENT under a parent that exists (any path under /proc): it makes the
 * parent again, gets EEXIST, counts that as done and retries the child, forever, at 100 % CPU.
 */
export function makeDirectory(setting: string, directory: string): void {
  const fail = (path: string, error: unknown) => directoryError(setting, path, error, fileInTheWay(path));
  const make = (path: string, depth: number): void => {
    try {
      mkdirSync(path);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && isDirectory(path)) return;
      const parent = dirname(path);
      if (code !== 'ENOENT' || parent === path || depth > 64) throw fail(path, error);
      make(parent, depth + 1);
    }
    try {
      mkdirSync(path);
    } catch (error) {
      // Made meanwhile by someone else is fine; an ENOENT now, under a parent that exists, is final.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(path)) return;
      throw fail(path, error);
    }
  };
  make(directory, 0);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The nearest of `path` and its parents that exists and is not a directory. */
function fileInTheWay(path: string): string | undefined {
  for (let current = path; ; current = dirname(current)) {
    try {
      if (!statSync(current).isDirectory()) return current;
    } catch {
      // Missing (or unreadable): look further up.
    }
    if (dirname(current) === current) return undefined;
  }
}
