/**
 * What a shared outbox's reload costs (every 15 s on each instance, the net for lost messages) when the outbox
 * holds a week of sent alerts: on a real Redis and Postgres, SENT sent and PENDING pending alerts beside SEEN seen
 * items, this process's CPU for one reload (median of ROUNDS) against one read of the whole outbox (what a reload
 * read before the pending index, and what each start still reads).
 *
 *   npx tsx bench/outbox-reload.ts
 */
import { pathToFileURL } from 'node:url';
import { createLocalCoordinator } from '../src/coordination/local.js';
import { Outbox } from '../src/outbox/outbox.js';
import { allValues, openStore, type Store } from '../src/store/open.js';
import type { OutboxEntry } from '../src/core/records.js';
import { makeAlert } from '../tests/support/alerts.js';
import { startPostgres } from '../tests/support/servers/postgres.js';
import { startRedis } from '../tests/support/servers/redis.js';
import type { Row } from './lib/table.js';

export const OUTBOX_RELOAD_DEFAULTS = { sent: 20_000, pending: 20, seen: 100_000, rounds: 5 };
type Options = typeof OUTBOX_RELOAD_DEFAULTS;

function cpuMs<T>(task: () => Promise<T>): Promise<number> {
  const before = process.cpuUsage();
  return task().then(() => {
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function fill(store: Store, options: Options): Promise<void> {
  const sentAt = new Date().toISOString();
  for (let from = 0; from < options.sent; from += 1000) {
    const entries = Array.from({ length: Math.min(1000, options.sent - from) }, (_, i) => {
      const alert = makeAlert({ n: from + i });
      const entry: OutboxEntry = {
        alert,
        status: 'done',
        seq: from + i,
        attempts: 1,
        nextAttemptAt: sentAt,
        sent: { at: sentAt, messageId: String(from + i), channelId: alert.destination.id, kind: 'text' },
      };
      return { key: alert.id, value: entry, ttl: 7 * 86_400_000 };
    });
    await store.outbox.setMany(entries);
  }
  for (let from = 0; from < options.seen; from += 5000)
    await store.seen.setMany(
      Array.from({ length: Math.min(5000, options.seen - from) }, (_, i) => ({
        key: `feed:item:${from + i}`,
        value: { firstSeenAt: sentAt },
      })),
    );
}

async function measure(name: string, url: string, options: Options): Promise<Row[]> {
  const store = await openStore({ storeUrl: url, dataDir: '/nonexistent' });
  try {
    await fill(store, options);
    const outbox = await Outbox.load(store, {
      coordinator: { ...createLocalCoordinator(), shared: true, instanceId: 'bench' },
      reloadMs: 3_600_000,
    });
    for (let n = 0; n < options.pending; n++) await outbox.enqueue(makeAlert({ n: options.sent + n }));
    const reloads: number[] = [];
    const wholeReads: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      reloads.push(await cpuMs(() => outbox.reload()));
      wholeReads.push(await cpuMs(() => allValues(store.outbox)));
    }
    if (outbox.depth() !== options.pending) throw new Error(`the reload found ${outbox.depth()} pending alerts`);
    await outbox.close();
    const reload = median(reloads);
    const whole = median(wholeReads);
    const section = `outbox reload, ${name}`;
    return [
      {
        section,
        measure: `one reload, ${options.sent.toLocaleString('en-US')} sent and ${options.pending} pending alerts (CPU ms)`,
        unit: 'ms',
        taza: reload,
        target: '≤ 1/10 of reading the outbox',
        pass: reload <= whole / 10,
        note: `reading the whole outbox (the reload before its index; each start): ${whole.toFixed(0)} ms`,
      },
    ];
  } finally {
    await store.close();
  }
}

export async function runOutboxReload(
  options: Options = OUTBOX_RELOAD_DEFAULTS,
): Promise<{ rows: Row[]; details: unknown }> {
  const rows: Row[] = [];
  const redis = await startRedis();
  try {
    rows.push(...(await measure('Redis', redis.url, options)));
  } finally {
    await redis.close();
  }
  const postgres = await startPostgres();
  try {
    rows.push(...(await measure('Postgres', postgres.url, options)));
  } finally {
    await postgres.close();
  }
  return { rows, details: { options } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { rows } = await runOutboxReload();
  for (const row of rows) console.log(`${row.section}: ${row.measure}: ${row.taza?.toFixed(1)} ms; ${row.note}`);
}
