/**
 * Three apps built as `taza run` builds them, on one real Redis or Postgres, each with its own coordinator: started
 * together from one subscriptions file they seed it once, a subscription removed on one is gone on the others, and
 * alerts enqueued on each are delivered once through the three apps' sinks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config/load.js';
import type { Coordinator } from '../../src/coordination/coordinator.js';
import { allValues } from '../../src/store/open.js';
import { makeAlert } from '../support/alerts.js';
import { captureLogger } from '../support/logger.js';
import type { TestServer } from '../support/servers/process.js';
import { BACKENDS, DeliveryRecord, waitUntil } from '../support/instances.js';

describe.each(BACKENDS)('three apps on $name', (backend) => {
  let server: TestServer;
  let dir: string;
  const apps: App[] = [];
  const coordinators: Coordinator[] = [];

  beforeAll(async () => {
    server = await backend.start();
    dir = mkdtempSync(join(tmpdir(), 'taza-apps-'));
  }, 60_000);
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await Promise.all(coordinators.splice(0).map((coordinator) => coordinator.close()));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seed one file once, follow each other’s subscriptions, and deliver each alert once', async () => {
    const file = join(dir, 'taza.config.json');
    const subscriptions = Array.from({ length: 30 }, (_, n) => ({
      feed: `https://news.example/feed${n % 10}.xml`,
      keywords: `topic ${n}`,
      to: 'console',
    }));
    writeFileSync(file, JSON.stringify({ subscriptions }));
    const record = new DeliveryRecord();
    // The first builds alone: Postgres stores opened at once on a blank database race to create their tables.
    const build = async () => {
      const coordinator = await backend.coordinator(server.url);
      coordinators.push(coordinator);
      const config = loadConfig({ DATA_DIR: dir, HTTP_PORT: '0', STORE_URL: server.url, TAZA_CONFIG: file });
      const app = await buildApp(config, {
        logger: captureLogger('warn').logger,
        coordinator,
        platforms: [{ sink: record.sink() }],
      });
      apps.push(app);
      return app;
    };
    await build();
    await Promise.all([build(), build()]);
    expect(await allValues(apps[0]!.store.subscriptions)).toHaveLength(30);
    for (const app of apps) expect(app.subscriptions.all()).toHaveLength(30);
    await Promise.all(apps.map((app) => app.start({ polling: false })));

    const removed = apps[0]!.subscriptions.all()[0]!;
    await apps[0]!.subscriptions.remove(removed.id);
    await waitUntil(() => apps.every((app) => !app.subscriptions.get(removed.id)), 2000, 'the removal is seen');

    // Ten alerts made on each app, to four Telegram chats.
    const done = new Promise<void>((resolve) => record.onChange(() => record.all().length >= 30 && resolve()));
    await Promise.all(
      apps.map(async (app, i) => {
        for (let n = i * 10 + 1; n <= i * 10 + 10; n++)
          await app.outbox.enqueue(makeAlert({ n, to: { platform: 'telegram', id: `-100${n % 4}` } }));
      }),
    );
    await done;
    expect(record.all().sort()).toEqual(Array.from({ length: 30 }, (_, i) => `alert-${i + 1}`).sort());
    expect(record.maxInFlight).toBe(1);
  }, 120_000);
});
