/**
 * `taza run` as a real process against the fake Discord and Telegram: the alert reaches both platforms once,
 * survives a dropped gateway, and a crash on either side of the send loses nothing and repeats at most
 * once (on Telegram; never on Discord, thanks to the nonce).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { localRunEnv, runTaza, type TazaProcess } from '../support/taza-process.js';

const CHANNEL = '200000000000000001';
const CHAT = -100777;

describe('taza run with Discord and Telegram (fakes)', () => {
  let server: FeedServer;
  let discord: FakeDiscord;
  let telegram: FakeTelegram;
  let dir: string;
  let env: Record<string, string>;
  let taza: TazaProcess | undefined;

  beforeEach(async () => {
    server = await startFeedServer();
    discord = await startFakeDiscord({
      guilds: [{ id: '100000000000000001', name: 'Guild', channels: [{ id: CHANNEL, name: 'news' }] }],
    });
    telegram = await startFakeTelegram({ chats: [{ id: CHAT, type: 'supergroup', title: 'News' }] });
    dir = mkdtempSync(join(tmpdir(), 'taza-platforms-'));
    server.setItems('news', [testItem(1, 'Old bitcoin story')]);
    env = {
      ...localRunEnv(dir, [
        { feed: server.url('news'), keywords: 'bitcoin', to: `discord:${CHANNEL}` },
        { feed: server.url('news'), keywords: 'bitcoin', to: `telegram:${CHAT}` },
      ]),
      DISCORD_TOKEN: discord.token,
      DISCORD_API_BASE: discord.apiBase,
      TELEGRAM_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    };
  });
  afterEach(async () => {
    await taza?.stop('SIGKILL');
    await Promise.all([server.close(), discord.close(), telegram.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const sentTo = (platform: string) => (e: Record<string, unknown>) =>
    e.event === 'alert.sent' && String(e.destination).startsWith(platform);

  it('delivers one matching item once to each platform, also after the gateway drops', async () => {
    taza = runTaza(['run'], env);
    await taza.waitForEvent((e) => e.event === 'feed.baseline');
    server.publish('news', testItem(2, 'Bitcoin office opens in San Salvador'));
    await taza.waitForEvent(sentTo('discord'));
    await taza.waitForEvent(sentTo('telegram'));
    expect(discord.messages(CHANNEL)).toHaveLength(1);
    expect(JSON.stringify(discord.messages(CHANNEL)[0]!.body)).toContain('Bitcoin office opens in San Salvador');
    expect(telegram.messages(CHAT)).toHaveLength(1);
    expect(telegram.messages(CHAT)[0]!.text).toContain('Bitcoin office opens in San Salvador');

    discord.dropGateway();
    server.publish('news', testItem(3, 'Second bitcoin story'));
    await taza.waitForEvents(sentTo('discord'), 2);
    expect(discord.messages(CHANNEL).map((m) => JSON.stringify(m.body).includes('Second bitcoin story'))).toEqual([
      false,
      true,
    ]);
    expect(JSON.stringify(taza.events)).not.toContain(discord.token);
    expect(JSON.stringify(taza.events)).not.toContain(telegram.token);
  });

  it('killed after the outbox write and before the send: delivered once after restart', async () => {
    const tgHang = telegram.inject('sendMessage', { type: 'hang' }, { times: 1 });
    const dcHang = discord.inject('POST /channels/:id/messages', { type: 'hang' }, { times: 1 });
    taza = runTaza(['run'], env);
    await taza.waitForEvent((e) => e.event === 'feed.baseline');
    server.publish('news', testItem(2, 'Bitcoin crash-test story'));
    await telegram.waitFor((r) => r.method === 'sendMessage');
    await discord.waitFor((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(tgHang.hits + dcHang.hits).toBe(2);
    await taza.stop('SIGKILL');

    taza = runTaza(['run'], env);
    await taza.waitForEvent(sentTo('telegram'));
    await taza.waitForEvent(sentTo('discord'));
    expect(telegram.messages(CHAT)).toHaveLength(1);
    expect(discord.messages(CHANNEL)).toHaveLength(1);
  });

  it('killed after the platform accepted and before the mark: at most one repeat on Telegram, none on Discord', async () => {
    telegram.inject('sendMessage', { type: 'accept-then-hang' }, { times: 1 });
    discord.inject('POST /channels/:id/messages', { type: 'accept-then-hang' }, { times: 1 });
    taza = runTaza(['run'], env);
    await taza.waitForEvent((e) => e.event === 'feed.baseline');
    server.publish('news', testItem(2, 'Bitcoin accepted story'));
    await telegram.waitFor((r) => r.method === 'sendMessage');
    await discord.waitFor((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    await taza.stop('SIGKILL');
    expect(telegram.messages(CHAT)).toHaveLength(1);

    taza = runTaza(['run'], env);
    await taza.waitForEvent(sentTo('telegram'));
    await taza.waitForEvent(sentTo('discord'));
    expect(telegram.messages(CHAT).length).toBeLessThanOrEqual(2);
    expect(discord.messages(CHANNEL)).toHaveLength(1);
    const creates = discord.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(creates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(creates.map((r) => (r.body as { nonce?: string }).nonce)).size).toBe(1);
  });
});
