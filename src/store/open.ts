/**
 * Opens the keyv store: one namespace per kind of record. STORE_URL picks the backend:
 * empty = an embedded SQLite file under DATA_DIR, `redis://…` or `postgres://…` for more than one machine.
 *
 * Every failure is loud: opening checks the store with a real round-trip and throws a StoreError that names the
 * setting and what to do (the CLI prints it and exits with 2), and every later operation that fails rejects
 * with a StoreError too, instead of keyv's default of an 'error' event and an `undefined` that reads as "no
 * such record".
 */
import { join, resolve } from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { networkStoreError, redactUrl, sqliteStoreError, StoreError } from './errors.js';
import { openPostgres } from './postgres.js';
import { openRedis } from './redis.js';
import { openSqlite } from './sqlite.js';
import type {
  DigestRecord,
  FeedRecord,
  OutboxEntry,
  ScopeRecord,
  SeenRecord,
  Subscription,
  WebSubRecord,
} from '../core/records.js';

export { StoreError, type StoreProblem } from './errors.js';

/**
 * The namespaces, each a keyv instance. Their operations reject with a StoreError when the backend fails
 * (unreachable, timed out, locked, corrupt…); a Redis or Postgres operation settles within the store's
 * timeout (5 s unless opened with another). Values are stored as JSON: a Date comes back as its ISO string,
 * which is why the records keep times as strings.
 */
export interface Store {
  feeds: Keyv<FeedRecord>;
  subscriptions: Keyv<Subscription>;
  seen: Keyv<SeenRecord>;
  outbox: Keyv<OutboxEntry>;
  /**
   * With several instances, the ids of the outbox's pending alerts (to when each was enqueued): a reload lists
   * these few, not the week of sent alerts the outbox keeps.
   */
  unsent: Keyv<number>;
  /** Cross-feed story keys per destination (canonical link, normalized title), kept 48 h. */
  stories: Keyv<string>;
  /** Small shared values: the health check's ping, used login links, the subscriptions' change mark. */
  meta: Keyv<number>;
  /** Alerts held for digests and quiet hours, and the claims of their releases. */
  digests: Keyv<DigestRecord>;
  /** Per feed id, its WebSub subscription at a hub (topic, secret, lease). */
  websub: Keyv<WebSubRecord>;
  /** Per server or chat (scope), what its admins set for all its subscriptions (a default template). */
  scopes: Keyv<ScopeRecord>;
  /** Where the data lives, for logs (without credentials). */
  location: string;
  /**
   * Stores `value` under `key` in the namespace only when the key holds nothing live; true when this call stored
   * it. Atomic across every instance on the backend: of two racing calls exactly one gets true.
   */
  insertIfAbsent<N extends Namespace>(
    namespace: N,
    key: string,
    value: NamespaceValue<N>,
    ttlMs?: number,
  ): Promise<boolean>;
  /**
   * Health check: writes one small value (`meta` key `ping`) and resolves true when the store took it, false
   * when it failed. Never rejects; bounded like every operation (SQLite: by its 10 s lock wait).
   */
  ping(): Promise<boolean>;
  /** Closes the connection or file; the namespaces must not be used afterwards. */
  close(): Promise<void>;
}

export const NAMESPACES = [
  'feeds',
  'subscriptions',
  'seen',
  'outbox',
  'unsent',
  'stories',
  'meta',
  'digests',
  'websub',
  'scopes',
] as const;
export type Namespace = (typeof NAMESPACES)[number];
interface NamespaceValues {
  feeds: FeedRecord;
  subscriptions: Subscription;
  seen: SeenRecord;
  outbox: OutboxEntry;
  unsent: number;
  stories: string;
  meta: number;
  digests: DigestRecord;
  websub: WebSubRecord;
  scopes: ScopeRecord;
}
export type NamespaceValue<N extends Namespace> = NamespaceValues[N];

/** Bound on opening a Redis or Postgres store and, later, on each of its operations. */
const NETWORK_TIMEOUT_MS = 5000;
/**
 * How long opening tries again a Redis or Postgres that refuses connections (starting beside Taza, say) before
 * it gives up: short, so that a wrong STORE_URL is reported within seconds (a service manager restarts Taza).
 */
const REFUSED_RETRY_MS = 2000;
/** How long opening the SQLite file waits for a lock that another process holds. */
const SQLITE_LOCK_WAIT_MS = 3000;

/**
 * Opens and checks the store; throws a StoreError (with `problem` and a one-line message for the user) when
 * it cannot be used. `timeoutMs` bounds a network store's opening and each of its operations.
 */
