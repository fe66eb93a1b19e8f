import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { DeliveryError } from '../../src/outbox/sink.js';
import { createTelegramSink, type TelegramSink, type TelegramSinkOptions } from '../../src/platforms/telegram/sink.js';
import type { TelegramMessage } from '../../src/render/index.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { makeAlert } from '../support/alerts.js';
import { captureLogger, LEVEL } from '../support/logger.js';
import { rejection } from '../support/wait.js';

const PRIVATE = 5000001;
const GROUP = -4000001;
const SUPERGROUP = -1004000002;
const TIMEOUT_MS = 300;

const render = (alert: Alert): TelegramMessage => ({
  text: `<b>${alert.item.title}</b>\n${alert.summary.text}\n<a href="${alert.item.link}">Read</a>`,
  parse_mode: 'HTML',
  link_preview_options: { is_disabled: true },
});
const toChat = (chatId: number, n = 1) => makeAlert({ to: { platform: 'telegram', id: String(chatId) }, n });

describe('Telegram sink through the fake Bot API', () => {
  let fake: FakeTelegram;
  let sink: TelegramSink;
  let logs: ReturnType<typeof captureLogger>;
  const sends = () => fake.requests.filter((r) => r.method === 'sendMessage');
  const createSink = (extra: Partial<TelegramSinkOptions> = {}) =>
    createTelegramSink({
      token: fake.token,
      apiRoot: fake.apiRoot,
      render,
      logger: logs.logger,
      requestTimeoutMs: TIMEOUT_MS,
      pacing: { perChatGapMs: 0 },
      ...extra,
    });

  beforeEach(async () => {
    fake = await startFakeTelegram({
      chats: [
        { id: PRIVATE, type: 'private' },
        { id: GROUP, type: 'group', title: 'Old group' },
        { id: SUPERGROUP, type: 'supergroup', title: 'News room' },
      ],
    });
    logs = captureLogger();
    sink = createSink();
    await sink.start();
  });

  afterEach(async () => {
    await sink.stop();
    await fake.close();
  });

  it('checks the token with getMe on start and sends one alert as one HTML message to the right chat', async () => {
    expect(sink.state()).toBe('connected');
    expect(fake.requests.map((r) => r.method)).toEqual(['getMe']);
    await sink.send(toChat(SUPERGROUP));
    expect(fake.messages(PRIVATE)).toHaveLength(0);
    expect(fake.messages(SUPERGROUP)).toHaveLength(1);
    expect(fake.messages(SUPERGROUP)[0]).toMatchObject({
      text: '<b>Story 1</b>\nSummary of story 1.\n<a href="https://news.example/1">Read</a>',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  });

  it('waits out a 429 for its retry_after and then delivers exactly once', async () => {
    fake.inject('sendMessage', { type: 'rate-limit', retryAfter: 1 }, { times: 1 });
    await sink.send(toChat(PRIVATE));
    const [limited, retried] = sends();
    expect(limited!.status).toBe(429);
    expect(retried!.status).toBe(200);
    expect(retried!.at - limited!.answeredAt!).toBeGreaterThanOrEqual(1000);
    expect(fake.messages(PRIVATE)).toHaveLength(1);
  });

  it('fails a retry_after longer than the configured maximum as transient with retryAfterMs, sending nothing', async () => {
    const impatient = createSink({ maxRetryAfterSeconds: 5 });
    await impatient.start();
    fake.inject('sendMessage', { type: 'rate-limit', retryAfter: 30 }, { times: 1 });
    const error = await rejection(impatient.send(toChat(PRIVATE)));
    await impatient.stop();
    expect(error).toMatchObject({ kind: 'transient', details: { retryAfterMs: 30_000, status: 429 } });
    expect(fake.messages(PRIVATE)).toHaveLength(0);
  });

  // auto-retry backs off 3 s then 6 s between 5xx attempts (not configurable), so this test takes about 9 s.
  it('retries two 5xx answers and delivers once', { timeout: 20_000 }, async () => {
    fake.inject('sendMessage', { type: 'server-error', status: 502 }, { times: 2 });
    await sink.send(toChat(PRIVATE));
    expect(sends().map((r) => r.status)).toEqual([502, 502, 200]);
    expect(fake.messages(PRIVATE)).toHaveLength(1);
  });

  it('fails a hung request as transient after the timeout, and the next send works', async () => {
    const hang = fake.inject('sendMessage', { type: 'hang' });
    const error = await rejection(sink.send(toChat(PRIVATE)));
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ kind: 'transient', message: expect.stringContaining(`${TIMEOUT_MS} ms`) });
    hang.remove();
    await sink.send(toChat(PRIVATE, 2));
    expect(fake.messages(PRIVATE).map((m) => m.text)).toEqual([expect.stringContaining('Story 2')]);
  });

  it('fails as transient when the Bot API cannot be reached', async () => {
    await fake.close();
    const error = await rejection(sink.send(toChat(PRIVATE)));
    expect(error).toMatchObject({ kind: 'transient', message: expect.stringMatching(/Network error/) });
  });

  it.each([
    ['kicked', /bot was kicked/],
    ['blocked', /bot was blocked by the user/],
    ['not-enough-rights', /not enough rights/],
    ['chat-not-found', /chat not found/],
  ] as const)('maps %s to a permanent error, sent once and not retried', async (type, reason) => {
    fake.inject('sendMessage', { type });
    const error = await rejection(sink.send(toChat(GROUP)));
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).kind).toBe('permanent');
    expect((error as DeliveryError).message).toMatch(reason);
    expect(sends()).toHaveLength(1);
  });

  it('treats a chat Telegram does not know as permanent (real 400 chat not found from the fake)', async () => {
    const error = await rejection(sink.send(toChat(-999)));
    expect(error).toMatchObject({
      kind: 'permanent',
      details: { status: 400 },
      message: expect.stringMatching(/chat not found/),
    });
  });

  it('reports a migrated group as moved with the new chat id, where the resend then lands', async () => {
    fake.inject('sendMessage', { type: 'migrate', toChatId: -1004000009 }, { chatId: GROUP });
    const error = await rejection(sink.send(toChat(GROUP)));
    expect(error).toMatchObject({ kind: 'moved', details: { movedTo: '-1004000009' } });
    await sink.send(toChat(Number((error as DeliveryError).details.movedTo)));
    expect(fake.messages(-1004000009)).toHaveLength(1);
    expect(fake.messages(GROUP)).toHaveLength(0);
  });

  it('refuses sends after stop() as transient and stops idempotently', async () => {
    await sink.stop();
    await sink.stop();
    expect(sink.state()).toBe('stopped');
    await expect(sink.send(toChat(PRIVATE))).rejects.toMatchObject({ kind: 'transient' });
    expect(sends()).toHaveLength(0);
  });

  it('startPolling runs the bot on long polling until stop()', async () => {
    sink.bot.command('ping', (ctx) => ctx.reply('pong'));
    await sink.startPolling();
    expect(fake.requests.find((r) => r.method === 'deleteWebhook')?.params.drop_pending_updates).not.toBe(true);
    await fake.waitFor((r) => r.method === 'getUpdates');
    fake.pushUpdate({
      message: {
        message_id: 1,
        date: 1,
        chat: { id: PRIVATE, type: 'private', first_name: 'A' },
        from: { id: PRIVATE, is_bot: false, first_name: 'A' },
        text: '/ping',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    });
    await fake.waitFor((r) => r.method === 'sendMessage' && r.status === 200);
    expect(fake.messages(PRIVATE).map((m) => m.text)).toEqual(['pong']);
    await sink.stop();
    expect(sink.bot.isRunning()).toBe(false);
    // grammY confirms the handled update on stop, so it is not delivered again.
    expect(fake.requests.filter((r) => r.method === 'getUpdates').at(-1)?.params.offset).toBe(2);
  });
});

