/**
 * Two apps, as buildApp wires them, on one Redis with a shared coordinator: their feed checks go through the job
 * engine, each check of the feed is made by one of them, and a new item is alerted once between them. The feed is
 * read from the store once a check: the job reads it under the host's lease, and the check uses that record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { buildApp, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config/load.js';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { createFetcher, createNetworkPolicy } from '../../src/fetcher/index.js';
import { EngineScheduler } from '../../src/scheduler/engine.js';
import { openStore } from '../../src/store/open.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { captureLogger } from '../support/logger.js';
import type { TestServer } from '../support/servers/process.js';
import { startRedis } from '../support/servers/redis.js';

let redis: TestServer;
let feedServer: FeedServer;
const dirs: string[] = [];
beforeAll(async () => {
  redis = await startRedis();
  feedServer = await startFeedServer();
});
afterAll(async () => {
  await feedServer?.close();
  await redis?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function until(predicate: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it(
  'runs the checks of two apps on one Redis through the engine, and alerts a new item once',
  { timeout: 60_000 },
  async () => {
    const coordinator = { ...createLocalCoordinator(), shared: true };
    feedServer.setItems('news', [testItem(1, 'Weather today')]);
    const apps: App[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const dir = mkdtempSync(join(tmpdir(), 'taza-engine-app-'));
        dirs.push(dir);
        const config = loadConfig({
          DATA_DIR: dir,
          STORE_URL: redis.url,
          HTTP_PORT: '0',
          ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
          POLL_INTERVAL: '2s',
          MIN_POLL_INTERVAL: '1s',
          PER_HOST_GAP: '200ms',
        });
        const app = await buildApp(config, {
          logger: captureLogger('warn').logger,
          coordinator,
          platforms: [],
          fetcher: createFetcher({ userAgent: 'Taza-test', networkPolicy: createNetworkPolicy(['127.0.0.0/8']) }),
        });
        apps.push(app);
        if (i === 0) {
          const feed = await app.feeds.ensure(feedServer.url('news'));
          await app.subscriptions.add({
            feedId: feed.id,
            query: 'bitcoin',
            destination: { platform: 'telegram', id: '-100' },
            scope: '-100',
            source: 'command',
          });
        }
      }
      // Every read of the feed from the store, by either app (the engine's reads and the check's go through refresh).
      const reads = apps.map((app) => vi.spyOn(app.feeds, 'refresh'));
      const readCount = () => reads.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
      for (const app of apps) await app.start();
      expect(apps.every((app) => app.scheduler instanceof EngineScheduler)).toBe(true);
      const requests = () => feedServer.requests.filter((request) => request.path === '/news.xml').length;
      await until(() => requests() >= 1, 'the baseline check');
      feedServer.publish('news', testItem(2, 'Bitcoin climbs'));
      const store = await openStore({ storeUrl: redis.url, dataDir: '' });
      try {
        const entries = async () => {
          let count = 0;
          for await (const [, value] of store.outbox.iterator!(undefined)) if (value !== undefined) count++;
          return count;
        };
        await until(async () => (await entries()) > 0, 'the alert in the outbox');
        const first = requests();
        const readsBefore = readCount();
        // Two more checks at least (2 s interval, up to 20% sooner), by either app: still one alert.
        await until(() => requests() >= first + 2, 'two more checks', 15_000);
        expect(await entries()).toBe(1);
        // One read a check (a check under way when counting ends may have read already); two a check before.
        expect(readCount() - readsBefore).toBeLessThanOrEqual(requests() - first + 1);
        const starts = feedServer.requests.filter((r) => r.path === '/news.xml').map((r) => r.at);
        // One check per due time: never two requests for the feed within the minimum interval.
        for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThan(500);
      } finally {
        await store.close();
      }
    } finally {
      for (const app of apps) await app.stop();
    }
  },
);
