import { once } from 'node:events';
import { Events } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { DeliveryError } from '../../src/outbox/sink.js';
import { createDiscordSink, discordNonce, type DiscordSink } from '../../src/platforms/discord/sink.js';
import type { DiscordMessage } from '../../src/render/index.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { makeAlert } from '../support/alerts.js';
import { captureLogger, LEVEL } from '../support/logger.js';
import { rejection } from '../support/wait.js';

const GUILD = '1300000000000000001';
const NEWS = '1300000000000000002';
const OTHER = '1300000000000000003';
const TIMEOUT_MS = 300;

const render = (alert: Alert): DiscordMessage => ({
  embeds: [
    {
      title: alert.item.title,
      url: alert.item.link,
      description: alert.summary.text,
      footer: { text: alert.feed.title },
    },
  ],
  allowed_mentions: { parse: [] },
});

describe('Discord sink through the fake Discord', () => {
  let fake: FakeDiscord;
  let sink: DiscordSink;
  let logs: ReturnType<typeof captureLogger>;
  const posts = () => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${NEWS}/messages`);

  beforeEach(async () => {
    fake = await startFakeDiscord({
      guilds: [
        {
          id: GUILD,
          name: 'Newsroom',
          channels: [
            { id: NEWS, name: 'news' },
            { id: OTHER, name: 'other' },
          ],
        },
      ],
    });
    logs = captureLogger();
    sink = createDiscordSink({
      token: fake.token,
      apiBase: fake.apiBase,
      render,
      logger: logs.logger,
      requestTimeoutMs: TIMEOUT_MS,
    });
    await sink.start();
  });

  afterEach(async () => {
    await sink.stop();
    await fake.close();
  });

  it('connects through the gateway and posts one alert as one embed message in the right channel', async () => {
    expect(sink.state()).toBe('connected');
    expect(sink.client.guilds.cache.get(GUILD)?.name).toBe('Newsroom');
    const alert = makeAlert({ to: { platform: 'discord', id: NEWS } });
    await sink.send(alert);

    expect(fake.messages(OTHER)).toHaveLength(0);
    const [message] = fake.messages(NEWS);
    expect(fake.messages(NEWS)).toHaveLength(1);
    expect(message!.body).toMatchObject({
      embeds: [{ title: 'Story 1', url: 'https://news.example/1', description: 'Summary of story 1.' }],
      allowed_mentions: { parse: [] },
      nonce: discordNonce(alert.id),
      enforce_nonce: true,
    });
    expect(discordNonce(alert.id).length).toBeLessThanOrEqual(25);
  });

  it('never lets a render ask for mentions: allowed_mentions is forced empty', async () => {
    const loud = createDiscordSink({
      token: fake.token,
      apiBase: fake.apiBase,
      render: (alert) => ({
        content: '@everyone',
        embeds: render(alert).embeds,
        allowed_mentions: { parse: ['everyone'] } as unknown as { parse: [] },
      }),
      requestTimeoutMs: TIMEOUT_MS,
    });
    await loud.start();
    await loud.send(makeAlert({ to: { platform: 'discord', id: NEWS } }));
    await loud.stop();
    expect(fake.messages(NEWS)[0]!.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('sending the same alert twice creates one message (nonce + enforce_nonce)', async () => {
    const alert = makeAlert({ to: { platform: 'discord', id: NEWS } });
    await sink.send(alert);
    await sink.send(alert);
    expect(posts()).toHaveLength(2);
    expect(fake.messages(NEWS)).toHaveLength(1);
    await sink.send(makeAlert({ to: { platform: 'discord', id: NEWS }, n: 2 }));
    expect(fake.messages(NEWS)).toHaveLength(2);
  });

  it('waits out a 429 for its Retry-After and then delivers exactly once', async () => {
    fake.inject(`POST /channels/${NEWS}/messages`, { type: 'rate-limit', retryAfter: 0.5 }, { times: 1 });
    await sink.send(makeAlert({ to: { platform: 'discord', id: NEWS } }));
    const [limited, retried] = posts();
    expect(limited!.status).toBe(429);
    expect(retried!.status).toBe(200);
    expect(retried!.at - limited!.answeredAt!).toBeGreaterThanOrEqual(500);
    expect(fake.messages(NEWS)).toHaveLength(1);
  });

  it('retries two 5xx answers and delivers once', async () => {
    fake.inject(`POST /channels/${NEWS}/messages`, { type: 'server-error', status: 502 }, { times: 2 });
    await sink.send(makeAlert({ to: { platform: 'discord', id: NEWS } }));
    expect(posts().map((r) => r.status)).toEqual([502, 502, 200]);
    expect(fake.messages(NEWS)).toHaveLength(1);
  });

  it('reports 5xx that outlast discord.js retries as transient', async () => {
    fake.inject(`POST /channels/${NEWS}/messages`, { type: 'server-error', status: 503 });
    const error = await rejection(sink.send(makeAlert({ to: { platform: 'discord', id: NEWS } })));
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ kind: 'transient', details: { status: 503 } });
  });

  it('fails a hung request as transient after the timeout, and the next send works', async () => {
    const hang = fake.inject(`POST /channels/${NEWS}/messages`, { type: 'hang' });
    const error = await rejection(sink.send(makeAlert({ to: { platform: 'discord', id: NEWS } })));
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).kind).toBe('transient');
    expect((error as DeliveryError).message).toContain(`${TIMEOUT_MS} ms`);
    expect(hang.hits).toBeGreaterThanOrEqual(1);
    hang.remove();
    await sink.send(makeAlert({ to: { platform: 'discord', id: NEWS }, n: 2 }));
    expect(fake.messages(NEWS).map((m) => (m.body.embeds as Array<{ title: string }>)[0]!.title)).toEqual(['Story 2']);
  });

  it.each([
    ['missing-access', /Missing Access/],
    ['missing-permissions', /Missing Permissions/],
    ['unknown-channel', /Unknown Channel/],
  ] as const)('maps %s to a permanent error with a clear reason, without retrying', async (type, reason) => {
    fake.inject(`POST /channels/${NEWS}/messages`, { type });
    const error = await rejection(sink.send(makeAlert({ to: { platform: 'discord', id: NEWS } })));
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).kind).toBe('permanent');
    expect((error as DeliveryError).message).toMatch(reason);
    expect(posts()).toHaveLength(1);
  });

  it('treats a channel the bot does not know as permanent (real 404 Unknown Channel from the fake)', async () => {
    const error = await rejection(sink.send(makeAlert({ to: { platform: 'discord', id: '1399999999999999999' } })));
    expect(error).toMatchObject({ kind: 'permanent', details: { status: 404 } });
  });

  it('goes disconnected when the gateway drops, resumes, and delivers afterwards', async () => {
    const reconnecting = once(sink.client, Events.ShardReconnecting);
    const resumed = once(sink.client, Events.ShardResume);
    fake.dropGateway();
    await reconnecting;
    expect(sink.state()).toBe('disconnected');
    await resumed;
    expect(sink.state()).toBe('connected');
    expect(fake.requests.some((r) => r.kind === 'gateway' && r.op === 6)).toBe(true);
    await sink.send(makeAlert({ to: { platform: 'discord', id: NEWS } }));
    expect(fake.messages(NEWS)).toHaveLength(1);
    expect(logs.lines.some((line) => line.level === LEVEL.warn && /reconnecting/.test(String(line.msg)))).toBe(true);
  });

  it('is stopped after stop(), refuses sends as transient, and stop is idempotent', async () => {
    await sink.stop();
    await sink.stop();
    expect(sink.state()).toBe('stopped');
    const error = await rejection(sink.send(makeAlert({ to: { platform: 'discord', id: NEWS } })));
    expect(error).toMatchObject({ kind: 'transient' });
    expect(fake.messages(NEWS)).toHaveLength(0);
  });

  it('never logs the token, even through failures, drops and debug output', async () => {
    fake.inject(`POST /channels/${NEWS}/messages`, { type: 'missing-access' }, { times: 1 });
    await rejection(sink.send(makeAlert({ to: { platform: 'discord', id: NEWS } })));
    const resumed = once(sink.client, Events.ShardResume);
    fake.dropGateway();
    await resumed;
    await sink.send(makeAlert({ to: { platform: 'discord', id: NEWS }, n: 2 }));
    expect(logs.lines.length).toBeGreaterThan(5);
    expect(logs.text()).not.toContain(fake.token);
  });
});

describe('Discord sink start-up', () => {
  it('fails start() clearly when Discord rejects the token', async () => {
    const fake = await startFakeDiscord();
    const logs = captureLogger();
    const sink = createDiscordSink({
      token: 'wrong.token.value-that-is-long',
      apiBase: fake.apiBase,
      render,
      logger: logs.logger,
    });
    try {
      const error = await rejection(sink.start());
      expect(String(error)).toMatch(/Could not connect to Discord.*token/i);
      expect(sink.state()).toBe('disconnected');
      expect(logs.text()).not.toContain('wrong.token.value-that-is-long');
    } finally {
      await sink.stop();
      await fake.close();
    }
  });
});