describe('Telegram sink pacing and start-up', () => {
  let fake: FakeTelegram;
  afterEach(async () => fake.close());

  it('delivers 40 sends to one chat in order with at least the configured gap between them', async () => {
    fake = await startFakeTelegram({ chats: [{ id: PRIVATE, type: 'private' }] });
    const gap = 20;
    const sink = createTelegramSink({
      token: fake.token,
      apiRoot: fake.apiRoot,
      render,
      pacing: { perChatGapMs: gap },
    });
    await sink.start();
    await Promise.all(Array.from({ length: 40 }, (_, i) => sink.send(toChat(PRIVATE, i + 1))));
    await sink.stop();
    const delivered = fake.messages(PRIVATE);
    expect(delivered.map((m) => m.text!.match(/Story (\d+)/)![1])).toEqual(
      Array.from({ length: 40 }, (_, i) => String(i + 1)),
    );
    const received = fake.requests.filter((r) => r.method === 'sendMessage').map((r) => r.at);
    const gaps = received.slice(1).map((at, i) => at - received[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(gap);
  });

  it('fails start() clearly on a bad token, without logging it', async () => {
    fake = await startFakeTelegram();
    const logs = captureLogger();
    const badToken = '7000000001:AAWrongTokenWrongTokenWrongToken123';
    const sink = createTelegramSink({ token: badToken, apiRoot: fake.apiRoot, render, logger: logs.logger });
    const error = await rejection(sink.start());
    expect(String(error)).toMatch(/Telegram rejected the bot token \(401 Unauthorized\)/);
    expect(String(error)).not.toContain(badToken);
    expect(sink.state()).toBe('disconnected');
    expect(logs.text()).not.toContain('AAWrongToken');
  });

  it('never logs the token, through failures and polling', async () => {
    fake = await startFakeTelegram({ chats: [{ id: GROUP, type: 'group', title: 'G' }] });
    const logs = captureLogger();
    const sink = createTelegramSink({
      token: fake.token,
      apiRoot: fake.apiRoot,
      render,
      logger: logs.logger,
      requestTimeoutMs: TIMEOUT_MS,
    });
    await sink.start();
    await sink.startPolling();
    fake.inject('sendMessage', { type: 'kicked' }, { times: 1 });
    await rejection(sink.send(toChat(GROUP)));
    fake.inject('sendMessage', { type: 'hang' }, { times: 1 });
    await rejection(sink.send(toChat(GROUP, 2)));
    await sink.stop();
    expect(logs.lines.filter((line) => line.level === LEVEL.warn)).toHaveLength(2);
    expect(logs.text()).not.toContain(fake.token);
    expect(logs.text()).not.toContain(fake.token.split(':')[1]);
  });
});
