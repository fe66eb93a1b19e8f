/**
 * WebSub push: a real `taza run` (from dist/) with PUBLIC_URL set, 20 feeds that name the local test hub, alerts
 * to the fake Telegram. Once every feed's subscription is verified, items are published one at a time, each
 * pushed by the hub as the feed's new body, signed; latency is hub publish → fake Telegram receipt. The poll
 * interval is long (1 h with a live lease), so a latency under it can only be the push.
 */
import { createServer } from 'node:net';
import { once } from 'node:events';
import { startFakeHub } from '../tests/fakes/websub-hub.js';
import { startFakeTelegram } from '../tests/fakes/telegram.js';
import { startFeedServer, testItem } from '../tests/support/feed-server.js';
import { pause, percentile, round } from './lib/stats.js';
import type { Row } from './lib/table.js';
import { startTaza } from './lib/taza.js';
import { KEYWORD } from './lib/workload.js';

export interface PushOptions {
  feeds: number;
  publications: number;
  /** Between two publications, so each is measured alone (and Telegram's per-chat pacing plays no part). */
  gapMs: number;
}

export const PUSH_DEFAULTS: PushOptions = { feeds: 20, publications: 30, gapMs: 300 };

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function runPush(options: PushOptions = PUSH_DEFAULTS): Promise<{ rows: Row[]; details: unknown }> {
  const chats = Array.from({ length: options.feeds }, (_, i) => 6000 + i);
  const [hub, feeds, telegram] = await Promise.all([
    startFakeHub(),
    startFeedServer(),
    startFakeTelegram({ chats: chats.map((id) => ({ id, type: 'private' as const })) }),
  ]);
  const names = Array.from({ length: options.feeds }, (_, i) => `push-${i}`);
  for (const name of names) {
    feeds.setItems(name, [testItem(1, `An older ${KEYWORD} story`)]);
    feeds.setHub(name, hub.url);
  }
  const port = await freePort();
  const taza = startTaza({
    subscriptions: names.map((name, i) => ({ feed: feeds.url(name), keywords: KEYWORD, to: `telegram:${chats[i]}` })),
    env: {
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      HTTP_PORT: String(port),
      POLL_INTERVAL: '5m',
      TELEGRAM_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    },
    keep: (event) => event.event === 'alert.sent',
  });
  const latencies: number[] = [];
  let missing = 0;
  const pollsBefore = { count: 0 };
  try {
    await taza.waitForCount('websub.subscribed', options.feeds, 120_000);
    pollsBefore.count = feeds.requests.length;
    for (let i = 0; i < options.publications; i++) {
      const which = i % options.feeds;
      const name = names[which]!;
      const tag = `push${i}x${Date.now().toString(36)}`;
      feeds.publish(name, testItem(100 + i, `A ${KEYWORD} story ${tag}`));
      const arrived = telegram
        .waitFor((r) => r.method === 'sendMessage' && String(r.params.text ?? '').includes(tag), 10_000)
        .then(() => performance.now());
      const publishedAt = performance.now();
      await hub.publish(feeds.url(name), feeds.body(name));
      try {
        latencies.push((await arrived) - publishedAt);
      } catch {
        missing++;
      }
      await pause(options.gapMs);
    }
  } finally {
    await taza.stop();
    await Promise.all([hub.close(), feeds.close(), telegram.close()]);
  }
  const p50 = percentile(latencies, 50);
  const max = Math.max(...latencies);
  const polls = feeds.requests.length - pollsBefore.count;
  const section = `push ${options.feeds} feeds`;
  console.error(
    `[bench push] ${latencies.length} pushed items: p50 ${round(p50, 0)} ms, p90 ${round(percentile(latencies, 90), 0)} ms, max ${round(max, 0)} ms; ${missing} missing; ${polls} polls during the window`,
  );
  return {
    details: { latenciesMs: latencies.map((ms) => round(ms, 1)), missing, pollsDuringWindow: polls },
    rows: [
      {
        section,
        measure: 'push → message latency p50',
        unit: 'ms',
        taza: round(p50, 0),
        target: '≤ 1000 ms',
        pass: p50 <= 1000 && missing === 0,
        note: `${latencies.length} items, ${missing} missing`,
      },
      {
        section,
        measure: 'push → message latency max',
        unit: 'ms',
        taza: round(max, 0),
        target: '≤ 2000 ms',
        pass: max <= 2000,
      },
      { section, measure: 'polls of the feeds during the window', unit: 'count', taza: polls },
    ],
  };
}
