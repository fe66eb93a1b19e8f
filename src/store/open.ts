/**
 * Opens the keyv store: one namespace per kind of record. STORE_URL picks the backend:
 * empty = an embedded SQLite file under DATA_DIR, `redis://…` or `postgres://…` for more than one machine.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { FeedRecord, OutboxEntry, SeenRecord, Subscription } from '../core/records.js';

export interface Store {
  feeds: Keyv<FeedRecord>;
  subscriptions: Keyv<Subscription>;
  seen: Keyv<SeenRecord>;
  outbox: Keyv<OutboxEntry>;
  /** Cross-feed story keys per destination (canonical link, normalized title), kept 48 h. */
  stories: Keyv<string>;
  /** Small process-wide values (the outbox sequence counter). */
  meta: Keyv<number>;
  /** Where the data lives, for logs (without credentials). */
  location: string;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const NAMESPACES = ['feeds', 'subscriptions', 'seen', 'outbox', 'stories', 'meta'] as const;
type Namespace = (typeof NAMESPACES)[number];

export async function openStore(options: { storeUrl?: string; dataDir: string }): Promise<Store> {
  const url = options.storeUrl ?? '';
  let adapters: Record<Namespace, KeyvStoreAdapter>;
  let location: string;
  if (url.startsWith('redis')) {
    const { default: KeyvRedis } = await import('@keyv/redis');
    adapters = byNamespace(() => new KeyvRedis(url) as unknown as KeyvStoreAdapter);
    location = redactCredentials(url);
  } else if (url.startsWith('postgres')) {
    const { default: KeyvPostgres } = await import('@keyv/postgres');
    adapters = byNamespace((ns) => new KeyvPostgres({ uri: url, table: `taza_${ns}` }) as unknown as KeyvStoreAdapter);
    location = redactCredentials(url);
  } else {
    const file = url.startsWith('sqlite://') ? url.slice('sqlite://'.length) : join(options.dataDir, 'taza.sqlite');
    if (file !== ':memory:') mkdirSync(resolve(file, '..'), { recursive: true });
    adapters = await openSqlite(file);
    location = file;
  }
  const keyvs = Object.fromEntries(
    NAMESPACES.map((ns) => {
      const keyv = new Keyv({ store: adapters[ns], namespace: ns });
      return [ns, keyv];
    }),
  ) as Record<Namespace, Keyv>;
  // An unreachable backend must surface as a failed operation, not as an unhandled 'error' event.
  const errors: unknown[] = [];
  for (const keyv of Object.values(keyvs)) keyv.on('error', (error: unknown) => errors.push(error));
  await keyvs.meta.get('ping');
  return {
    feeds: keyvs.feeds,
    subscriptions: keyvs.subscriptions,
    seen: keyvs.seen,
    outbox: keyvs.outbox,
    stories: keyvs.stories,
    meta: keyvs.meta,
    location,
    async ping() {
      try {
        await keyvs.meta.set('ping', Date.now());
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await Promise.allSettled(Object.values(keyvs).map((keyv) => keyv.disconnect()));
    },
  };
}

function byNamespace(make: (ns: Namespace) => KeyvStoreAdapter): Record<Namespace, KeyvStoreAdapter> {
  return Object.fromEntries(NAMESPACES.map((ns) => [ns, make(ns)])) as Record<Namespace, KeyvStoreAdapter>;
}

async function openSqlite(file: string): Promise<Record<Namespace, KeyvStoreAdapter>> {
  const { KeyvSqlite } = await import('@keyv/sqlite');
  // One connection for every namespace: separate connections to one file fail with SQLITE_BUSY under load
  // (a write that must upgrade a stale read snapshot gets no busy-wait). @keyv/sqlite opens a connection per
  // adapter, so each namespace's adapter is pointed at the first adapter's connection, with its own table.
  const main = new KeyvSqlite({
    uri: `sqlite://${file}`,
    table: NAMESPACES[0],
    busyTimeout: 10_000,
    iterationLimit: 1000,
  });
  // WAL keeps readers and the writer apart; synchronous=NORMAL stays crash-safe without an fsync per write.
  await main.query('PRAGMA journal_mode=WAL');
  await main.query('PRAGMA synchronous=NORMAL');
  const adapters = { [NAMESPACES[0]]: withSetMany(main, NAMESPACES[0]) } as unknown as Record<
    Namespace,
    KeyvStoreAdapter
  >;
  for (const ns of NAMESPACES.slice(1)) {
    const adapter = new KeyvSqlite({ uri: 'sqlite://:memory:', table: ns, iterationLimit: 1000 });
    await adapter.close();
    await main.query(`CREATE TABLE IF NOT EXISTS ${ns}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
    adapter.query = main.query;
    // The shared connection is closed once, by the main adapter.
    adapter.close = async () => {};
    adapters[ns] = withSetMany(adapter, ns);
  }
  return adapters;
}

/**
 * @keyv/sqlite has no setMany, so keyv would run one upsert (one statement, one transaction) per key: a new
 * feed's 25 items cost 50 of them. One multi-row upsert writes them all at once.
 */
function withSetMany<T extends { query: (sql: string, ...params: unknown[]) => Promise<unknown> }>(
  adapter: T,
  table: string,
): T {
  const upsert = `INSERT INTO ${table} (key, value) SELECT json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]') FROM json_each(?) AS e WHERE true ON CONFLICT(key) DO UPDATE SET value = excluded.value`;
  return Object.assign(adapter, {
    async setMany(entries: Array<{ key: string; value: unknown }>) {
      await adapter.query(upsert, JSON.stringify(entries.map((entry) => [entry.key, entry.value])));
      return entries.map(() => true);
    },
  });
}

function redactCredentials(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Every record of a namespace (keyv iterators yield [key, value]). */
export async function allValues<T>(keyv: Keyv<T>): Promise<T[]> {
  const values: T[] = [];
  if (!keyv.iterator) return values;
  for await (const [, value] of keyv.iterator(undefined)) if (value !== undefined) values.push(value as T);
  return values;
}
