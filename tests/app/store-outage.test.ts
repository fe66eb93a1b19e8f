/**
 * A Redis or Postgres server that stops during a run, with the app as buildApp() wires it (polling every second,
 * the real Telegram platform against the fake): /healthz and /readyz turn 503 naming the store, no feed is marked
 * failing, no check starts and nothing is sent while it is down; once the server is back, polling and delivery
 * resume and every alert (one pending from before the outage, one for an item published during it) arrives
 * exactly once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { buildApp, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config/load.js';
import { createFetcher, createNetworkPolicy } from '../../src/fetcher/index.js';
import { DeliveryError } from '../../src/outbox/sink.js';
import { createTelegramPlatform } from '../../src/platforms/telegram/index.js';
import { renderTelegram } from '../../src/render/index.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import type { TestServer } from '../support/servers/process.js';
import { startPostgres } from '../support/servers/postgres.js';
import { startRedis } from '../support/servers/redis.js';

const GROUP = -1002000001;
type LogEvent = Record<string, unknown>;

/** A logger whose lines are kept, with a wait for the n-th line that satisfies a predicate (event-driven). */
function eventLog() {
  const events: LogEvent[] = [];
  const waiters = new Set<() => void>();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) events.push(JSON.parse(line) as LogEvent);
      for (const waiter of waiters) waiter();
      callback();
    },
  });
  const count = (predicate: (e: LogEvent) => boolean) => events.filter(predicate).length;
  const until = (predicate: (e: LogEvent) => boolean, n = 1) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (count(predicate) >= n) {
          waiters.delete(check);
          resolve();
        }
      };
      waiters.add(check);
      check();
    });
  return { logger: pino({ level: 'debug' }, destination), events, count, until };
}

const is = (name: string) => (e: LogEvent) => e.event === name;

