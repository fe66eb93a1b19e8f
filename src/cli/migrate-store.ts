/**
 * `taza migrate-store --from <url> --to <url>`: copies every record of every namespace from one store to another
 * (SQLite, Redis, Postgres, either way), keeping the time left on records that expire, then checks that the
 * target holds each one. Records already in the target with the same value are left alone, so a second run
 * changes nothing; records only in the target are kept.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type Keyv from 'keyv';
import { isDeepStrictEqual } from 'node:util';
import { plural } from '../replies/format.js';
import { redactUrl } from '../store/errors.js';
import {
  allEntries,
  NAMESPACES,
  openStore,
  StoreError,
  type Namespace,
  type Store,
  type StoredEntry,
} from '../store/open.js';

export const MIGRATE_STORE_HELP = `Usage: taza migrate-store --from <url> --to <url>

Copies every record (feeds with their state, subscriptions, the seen items, the outbox, stories, meta) from one
store to another, keeping the time left on records that expire. Each <url> is written as STORE_URL is:
  sqlite:///srv/taza/data/taza.sqlite         the embedded store (the default one is DATA_DIR/taza.sqlite)
  redis://[:password@]host[:port][/db-number]
  postgres://user[:password]@host[:port]/database

Stop every Taza that uses either store first. Records already in the target with the same value are left as
they are (running it twice changes nothing); records only in the target are kept. Prints the count per
namespace and checks that the target holds every record copied.

Exit code: 0 when every record is in the target, 1 when copying or the check failed, 2 for a wrong command
line or a store that cannot be opened.`;

/** Records read and written per round-trip. */
const BATCH = 500;
/** Expiry times this close are the same: a copied TTL is re-based on the clock at write time. */
const EXPIRY_TOLERANCE_MS = 5000;
/** The health check's scratch value, rewritten by every open: not data, and copying it would never settle. */
const SKIPPED: Partial<Record<Namespace, string[]>> = { meta: ['ping'] };

interface NamespaceCount {
  namespace: Namespace;
  records: number;
  copied: number;
  unchanged: number;
}

