/** /healthz, /readyz and /metrics of a real `taza run` process. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { runTaza, type TazaProcess } from '../support/taza-process.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { sampleValue } from './prom-text.js';

async function get(port: number, path: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('health and metrics endpoints of taza run', () => {
  let server: FeedServer;
  let dir: string;
  let taza: TazaProcess | undefined;
  let telegram: FakeTelegram | undefined;
  beforeEach(async () => {
    server = await startFeedServer();
    dir = mkdtempSync(join(tmpdir(), 'taza-obs-'));
  });
  afterEach(async () => {
    await taza?.stop('SIGKILL');
    await telegram?.close();
    telegram = undefined;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const baseEnv = () => ({
    DATA_DIR: join(dir, 'data'),
    POLL_INTERVAL: '1s',
    MIN_POLL_INTERVAL: '1s',
    PER_HOST_GAP: '0',
    ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
  });

  it('answers healthz and readyz, and metrics move after a feed check and an alert', { timeout: 60_000 }, async () => {
    server.setItems('news', [testItem(1, 'Bitcoin was mentioned yesterday')]);
    const configFile = join(dir, 'taza.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ subscriptions: [{ feed: server.url('news'), keywords: 'crypto council', to: 'console' }] }),
    );
    taza = runTaza(['run'], { ...baseEnv(), TAZA_CONFIG: configFile });
    const listening = await taza.waitForEvent((e) => e.event === 'http.listening');
    const port = listening.port as number;
    expect(port).toBeGreaterThan(0);
    expect(listening.host).toBe('127.0.0.1');
    await taza.waitForEvent((e) => e.event === 'app.started');

    const health = await get(port, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ ok: true, store: 'ok' });
    const ready = await get(port, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ ok: true, platforms: { console: 'connected' } });

    await taza.waitForEvent((e) => e.event === 'feed.baseline');
    const afterBaseline = await get(port, '/metrics');
    expect(afterBaseline.type).toMatch(/^text\/plain/);
    expect(sampleValue(afterBaseline.text, 'taza_feed_checks_total', { outcome: '200' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(afterBaseline.text, 'taza_feed_bytes_fetched_total')).toBeGreaterThan(0);
    expect(sampleValue(afterBaseline.text, 'taza_feed_items_seen_total')).toBe(1);
    expect(sampleValue(afterBaseline.text, 'taza_alerts_sent_total', { platform: 'console' })).toBe(0);
    expect(sampleValue(afterBaseline.text, 'taza_subscriptions', { state: 'active' })).toBe(1);
    expect(sampleValue(afterBaseline.text, 'taza_feeds_failing')).toBe(0);
    expect(sampleValue(afterBaseline.text, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    server.publish('news', testItem(2, 'Pakistan forms a Crypto Council'));
    await taza.waitForEvent((e) => e.event === 'alert.sent');
    // Unchanged checks answer 304 from the ETag. The check that found the item may log after the alert is
    // sent, so two more checks guarantee one that started after it.
    const checks = taza.events.filter((e) => e.event === 'feed.checked').length;
    await taza.waitForEvents((e) => e.event === 'feed.checked', checks + 2);
    const afterAlert = await get(port, '/metrics');
    expect(sampleValue(afterAlert.text, 'taza_alerts_matched_total')).toBe(1);
    expect(sampleValue(afterAlert.text, 'taza_alerts_sent_total', { platform: 'console' })).toBe(1);
    expect(sampleValue(afterAlert.text, 'taza_delivery_latency_seconds_count', { platform: 'console' })).toBe(1);
    expect(sampleValue(afterAlert.text, 'taza_feed_items_seen_total')).toBe(3);
    expect(sampleValue(afterAlert.text, 'taza_feed_checks_total', { outcome: '304' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(afterAlert.text, 'taza_outbox_depth')).toBe(0);
    expect(sampleValue(afterAlert.text, 'taza_outbox_oldest_pending_age_seconds')).toBe(0);

    expect((await get(port, '/nothing-here')).status).toBe(404);
    expect(await taza.stop('SIGTERM')).toBe(0);
  });

  it('readyz is 503 and says which platform is not connected; healthz stays 200', async () => {
    telegram = await startFakeTelegram();
    // A token the fake does not know: getMe answers 401, so the Telegram sink never connects.
    taza = runTaza(['run'], {
      ...baseEnv(),
      TELEGRAM_TOKEN: '7000000002:AAWrongTokenForTheFakeTelegram_000000',
      TELEGRAM_API_ROOT: telegram.apiRoot,
    });
    const port = (await taza.waitForEvent((e) => e.event === 'http.listening')).port as number;
    await taza.waitForEvent((e) => e.event === 'app.started');
    const ready = await get(port, '/readyz');
    expect(ready.status).toBe(503);
    const body = JSON.parse(ready.text) as { ok: boolean; platforms: Record<string, string>; problems: string[] };
    expect(body.ok).toBe(false);
    expect(body.platforms).toEqual({ console: 'connected', telegram: 'disconnected' });
    expect(body.problems).toEqual([
      expect.stringMatching(/^telegram is disconnected: alerts for it wait in the outbox/),
    ]);
    expect((await get(port, '/healthz')).status).toBe(200);
    const metrics = await get(port, '/metrics');
    expect(sampleValue(metrics.text, 'taza_alerts_sent_total', { platform: 'telegram' })).toBe(0);
    expect(await taza.stop('SIGTERM')).toBe(0);
  });
});