async function probe(app: App, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${app.http!.port}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const backends = [
  { name: 'Redis', start: startRedis, label: /STORE_URL=redis:\/\// },
  { name: 'Postgres', start: startPostgres, label: /STORE_URL=postgres:\/\// },
] as const;

describe.each(backends)('a $name server that stops during a run', ({ name, start, label }) => {
  let server: TestServer;
  let feedServer: FeedServer;
  let telegram: FakeTelegram;
  let dir: string;
  let app: App | undefined;
  let log: ReturnType<typeof eventLog> | undefined;
  beforeEach(async () => {
    [server, feedServer, telegram] = await Promise.all([
      start(),
      startFeedServer(),
      startFakeTelegram({ chats: [{ id: GROUP, type: 'supergroup', title: 'News room' }] }),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'taza-outage-'));
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await Promise.all([server.close(), feedServer.close(), telegram.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('pauses with /healthz 503, then resumes and delivers every alert exactly once', async () => {
    feedServer.setItems('news', [testItem(1, 'Cricket scores')]);
    const subscriptionsFile = join(dir, 'taza.config.json');
    writeFileSync(
      subscriptionsFile,
      JSON.stringify({
        subscriptions: [{ feed: feedServer.url('news'), keywords: 'bitcoin', to: `telegram:${GROUP}` }],
      }),
    );
    const config = loadConfig({
      DATA_DIR: dir,
      STORE_URL: server.url,
      TAZA_CONFIG: subscriptionsFile,
      HTTP_PORT: '0',
      POLL_INTERVAL: '1s',
      MIN_POLL_INTERVAL: '1s',
      PER_HOST_GAP: '0',
      DIGEST_THRESHOLD: '0',
      ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
    });
    log = eventLog();
    onTestFailed(() => {
      // What the app logged last, with when (ms since its first line) and why: where it stopped.
      const first = (log?.events[0]?.time as number | undefined) ?? 0;
      for (const e of log?.events.slice(-60) ?? []) {
        const why = (e.err as { message?: string } | undefined)?.message;
        console.log(
          JSON.stringify({ at: (e.time as number) - first, event: e.event, msg: e.msg, ...(why && { why }) }),
        );
      }
    });
    const telegramPlatform = createTelegramPlatform({
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      render: renderTelegram,
      logger: log.logger,
      pacing: { perChatGapMs: 0 },
    });
    app = await buildApp(config, {
      logger: log.logger,
      fetcher: createFetcher({
        userAgent: 'Taza-test',
        networkPolicy: createNetworkPolicy(config.ALLOW_PRIVATE_NETWORKS),
        totalTimeoutMs: 3000,
      }),
      platforms: [telegramPlatform],
    });
    await app.start();
    await log.until(is('feed.baseline'));
    const feedId = app.feeds.findByUrl(feedServer.url('news'))!.id;
    const sends = () => telegram.requests.filter((r) => r.method === 'sendMessage');
    const messages = () => telegram.messages(GROUP).map((m) => m.text ?? '');

    // Before the outage: an alert whose sends fail (transient) until the store is back, so it is pending.
    const sink = telegramPlatform.sink;
    const realSend = sink.send.bind(sink);
    let refused = 0;
    sink.send = async () => {
      refused++;
      throw new DeliveryError('transient', 'Telegram is unavailable (test)', { retryAfterMs: 1000 });
    };
    feedServer.publish('news', testItem(2, 'Bitcoin before the outage'));
    await log.until(is('alert.retry'));
    expect(app.outbox.depth()).toBe(1);

    const stopped = performance.now();
    await server.stop();
    const stopMs = performance.now() - stopped;
    const health = await probe(app, '/healthz');
    const toRedMs = performance.now() - stopped;
    expect(health.status).toBe(503);
    expect(health.body.error).toMatch(label);
    expect(health.body.error).toMatch(/unreachable since/);
    const ready = await probe(app, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body.problems)).toMatch(/the store is unreachable/);
    expect(log.count(is('store.down'))).toBe(1);

    // While down: an item is published; three failed probes later (0.5 + 1 + 2 s, past the 3 s retry and
    // three poll intervals) nothing was fetched, nothing sent, and the feed is not failing.
    const fetchesAtDown = feedServer.requests.length;
    const sendsAtDown = sends().length;
    const refusedAtDown = refused;
    feedServer.publish('news', testItem(3, 'Bitcoin during the outage'));
    await log.until(is('store.probe-failed'), 3);
    expect(feedServer.requests.length).toBe(fetchesAtDown);
    expect(sends().length).toBe(sendsAtDown);
    expect(app.feeds.get(feedId)).toMatchObject({ failures: 0 });
    expect(app.feeds.get(feedId)!.lastError).toBeUndefined();
    expect(log.count(is('feed.error'))).toBe(0);
    expect(log.count(is('store.down'))).toBe(1);
    // No send tried while down (each try would have been refused and counted here).
    expect(refused).toBe(refusedAtDown);
    expect(app.outbox.depth()).toBe(1);
    sink.send = realSend;

    const restarted = performance.now();
    await server.start();
    const startMs = performance.now() - restarted;
    await log.until(is('store.up'));
    const toUpMs = performance.now() - restarted;
    expect((await probe(app, '/healthz')).status).toBe(200);
    expect(log.count(is('store.up'))).toBe(1);

    await log.until(is('alert.sent'), 2);
    const toDeliveredMs = performance.now() - restarted;
    // Two more checks after both alerts: nothing repeated.
    const checked = log.count(is('feed.checked'));
    await log.until(is('feed.checked'), checked + 2);
    expect(messages().filter((m) => m.includes('Bitcoin before the outage'))).toHaveLength(1);
    expect(messages().filter((m) => m.includes('Bitcoin during the outage'))).toHaveLength(1);
    expect(messages()).toHaveLength(2);
    expect(app.feeds.get(feedId)).toMatchObject({ failures: 0 });
    console.log(
      `${name}: server stop took ${Math.round(stopMs)} ms, /healthz 503 ${Math.round(toRedMs)} ms after the stop began; ` +
        `server start took ${Math.round(startMs)} ms, resumed ${Math.round(toUpMs)} ms after the start began, ` +
        `both alerts delivered ${Math.round(toDeliveredMs)} ms after it`,
    );
  }, 60_000);
});
