/** The health/metrics server and its probes, in process, with stubbed parts. */
import { Agent, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHttpServer, type HttpServer, type ProbeReport } from '../../src/observability/http-server.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { healthProbe, readinessProbe } from '../../src/observability/probes.js';
import { DeliveryError } from '../../src/outbox/sink.js';
import { captureLogger } from '../support/logger.js';
import { makeAlert } from '../support/alerts.js';
import { sampleValue } from './prom-text.js';

describe('startHttpServer', () => {
  let http: HttpServer | undefined;
  afterEach(async () => {
    await http?.close();
    http = undefined;
  });

  const start = async (health: ProbeReport, ready: ProbeReport) => {
    const { logger, lines } = captureLogger();
    http = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      health: () => health,
      ready: () => ready,
      metrics: { contentType: 'text/plain; version=0.0.4', render: async () => 'm 1\n' },
      logger,
    });
    return { port: http.port, lines };
  };

  it('logs the free port it picked and answers 200/503 with the probe as JSON', async () => {
    const { port, lines } = await start({ ok: true, store: 'ok' }, { ok: false, problems: ['discord is connecting'] });
    expect(lines.find((l) => l.event === 'http.listening')).toMatchObject({ port, host: '127.0.0.1' });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, store: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ok: false, problems: ['discord is connecting'] });
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await metrics.text()).toBe('m 1\n');
  });

  it('answers HEAD without a body, refuses other methods and unknown paths', async () => {
    const { port } = await start({ ok: true }, { ok: true });
    const head = await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
  });

  it('keeps an idle connection open longer than proxies and pooling clients do (65 s), and says so', async () => {
    const { port } = await start({ ok: true }, { ok: true });
    const agent = new Agent({ keepAlive: true });
    const keepAlive = await new Promise<string | string[] | undefined>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['keep-alive']));
      }).on('error', reject);
    });
    agent.destroy();
    expect(keepAlive).toBe('timeout=65');
  });

  it('says which setting to change when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const { logger } = captureLogger();
    await expect(
      startHttpServer({
        host: '127.0.0.1',
        port,
        health: () => ({ ok: true }),
        ready: () => ({ ok: true }),
        metrics: createMetrics({ defaultMetrics: false }),
        logger,
      }),
    ).rejects.toThrow(`HTTP_PORT ${port} on 127.0.0.1 is already in use`);
    await new Promise((resolve) => blocker.close(resolve));
  });
});

describe('probes', () => {
  it('healthProbe reports a store that refuses or does not answer', async () => {
    expect(await healthProbe({ ping: async () => true, location: 'x.sqlite' })()).toMatchObject({
      ok: true,
      store: 'ok',
    });
    expect(await healthProbe({ ping: async () => false, location: 'x.sqlite' })()).toMatchObject({
      ok: false,
      store: 'the store refused a write',
    });
    vi.useFakeTimers();
    try {
      const pending = healthProbe({ ping: () => new Promise<boolean>(() => {}), location: 'redis://***@cache:6379' })();
      await vi.advanceTimersByTimeAsync(3000);
      const report = await pending;
      expect(report).toMatchObject({ ok: false, store: 'no answer within 3 s' });
      expect(report.error).toContain('redis://***@cache:6379');
    } finally {
      vi.useRealTimers();
    }
  });

  it('readinessProbe lists each platform state and what is not connected', () => {
    const probe = readinessProbe({ console: { state: () => 'connected' }, discord: { state: () => 'connecting' } });
    expect(probe()).toEqual({
      ok: false,
      platforms: { console: 'connected', discord: 'connecting' },
      problems: [expect.stringMatching(/^discord is connecting: /)],
    });
    expect(readinessProbe({ telegram: { state: () => 'connected' } })()).toEqual({
      ok: true,
      platforms: { telegram: 'connected' },
    });
  });
});

describe('createMetrics', () => {
  it('counts pipeline and delivery events and reads gauges at scrape time', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const pending: string[] = [];
    const now = Date.parse('2026-01-01T00:10:00Z');
    metrics.observe({
      outboxDepth: () => pending.length,
      oldestPendingAt: () => pending[0],
      feeds: () => [{ failures: 0 }, { failures: 2 }, { failures: 9, disabled: { reason: 'gone' } }],
      subscriptions: () => [{}, { paused: { reason: 'kicked' } }, {}],
      platforms: ['discord'],
      now: () => now,
    });
    let text = await metrics.render();
    expect(sampleValue(text, 'taza_outbox_depth')).toBe(0);
    expect(sampleValue(text, 'taza_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(sampleValue(text, 'taza_alerts_sent_total', { platform: 'discord' })).toBe(0);

    metrics.pipeline.feedCheck('200', 1500);
    metrics.pipeline.feedCheck('304', 0);
    metrics.pipeline.feedCheck('timeout', 0);
    metrics.pipeline.itemsSeen(7);
    metrics.pipeline.alertsMatched(2);
    const hooks = metrics.deliveryHooks();
    const alert = makeAlert({
      to: { platform: 'discord', id: '123456789012345678' },
      overrides: { firstSeenAt: new Date(Date.now() - 42_000).toISOString() },
    });
    hooks.onSent?.(alert, { alert, status: 'pending', seq: 1, attempts: 0, nextAttemptAt: alert.createdAt });
    hooks.onFailed?.(alert, new DeliveryError('transient', 'timeout'));
    pending.push('2026-01-01T00:08:00Z');

    text = await metrics.render();
    expect(sampleValue(text, 'taza_feed_checks_total', { outcome: '200' })).toBe(1);
    expect(sampleValue(text, 'taza_feed_checks_total', { outcome: '304' })).toBe(1);
    expect(sampleValue(text, 'taza_feed_checks_total', { outcome: 'timeout' })).toBe(1);
    expect(sampleValue(text, 'taza_feed_bytes_fetched_total')).toBe(1500);
    expect(sampleValue(text, 'taza_feed_items_seen_total')).toBe(7);
    expect(sampleValue(text, 'taza_alerts_matched_total')).toBe(2);
    expect(sampleValue(text, 'taza_alerts_sent_total', { platform: 'discord' })).toBe(1);
    expect(sampleValue(text, 'taza_alerts_failed_total', { platform: 'discord', kind: 'transient' })).toBe(1);
    expect(sampleValue(text, 'taza_delivery_latency_seconds_bucket', { platform: 'discord', le: '30' })).toBe(0);
    expect(sampleValue(text, 'taza_delivery_latency_seconds_bucket', { platform: 'discord', le: '60' })).toBe(1);
    expect(sampleValue(text, 'taza_outbox_depth')).toBe(1);
    expect(sampleValue(text, 'taza_outbox_oldest_pending_age_seconds')).toBe(120);
    expect(sampleValue(text, 'taza_feeds_failing')).toBe(1);
    expect(sampleValue(text, 'taza_feeds_disabled')).toBe(1);
    expect(sampleValue(text, 'taza_subscriptions', { state: 'active' })).toBe(2);
    expect(sampleValue(text, 'taza_subscriptions', { state: 'paused' })).toBe(1);
  });

  it('keeps each instance separate (two apps in one process do not collide)', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.pipeline.itemsSeen(3);
    expect(sampleValue(await b.render(), 'taza_feed_items_seen_total')).toBe(0);
  });
});
