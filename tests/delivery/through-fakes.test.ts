/**
 * The outbox's delivery worker with the real Discord and Telegram adapters (discord.js, grammY) against the
 * local fakes: retries, pauses, migrations and bursts as a subscriber would see them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination } from '../../src/core/destination.js';
import { DeliveryWorker, type DeliveryHooks } from '../../src/outbox/delivery.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { renderDiscord, renderTelegram } from '../../src/render/index.js';
import { createDiscordSink } from '../../src/platforms/discord/sink.js';
import { createTelegramSink } from '../../src/platforms/telegram/sink.js';
import type { Sink } from '../../src/outbox/sink.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { makeAlert } from '../support/alerts.js';
import { condition } from '../support/wait.js';
import { captureLogger } from '../support/logger.js';
import { tempStore } from '../support/store.js';

const CHANNEL = '200000000000000001';
const GROUP = -100555;
const discordTo: Destination = { platform: 'discord', id: CHANNEL };
const telegramTo: Destination = { platform: 'telegram', id: String(GROUP) };

describe('delivery through the platform fakes', () => {
  let discord: FakeDiscord;
  let telegram: FakeTelegram;
  let env: Awaited<ReturnType<typeof tempStore>>;
  let sinks: Sink[] = [];
  let worker: DeliveryWorker | undefined;
  let settled = () => {};
  const paused: string[] = [];
  const moved: string[] = [];

  beforeEach(async () => {
    discord = await startFakeDiscord({
      guilds: [{ id: '100000000000000001', name: 'Guild', channels: [{ id: CHANNEL, name: 'news' }] }],
    });
    telegram = await startFakeTelegram({ chats: [{ id: GROUP, type: 'supergroup', title: 'News group' }] });
    env = await tempStore();
    paused.length = 0;
    moved.length = 0;
    settled = () => {};
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await Promise.all(sinks.map((s) => s.stop()));
    sinks = [];
    await discord.close();
    await telegram.close();
    await env.cleanup();
  });

  async function startWorker(options: { digestThreshold?: number } = {}) {
    const logger = captureLogger().logger;
    const discordSink = createDiscordSink({
      token: discord.token,
      apiBase: discord.apiBase,
      render: renderDiscord,
      requestTimeoutMs: 1500,
    });
    // Generous timeouts: a send answered late under load would otherwise be retried and posted twice (at-least-once).
    const telegramSink = createTelegramSink({
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      render: renderTelegram,
      requestTimeoutMs: 1500,
      pacing: { perChatGapMs: 5, perGroupPerMinute: 1000, globalPerSecond: 1000 },
    });
    sinks = [discordSink, telegramSink];
    await Promise.all(sinks.map((s) => s.start()));
    const outbox = await Outbox.load(env.store);
    const hooks: DeliveryHooks = {
      onPermanentFailure: async (d, reason) => void paused.push(`${d.platform}:${d.id}:${reason}`),
      onMoved: async (from, to) => void moved.push(`${from.id}->${to.id}`),
      onSettled: () => settled(),
    };
    worker = new DeliveryWorker({
      outbox,
      sinks: { discord: discordSink, telegram: telegramSink },
      logger,
      hooks,
      digestThreshold: options.digestThreshold ?? 0,
      digestGatherMs: 200,
      maxBackoffMs: 50,
    });
    return outbox;
  }

  async function deliverAll(outbox: Outbox, alerts: ReturnType<typeof makeAlert>[]) {
    let enqueued = 0;
    const done = condition(() => enqueued === alerts.length && outbox.depth() === 0);
    settled = done.notify;
    // Everything is enqueued before the worker starts, as after a feed check that found a burst.
    for (const alert of alerts) {
      await outbox.enqueue(alert);
      enqueued++;
    }
    worker!.start();
    done.notify();
    await done.done;
  }

  it('posts one alert as exactly one message on each platform, with no mentions possible', async () => {
    const outbox = await startWorker();
    await deliverAll(outbox, [
      makeAlert({
        n: 1,
        to: discordTo,
        overrides: { item: { key: 'k', title: '@everyone Bitcoin <@&1>', link: 'https://news.example/1' } },
      }),
      makeAlert({ n: 2, to: telegramTo }),
    ]);
    const [message] = discord.messages(CHANNEL);
    expect(discord.messages(CHANNEL)).toHaveLength(1);
    expect(message!.body.allowed_mentions).toEqual({ parse: [] });
    expect(JSON.stringify(message!.body.embeds)).toContain('Bitcoin');
    expect(telegram.messages(GROUP)).toHaveLength(1);
    expect(telegram.messages(GROUP)[0]!.text).toContain('Story 2');
    expect(telegram.messages(GROUP)[0]!.parse_mode).toBe('HTML');
  });

  it('waits out a 429 with Retry-After and delivers once', async () => {
    telegram.inject('sendMessage', { type: 'rate-limit', retryAfter: 1 }, { times: 1 });
    discord.inject('POST /channels/:id/messages', { type: 'rate-limit', retryAfter: 0.3 }, { times: 1 });
    const outbox = await startWorker();
    await deliverAll(outbox, [makeAlert({ n: 1, to: discordTo }), makeAlert({ n: 2, to: telegramTo })]);
    expect(telegram.messages(GROUP)).toHaveLength(1);
    expect(discord.messages(CHANNEL)).toHaveLength(1);
    const sends = telegram.requests.filter((r) => r.method === 'sendMessage');
    expect(sends).toHaveLength(2);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries after 5xx twice and after a hung request, delivering once', async () => {
    discord.inject('POST /channels/:id/messages', { type: 'server-error', status: 502 }, { times: 2 });
    telegram.inject('sendMessage', { type: 'hang' }, { times: 1 });
    const outbox = await startWorker();
    await deliverAll(outbox, [makeAlert({ n: 1, to: discordTo }), makeAlert({ n: 2, to: telegramTo })]);
    expect(discord.messages(CHANNEL)).toHaveLength(1);
    expect(telegram.messages(GROUP)).toHaveLength(1);
    expect(telegram.requests.filter((r) => r.method === 'sendMessage').length).toBeGreaterThanOrEqual(2);
  });

  it('pauses a destination the bot was kicked from and sends nothing more there', async () => {
    telegram.inject('sendMessage', { type: 'kicked' });
    discord.inject('POST /channels/:id/messages', { type: 'missing-permissions' });
    const outbox = await startWorker();
    await deliverAll(outbox, [
      makeAlert({ n: 1, to: telegramTo }),
      makeAlert({ n: 2, to: telegramTo }),
      makeAlert({ n: 3, to: discordTo }),
    ]);
    expect(paused.sort()).toEqual([
      expect.stringMatching(new RegExp(`^discord:${CHANNEL}:.*Missing Permissions`)),
      expect.stringMatching(new RegExp(`^telegram:${GROUP}:.*kicked`)),
    ]);
    expect(telegram.requests.filter((r) => r.method === 'sendMessage')).toHaveLength(1);
    expect(discord.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))).toHaveLength(1);
  });

  it('follows a group that became a supergroup', async () => {
    telegram.inject('sendMessage', { type: 'migrate', toChatId: -100999 }, { times: 1 });
    const outbox = await startWorker();
    await deliverAll(outbox, [makeAlert({ n: 1, to: telegramTo }), makeAlert({ n: 2, to: telegramTo })]);
    expect(moved).toEqual([`${GROUP}->-100999`]);
    expect(telegram.messages(-100999).map((m) => m.text?.includes('Story 1'))).toEqual([true, false]);
    expect(telegram.messages(-100999)).toHaveLength(2);
  });

  it('queues a 40-item burst to one chat and delivers all of it in order', async () => {
    const outbox = await startWorker();
    const burst = Array.from({ length: 40 }, (_, i) => makeAlert({ n: i + 1, to: telegramTo }));
    await deliverAll(outbox, burst);
    const texts = telegram.messages(GROUP).map((m) => /Story (\d+)/.exec(m.text ?? '')?.[1]);
    expect(texts).toEqual(burst.map((_, i) => String(i + 1)));
  });

  it('collapses a burst into a digest beyond the threshold, still listing every story', async () => {
    const outbox = await startWorker({ digestThreshold: 5 });
    const burst = Array.from({ length: 40 }, (_, i) => makeAlert({ n: i + 1, to: telegramTo }));
    await deliverAll(outbox, burst);
    const messages = telegram.messages(GROUP);
    expect(messages.length).toBeLessThanOrEqual(7);
    const all = messages.map((m) => m.text).join('\n');
    for (let n = 1; n <= 40; n++) expect(all).toContain(`news.example/${n}`);
  });
});
