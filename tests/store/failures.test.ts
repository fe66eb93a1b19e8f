/**
 * A Redis or Postgres store that fails says so: every operation rejects with a StoreError, within a bound,
 * while the server is stopped, crashed or hung, and works again once it is back. Opening fails the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allValues, openStore, StoreError, type Store } from '../../src/store/open.js';
import { freePort, type TestServer } from '../support/servers/process.js';
import { startPostgres } from '../support/servers/postgres.js';
import { startRedis } from '../support/servers/redis.js';
import { feed } from './contract.js';

const backends = [
  { name: 'Redis', start: startRedis, scheme: 'redis', database: '0' },
  { name: 'Postgres', start: startPostgres, scheme: 'postgres', database: 'taza' },
] as const;

/** Every operation src/ uses, each expected to reject. */
const operations: Array<[string, (store: Store) => Promise<unknown>]> = [
  ['get', (store) => store.feeds.get('a')],
  ['set', (store) => store.feeds.set('b', feed('b'))],
  ['has', (store) => store.outbox.has('a')],
  ['delete', (store) => store.feeds.delete('a')],
  ['getMany', (store) => store.seen.getMany(['x', 'y'])],
  ['setMany', (store) => store.seen.setMany([{ key: 'x', value: { firstSeenAt: 'now' } }])],
  ['allValues', (store) => allValues(store.subscriptions)],
  ['insertIfAbsent', (store) => store.insertIfAbsent('seen', 'x', { firstSeenAt: 'now' })],
];

/** Rejects with a StoreError, and says how long that took. */
async function failure(operation: Promise<unknown>): Promise<{ error: StoreError; ms: number }> {
  const started = performance.now();
  const outcome = await operation.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ error }),
  );
  const ms = performance.now() - started;
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.error).toBeInstanceOf(StoreError);
  return { error: outcome.error as StoreError, ms };
}

