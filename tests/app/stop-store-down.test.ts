/**
 * `taza run` (a real process) stops on SIGTERM while its store is down: every step of the shutdown still runs (the
 * job engine, which would wait for Redis for ever, is dropped after 5 s), and the process exits with 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import type { TestServer } from '../support/servers/process.js';
import { startRedis } from '../support/servers/redis.js';
import { runTaza, type TazaProcess } from '../support/taza-process.js';

describe('taza run with its store down', () => {
  let server: TestServer | undefined;
  let feeds: FeedServer | undefined;
  let taza: TazaProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await taza?.stop('SIGKILL');
    await Promise.all([server?.close(), feeds?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits with 0 on SIGTERM, after logging the store down', async () => {
    [server, feeds] = await Promise.all([startRedis(), startFeedServer()]);
    dir = mkdtempSync(join(tmpdir(), 'taza-stop-down-'));
    feeds.setItems('news', [testItem(1, 'Cricket scores')]);
    const file = join(dir, 'taza.config.json');
    writeFileSync(file, JSON.stringify({ subscriptions: [{ feed: feeds.url('news'), keywords: 'x', to: 'console' }] }));
    taza = runTaza(['run'], {
      DATA_DIR: join(dir, 'data'),
      STORE_URL: server.url,
      TAZA_CONFIG: file,
      POLL_INTERVAL: '1s',
      MIN_POLL_INTERVAL: '1s',
      PER_HOST_GAP: '0',
      ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
    });
    await taza.waitForEvent((e) => e.event === 'feed.baseline');
    await taza.waitForEvents((e) => e.event === 'feed.checked', 2);
    const port = (await taza.waitForEvent((e) => e.event === 'http.listening')).port as number;
    await server.stop();
    // /healthz notices at once (a live round-trip), so the stop below happens with the store known down.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(503);

    const started = performance.now();
    const code = await taza.stop('SIGTERM');
    const ms = performance.now() - started;
    console.log(`SIGTERM with Redis down: exit ${code} after ${Math.round(ms)} ms`);
    expect(code).toBe(0);
    // The job engine's close is given 5 s before it is dropped.
    expect(ms).toBeLessThan(15_000);
    expect(taza.events.some((e) => e.event === 'app.stopped')).toBe(true);
    expect(taza.events.some((e) => e.event === 'store.down')).toBe(true);
    // On Redis the checks run on the job engine, which writes each feed's state at once: no batched flush is left.
  }, 30_000);
});
