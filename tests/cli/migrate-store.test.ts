/**
 * `taza migrate-store` as a self-hoster runs it (a real process): SQLite → Postgres → Redis → SQLite brings every
 * record of every namespace back as it was, expiry times included; a second run changes nothing; same store,
 * a missing file and an unreachable server are refused with a clear message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/core/records.js';
import { allEntries, NAMESPACES, openStore, type Store, type StoredEntry } from '../../src/store/open.js';
import { freePort, type TestServer } from '../support/servers/process.js';
import { startPostgres } from '../support/servers/postgres.js';
import { startRedis } from '../support/servers/redis.js';
import { feed, outboxEntry, subscription } from '../store/contract.js';
import { taza } from './taza-cli.js';

type Snapshot = Record<string, Array<StoredEntry<unknown>>>;

/** Every namespace's live records, in key order, without the health check's scratch value. */
async function snapshot(url: string): Promise<Snapshot> {
  const store = await openStore({ storeUrl: url, dataDir: '/nonexistent' });
  try {
    const result: Snapshot = {};
    for (const ns of NAMESPACES)
      result[ns] = (await allEntries(store[ns] as Keyv<unknown>))
        .filter((entry) => !(ns === 'meta' && entry.key === 'ping'))
        .sort((x, y) => (x.key < y.key ? -1 : 1));
    return result;
  } finally {
    await store.close();
  }
}

/** The snapshot with expiry times to the 10 s (a copied TTL is re-based on the clock when it is written). */
const roughly = (snap: Snapshot) =>
  Object.fromEntries(
    Object.entries(snap).map(([ns, entries]) => [
      ns,
      entries.map((e) => ({ ...e, expires: e.expires === undefined ? undefined : Math.round(e.expires / 10_000) })),
    ]),
  );

async function fill(store: Store): Promise<void> {
  for (let i = 0; i < 12; i++) await store.feeds.set(`f${i}`, { ...feed(`f${i}`), failures: i });
  const sub = subscription('k3x9qa');
  await store.subscriptions.set(sub.id, sub);
  await store.subscriptions.set('second', {
    ...sub,
    id: 'second',
    paused: { reason: 'Missing Access', at: '2026-11-29T09:00:00.000Z', by: 'delivery' },
  });
  // More seen items than one page of a listing.
  const seen = Array.from({ length: 1500 }, (_, i) => ({
    key: `f${i % 12}:item:${i}`,
    value: { firstSeenAt: `2026-11-29T09:${String(i % 60).padStart(2, '0')}:00.000Z` },
    ttl: i % 3 === 0 ? 30 * 24 * 3_600_000 : undefined,
  }));
  await store.seen.setMany(seen);
  const entry = (id: string, seq: number): OutboxEntry => ({
    ...outboxEntry(id, seq),
    status: seq % 2 === 0 ? 'pending' : 'done',
  });
  for (let i = 0; i < 6; i++) await store.outbox.set(`a${i}`, entry(`a${i}`, i), i % 2 ? 86_400_000 : undefined);
  await store.stories.set('-1001234567890|link:ab12', ':colon-first owner', 48 * 3_600_000);
  await store.stories.set('-1001234567890|title:9f', 'a1', 48 * 3_600_000);
  await store.meta.set('outbox-seq', 6);
  // Expired already: not copied, and not counted.
  await store.stories.set('gone', 'expired', -1000);
}

describe('taza migrate-store', () => {
  let postgres: TestServer;
  let redis: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'taza-migrate-'));
  const first = `sqlite://${join(dir, 'first.sqlite')}`;
  const last = `sqlite://${join(dir, 'last.sqlite')}`;

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    const store = await openStore({ storeUrl: first, dataDir: dir });
    await fill(store);
    await store.close();
  });
  afterAll(async () => {
    await Promise.all([postgres?.close(), redis?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies SQLite → Postgres → Redis → SQLite with every record and its expiry, then changes nothing on a second run', async () => {
    const original = await snapshot(first);
    expect(original.seen).toHaveLength(1500);
    expect(original.stories!.map((e) => e.key)).not.toContain('gone');

    for (const [from, to] of [
      [first, postgres.url],
      [postgres.url, redis.url],
      [redis.url, last],
    ] as const) {
      const run = await taza(['migrate-store', '--from', from, '--to', to]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('  feeds: 12 records (12 copied, 0 already there)');
      expect(run.stdout).toContain('  seen: 1500 records (1500 copied, 0 already there)');
      expect(run.stdout).toContain('  outbox: 6 records (6 copied, 0 already there)');
      expect(run.stdout).toContain('  stories: 2 records (2 copied, 0 already there)');
      expect(run.stdout).toContain('  meta: 1 record (1 copied, 0 already there)');
      expect(run.stdout).toContain('✓ 1523 records in the target, each checked (1523 copied by this run).');
      const copied = await snapshot(to);
      expect(roughly(copied)).toEqual(roughly(original));
      // The expiry times are kept to within the run's duration, not restarted.
      for (const ns of NAMESPACES)
        for (const [i, entry] of copied[ns]!.entries())
          if (entry.expires !== undefined)
            expect(Math.abs(entry.expires - original[ns]![i]!.expires!)).toBeLessThan(5000);
    }

    const before = await snapshot(postgres.url);
    const again = await taza(['migrate-store', '--from', first, '--to', postgres.url]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('  seen: 1500 records (0 copied, 1500 already there)');
    expect(again.stdout).toContain('✓ 1523 records in the target, each checked (0 copied by this run).');
    expect(await snapshot(postgres.url)).toEqual(before);
    // Five runs of the CLI, each a process that starts tsx: slow on a busy machine.
  }, 180_000);

  it('refuses the same store twice, a missing SQLite file, and a server that is not there, saying why', async () => {
    const same = await taza([
      'migrate-store',
      '--from',
      redis.url,
      `--to=${redis.url.replace('127.0.0.1', 'localhost')}/0`,
    ]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/--from and --to are the same store/);

    const missing = await taza(['migrate-store', '--from', `sqlite://${join(dir, 'nope.sqlite')}`, '--to', last]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.sqlite: no such file/);

    const down = `redis://:secret@127.0.0.1:${await freePort()}`;
    const refused = await taza(['migrate-store', '--from', first, '--to', down]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--to STORE_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: nothing is listening/);
    expect(refused.stderr).not.toContain('secret');

    const usage = await taza(['migrate-store', '--from', first]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/both --from <url> and --to <url> are needed/);
  }, 120_000);
});