/** Polls the store (every 50 ms, at most 15 s) until it takes a write again: the server is back. */
async function untilBack(store: Store): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 15_000) {
    if (await store.ping()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the store did not work again within 15 s of the server coming back');
}

describe.each(backends)('a $name store whose server fails', ({ name, start, scheme, database }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => server?.close());

  it('rejects every operation at once while the server is stopped, and works again once it is back', async () => {
    const store = await openStore({ storeUrl: server.url, dataDir: '/nonexistent' });
    try {
      await store.feeds.set('a', feed('a'));
      await server.stop();
      const times: Record<string, number> = {};
      for (const [label, operation] of operations) {
        const { error, ms } = await failure(operation(store));
        times[label] = Math.round(ms);
        expect(['disconnected', 'refused'], `${label}: ${error.message}`).toContain(error.problem);
        expect(error.message).toMatch(new RegExp(`^STORE_URL=${scheme}://`));
      }
      expect(Math.max(...Object.values(times)), JSON.stringify(times)).toBeLessThan(2000);
      expect(await store.ping()).toBe(false);
      console.log(`${name} stopped: operations rejected in ${JSON.stringify(times)} ms`);

      await server.start();
      const backMs = await untilBack(store);
      console.log(`${name} back: the store took a write ${Math.round(backMs)} ms after the server answered`);
      expect(await store.feeds.get('a')).toEqual(feed('a'));
    } finally {
      await store.close();
    }
  });

  it('rejects while the server is down after a crash, and works again after it restarts', async () => {
    const store = await openStore({ storeUrl: server.url, dataDir: '/nonexistent' });
    try {
      await server.kill();
      const { ms } = await failure(store.meta.get('x'));
      expect(ms).toBeLessThan(2000);
      await server.start();
      await untilBack(store);
      await store.meta.set('after', 1);
      expect(await store.meta.get('after')).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('rejects after the timeout when the server hangs, and works again once it answers', async () => {
    const store = await openStore({ storeUrl: server.url, dataDir: '/nonexistent', timeoutMs: 1000 });
    try {
      server.pause();
      const { error, ms } = await failure(store.feeds.get('a'));
      expect(error.problem).toBe('timeout');
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(3000);
      expect(await store.ping()).toBe(false);
      server.resume();
      await untilBack(store);
    } finally {
      server.resume();
      await store.close();
    }
  });

  it('fails to open with a clear StoreError when nothing listens, without the password, within 10 s', async () => {
    const port = await freePort();
    const url = `${scheme}://taza:s3cret-pw@127.0.0.1:${port}/${database}`;
    const started = performance.now();
    const { error } = await failure(openStore({ storeUrl: url, dataDir: '/nonexistent' }));
    const ms = performance.now() - started;
    console.log(`${name} with nothing listening: open failed after ${Math.round(ms)} ms: ${error.message}`);
    expect(ms).toBeLessThan(10_000);
    expect(error.problem).toBe('refused');
    expect(error.message).toBe(
      `STORE_URL=${scheme}://taza:***@127.0.0.1:${port}/${database}: nothing is listening (connection refused). ` +
        `Start ${name === 'Redis' ? 'Redis' : 'PostgreSQL'}, or fix STORE_URL.`,
    );
    expect(error.message).not.toContain('s3cret');
  });

  it('fails to open with problem "timeout" when the server hangs', async () => {
    server.pause();
    try {
      const started = performance.now();
      const { error } = await failure(openStore({ storeUrl: server.url, dataDir: '/nonexistent', timeoutMs: 1000 }));
      expect(error.problem).toBe('timeout');
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      server.resume();
    }
  });
});

describe('a store that refuses the login or the URL', () => {
  it('a URL that is not one fails at once, with problem "invalid-url" and the form expected', async () => {
    const { error } = await failure(openStore({ storeUrl: 'redis://:pw@127.0.0.1:1/taza', dataDir: '/nonexistent' }));
    expect(error.problem).toBe('invalid-url');
    expect(error.message).toMatch(
      /^STORE_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:1\/taza: not a valid Redis URL .*Fix STORE_URL: redis:\/\//,
    );
    const postgres = await failure(openStore({ storeUrl: 'postgres://u:pw@[nonsense/db', dataDir: '/nonexistent' }));
    expect(postgres.error.message).toMatch(/^STORE_URL=postgres:\/\/u:\*\*\*@/);
  });

  it('Redis: a wrong password fails at once, with problem "auth"', async () => {
    const server = await startRedis({ password: 'right-one' });
    try {
      const started = performance.now();
      const url = server.url.replace('right-one', 'wrong-one');
      const { error } = await failure(openStore({ storeUrl: url, dataDir: '/nonexistent' }));
      expect(error.problem).toBe('auth');
      expect(error.message).toMatch(/^STORE_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: the server refused the login/);
      expect(error.message).not.toContain('wrong-one');
      expect(performance.now() - started).toBeLessThan(2000);
      const store = await openStore({ storeUrl: server.url, dataDir: '/nonexistent' });
      await store.close();
    } finally {
      await server.close();
    }
  });

  it('Postgres: a wrong password, then a missing database, fail at once with what to fix', async () => {
    const server = await startPostgres({ password: 'right-one' });
    try {
      const started = performance.now();
      const wrong = await failure(
        openStore({ storeUrl: server.url.replace('right-one', 'wrong-one'), dataDir: '/nonexistent' }),
      );
      expect(wrong.error.problem).toBe('auth');
      expect(wrong.error.message).toMatch(/^STORE_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres: /);
      expect(wrong.error.message).not.toContain('wrong-one');
      const missing = await failure(
        openStore({ storeUrl: server.url.replace(/\/postgres$/, '/nothere'), dataDir: '/nonexistent' }),
      );
      expect(missing.error.problem).toBe('no-database');
      expect(missing.error.message).toContain('Create it (createdb), or fix STORE_URL.');
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      await server.close();
    }
  });
});