export async function openStore(options: { storeUrl?: string; dataDir: string; timeoutMs?: number }): Promise<Store> {
  const url = options.storeUrl ?? '';
  const timeoutMs = options.timeoutMs ?? NETWORK_TIMEOUT_MS;
  const retryMs = Math.min(REFUSED_RETRY_MS, timeoutMs / 2);
  let backend: {
    adapters: Record<string, KeyvStoreAdapter>;
    insertIfAbsent(
      namespace: string,
      key: string,
      value: string,
      ttlMs: number | undefined,
      now: number,
    ): Promise<boolean>;
    close(): Promise<void>;
  };
  let location: string;
  let fail: (error: unknown) => StoreError;
  if (/^rediss?:/.test(url)) {
    backend = await openRedis({ url, namespaces: NAMESPACES, timeoutMs, retryMs });
    location = redactUrl(url);
    fail = (error) => networkStoreError('redis', url, error);
  } else if (/^postgres(ql)?:/.test(url)) {
    backend = await openPostgres({ url, namespaces: NAMESPACES, timeoutMs, retryMs });
    location = redactUrl(url);
    fail = (error) => networkStoreError('postgres', url, error);
  } else {
    const fromUrl = url.startsWith('sqlite://');
    const file = fromUrl ? url.slice('sqlite://'.length) : join(options.dataDir, 'taza.sqlite');
    const setting = fromUrl ? `STORE_URL=${url}` : `DATA_DIR=${options.dataDir}`;
    backend = await openSqlite({ file, setting, namespaces: NAMESPACES, lockWaitMs: SQLITE_LOCK_WAIT_MS });
    location = file;
    fail = (error) => sqliteStoreError(setting, file === ':memory:' ? file : resolve(file), error);
  }
  const keyvs = Object.fromEntries(
    NAMESPACES.map((ns) => {
      const keyv = new Keyv({ store: backend.adapters[ns], namespace: ns, throwOnErrors: true });
      // The failure is thrown to the caller as well (throwOnErrors); keyv emits it first, and keeps going
      // only when something listens.
      keyv.on('error', () => {});
      return [ns, keyv];
    }),
  ) as Record<Namespace, Keyv>;
  try {
    // A real round-trip before Taza says the store is open: a write, so a read-only replica or a user who
    // may only read fails here too.
    await keyvs.meta.set('ping', Date.now());
    await keyvs.meta.get('ping');
  } catch (error) {
    await backend.close().catch(() => {});
    throw error instanceof StoreError ? error : fail(error);
  }
  let closing: Promise<void> | undefined;
  return {
    feeds: keyvs.feeds,
    subscriptions: keyvs.subscriptions,
    seen: keyvs.seen,
    outbox: keyvs.outbox,
    unsent: keyvs.unsent,
    stories: keyvs.stories,
    meta: keyvs.meta,
    digests: keyvs.digests,
    websub: keyvs.websub,
    scopes: keyvs.scopes,
    location,
    async insertIfAbsent(namespace, key, value, ttlMs) {
      if (!NAMESPACES.includes(namespace)) throw new Error(`no such namespace: ${String(namespace)}`);
      const keyv = keyvs[namespace] as Keyv<unknown>;
      // Written as keyv's own set would write it (its key prefix, its serializer, `expires` from Date.now), in one
      // atomic statement of the backend, so that keyv's get reads it back like any other record.
      const now = Date.now();
      const ttl = ttlMs !== undefined && ttlMs > 0 ? ttlMs : undefined;
      const serialize = keyv.serialize ?? ((data: unknown) => JSON.stringify(data));
      const stored = await serialize({ value, expires: ttl === undefined ? undefined : now + ttl });
      return backend.insertIfAbsent(namespace, keyv._getKeyPrefix(key), stored, ttl, now);
    },
    async ping() {
      try {
        await keyvs.meta.set('ping', Date.now());
        return true;
      } catch {
        return false;
      }
    },
    close() {
      closing ??= backend.close();
      return closing;
    },
  };
}

/**
 * Every live record of a namespace, each once: Redis's SCAN may return a key twice when it resizes mid-listing,
 * and listing an expired record skips it.
 */
export async function allValues<T>(keyv: Keyv<T>): Promise<T[]> {
  // An empty answer here would read as "no feeds, no subscriptions, nothing pending".
  if (!keyv.iterator) throw new Error(`the ${keyv.namespace ?? ''} namespace of this store cannot be listed`);
  const values = new Map<string, T>();
  for await (const [key, value] of keyv.iterator(undefined))
    if (value !== undefined) values.set(String(key), value as T);
  return [...values.values()];
}

/** A record as the store keeps it: its value and, for one that expires, when (ms since the epoch). */
export interface StoredEntry<T> {
  key: string;
  value: T;
  expires?: number;
}

/**
 * Every live record of a namespace with its expiry time, each once, read from the storage adapter itself: unlike
 * keyv's listing, this one leaves expired records where they are (it only skips them) and keeps `expires`.
 */
export async function allEntries<T>(keyv: Keyv<T>): Promise<Array<StoredEntry<T>>> {
  const adapter = keyv.store as KeyvStoreAdapter;
  const namespace = keyv.namespace ?? '';
  if (!adapter.iterator) throw new Error(`the ${namespace} namespace of this store cannot be listed`);
  const prefix = `${namespace}:`;
  const deserialize = keyv.deserialize ?? ((raw: string) => JSON.parse(raw) as unknown);
  const entries = new Map<string, StoredEntry<T>>();
  const now = Date.now();
  for await (const [storedKey, raw] of adapter.iterator(namespace) as AsyncGenerator<[string, unknown]>) {
    const data = (typeof raw === 'string' ? await deserialize(raw) : raw) as
      { value?: T; expires?: number | null } | undefined;
    if (data === undefined || data === null || data.value === undefined) continue;
    if (typeof data.expires === 'number' && now > data.expires) continue;
    const key = storedKey.startsWith(prefix) ? storedKey.slice(prefix.length) : storedKey;
    entries.set(key, {
      key,
      value: data.value,
      ...(typeof data.expires === 'number' ? { expires: data.expires } : {}),
    });
  }
  return [...entries.values()];
}
