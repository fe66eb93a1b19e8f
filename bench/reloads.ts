/**
 * What the periodic reloads of shared views cost each instance (the net for lost messages), on a real Redis and
 * Postgres with SEEN seen items beside, this process's CPU, median of ROUNDS:
 * - the outbox's (every 15 s) when it holds a week of sent alerts (SENT, and PENDING pending), against one read of
 *   the whole outbox (what a reload read before the pending index, and what each start still reads);
 * - the subscription registry's (every 30 s) with SUBSCRIPTIONS unchanged, against a listing of them all (what it
 *   did before the change mark, and does every tenth time).
 *
 *   npx tsx bench/reloads.ts
 */
import { pathToFileURL } from 'node:url';
import { createLocalCoordinator } from '../src/coordination/local.js';
import { Outbox } from '../src/outbox/outbox.js';
import { SubscriptionRegistry } from '../src/registry/subscriptions.js';
import { allValues, openStore, type Store } from '../src/store/open.js';
import type { OutboxEntry, Subscription } from '../src/core/records.js';
import { makeAlert } from '../tests/support/alerts.js';
import { startPostgres } from '../tests/support/servers/postgres.js';
import { startRedis } from '../tests/support/servers/redis.js';
import { median } from './lib/stats.js';
import type { Row } from './lib/table.js';

export const RELOADS_DEFAULTS = { sent: 20_000, pending: 20, subscriptions: 10_000, seen: 100_000, rounds: 5 };
type Options = typeof RELOADS_DEFAULTS;

function cpuMs<T>(task: () => Promise<T>): Promise<number> {
  const before = process.cpuUsage();
  return task().then(() => {
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  });
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
  for (let from = 0; from < options.subscriptions; from += 1000)
    await store.subscriptions.setMany(
      Array.from({ length: Math.min(1000, options.subscriptions - from) }, (_, i) => {
        const n = from + i;
        const subscription: Subscription = {
          id: `s${n}`,
          feedId: `feed-${n % 2500}`,
          query: n % 2 ? 'bitcoin OR "crypto council"' : '"کرپٹو کونسل" OR "بٹ کوائن"',
          destination: { platform: 'telegram', id: String(-1_000_000_000_000 - n) },
          scope: String(-1_000_000_000_000 - n),
          source: 'command',
          createdAt: sentAt,
        };
        return { key: subscription.id, value: subscription };
      }),
    );
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
    const coordinator = { ...createLocalCoordinator(), shared: true, instanceId: 'bench' };
    const outbox = await Outbox.load(store, { coordinator, reloadMs: 3_600_000 });
    const subscriptions = await SubscriptionRegistry.load(store, { coordinator, reloadMs: 3_600_000 });
    for (let n = 0; n < options.pending; n++) await outbox.enqueue(makeAlert({ n: options.sent + n }));
    const reloads: number[] = [];
    const wholeReads: number[] = [];
    const unchanged: number[] = [];
    const listings: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      reloads.push(await cpuMs(() => outbox.reload()));
      wholeReads.push(await cpuMs(() => allValues(store.outbox)));
      unchanged.push(await cpuMs(() => subscriptions.reloadIfChanged()));
      listings.push(await cpuMs(() => subscriptions.reload()));
    }
    if (outbox.depth() !== options.pending) throw new Error(`the reload found ${outbox.depth()} pending alerts`);
    if (subscriptions.all().length !== options.subscriptions) throw new Error('the registry lost subscriptions');
    await outbox.close();
    await subscriptions.close();
    const reload = median(reloads);
    const whole = median(wholeReads);
    const check = median(unchanged);
    const listing = median(listings);
    const section = `reloads, ${name}`;
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
      {
        section,
        measure: `periodic subscriptions reload, ${options.subscriptions.toLocaleString('en-US')} unchanged (CPU ms)`,
        unit: 'ms',
        taza: check,
        target: '≤ 1/10 of listing them',
        pass: check <= listing / 10,
        note: `listing them all (the reload before the change mark; every tenth one): ${listing.toFixed(0)} ms`,
      },
    ];
  } finally {
    await store.close();
  }
}

export async function runReloads(options: Options = RELOADS_DEFAULTS): Promise<{ rows: Row[]; details: unknown }> {
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
  const { rows } = await runReloads();
  for (const row of rows) console.log(`${row.section}: ${row.measure}: ${row.taza?.toFixed(1)} ms; ${row.note}`);
}