export async function runMigrateStore(
  args: string[],
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  writeError: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const parsed = parseArgs(args);
  if ('error' in parsed) {
    writeError(`taza migrate-store: ${parsed.error}. Run "taza migrate-store --help".`);
    return 2;
  }
  const { from, to } = parsed;
  if (sameStore(from, to)) {
    writeError(`taza migrate-store: --from and --to are the same store (${redactUrl(from)}); nothing to do.`);
    return 2;
  }
  if (from.startsWith('sqlite://') && !existsSync(sqliteFile(from))) {
    writeError(`taza migrate-store: --from ${from}: no such file (a SQLite store is a file: taza.sqlite).`);
    return 2;
  }

  let source: Store | undefined;
  let target: Store | undefined;
  try {
    try {
      source = await openStore({ storeUrl: from, dataDir: '.' });
      target = await openStore({ storeUrl: to, dataDir: '.' });
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      writeError(`taza migrate-store: ${source ? '--to' : '--from'} ${error.message}`);
      return 2;
    }
    write(`Copying ${redactUrl(from)} → ${redactUrl(to)}`);
    const counts: NamespaceCount[] = [];
    for (const namespace of NAMESPACES) {
      const count = await copyNamespace(source[namespace] as Keyv<unknown>, target[namespace] as Keyv<unknown>);
      counts.push({ namespace, ...count });
      write(
        `  ${namespace}: ${plural(count.records, 'record')} (${count.copied} copied, ${count.unchanged} already there)`,
      );
    }
    const missing = await verify(source, target);
    if (missing.length > 0) {
      writeError(
        `taza migrate-store: the target lacks ${plural(missing.length, 'record')} after copying (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}). Nothing was removed from the source; run it again, and check the target.`,
      );
      return 1;
    }
    const total = counts.reduce((sum, count) => sum + count.records, 0);
    const copied = counts.reduce((sum, count) => sum + count.copied, 0);
    write(`✓ ${plural(total, 'record')} in the target, each checked (${copied} copied by this run).`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    writeError(`taza migrate-store: copying failed: ${message}. Run it again once the stores work: it resumes.`);
    return 1;
  } finally {
    await source?.close().catch(() => {});
    await target?.close().catch(() => {});
  }
}

function parseArgs(args: string[]): { from: string; to: string } | { error: string } {
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--(from|to)(?:=(.*))?$/.exec(arg);
    if (!match) return { error: `unknown argument "${redactUrl(arg)}"` };
    const value = match[2] ?? args[++i];
    if (value === undefined || value.trim() === '') return { error: `--${match[1]} needs a store URL` };
    values[match[1]!] = value.trim();
  }
  if (!values.from || !values.to) return { error: 'both --from <url> and --to <url> are needed' };
  for (const [flag, url] of Object.entries(values))
    if (!/^(sqlite|rediss?|postgres(ql)?):\/\//.test(url))
      return { error: `--${flag} ${redactUrl(url)} is not a store URL (sqlite://, redis:// or postgres://)` };
  return { from: values.from, to: values.to };
}

function sqliteFile(url: string): string {
  return resolve(url.slice('sqlite://'.length));
}

/** The same file, or the same server and database however the URL is written (default port, db 0, a slash). */
function sameStore(a: string, b: string): boolean {
  return canonical(a) === canonical(b);
}

function canonical(url: string): string {
  if (url.startsWith('sqlite://')) return `sqlite://${sqliteFile(url)}`;
  try {
    const parsed = new URL(url);
    const redis = parsed.protocol.startsWith('redis');
    const port = parsed.port || (redis ? '6379' : '5432');
    const host = parsed.hostname.toLowerCase().replace(/^localhost$/, '127.0.0.1');
    const database = parsed.pathname.replace(/^\/+|\/+$/g, '') || (redis ? '0' : decodeURIComponent(parsed.username));
    return `${redis ? 'redis' : 'postgres'}://${host}:${port}/${database}`;
  } catch {
    return url;
  }
}

/** Copies one namespace in batches; a record the target already has (same value, same expiry) is not written. */
async function copyNamespace(
  source: Keyv<unknown>,
  target: Keyv<unknown>,
): Promise<{ records: number; copied: number; unchanged: number }> {
  const skipped = new Set(SKIPPED[source.namespace as Namespace] ?? []);
  const entries = (await allEntries(source)).filter((entry) => !skipped.has(entry.key));
  let copied = 0;
  for (let i = 0; i < entries.length; i += BATCH) {
    const batch = entries.slice(i, i + BATCH);
    const existing = await target.getMany(
      batch.map((entry) => entry.key),
      { raw: true },
    );
    const now = Date.now();
    const writes = batch
      .filter((entry, j) => !sameRecord(entry, existing[j]))
      .filter((entry) => entry.expires === undefined || entry.expires > now)
      .map((entry) => ({
        key: entry.key,
        value: entry.value,
        ...(entry.expires === undefined ? {} : { ttl: entry.expires - now }),
      }));
    if (writes.length > 0) await target.setMany(writes);
    copied += writes.length;
  }
  return { records: entries.length, copied, unchanged: entries.length - copied };
}

function sameRecord(entry: StoredEntry<unknown>, stored: { value?: unknown; expires?: number | null } | undefined) {
  if (!stored || stored.value === undefined) return false;
  // Compared as stored: JSON (a Date in the source is its ISO string in both).
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(stored.value)), JSON.parse(JSON.stringify(entry.value))))
    return false;
  const expires = typeof stored.expires === 'number' ? stored.expires : undefined;
  if (expires === undefined || entry.expires === undefined) return expires === entry.expires;
  return Math.abs(expires - entry.expires) <= EXPIRY_TOLERANCE_MS;
}

/** The keys of the source's live records that the target does not hold with the same value. */
async function verify(source: Store, target: Store): Promise<string[]> {
  const missing: string[] = [];
  const now = Date.now();
  for (const namespace of NAMESPACES) {
    const skipped = new Set(SKIPPED[namespace] ?? []);
    const held = new Map((await allEntries(target[namespace] as Keyv<unknown>)).map((entry) => [entry.key, entry]));
    for (const entry of await allEntries(source[namespace] as Keyv<unknown>)) {
      if (skipped.has(entry.key) || (entry.expires !== undefined && entry.expires <= now)) continue;
      const there = held.get(entry.key);
      if (!there || !isDeepStrictEqual(there.value, JSON.parse(JSON.stringify(entry.value))))
        missing.push(`${namespace}/${entry.key}`);
    }
  }
  return missing;
}
