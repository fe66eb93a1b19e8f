/** startApp starts the command layer on the platforms that connected: a slash command and a bot command work. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config/load.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { captureLogger } from '../support/logger.js';
import { slash } from '../support/discord-user.js';
import { ADMIN_USER, CHANNEL_A, GROUP, GUILD_A } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

describe('the command layer inside startApp', () => {
  let app: App;
  let discord: FakeDiscord;
  let telegram: FakeTelegram;
  let feeds: FeedServer;
  let dir: string;
  beforeAll(async () => {
    discord = await startFakeDiscord({
      guilds: [{ id: GUILD_A, name: 'Guild', channels: [{ id: CHANNEL_A, name: 'news' }] }],
    });
    telegram = await startFakeTelegram({
      chats: [{ id: GROUP, type: 'supergroup', title: 'News', admins: [ADMIN_USER] }],
    });
    feeds = await startFeedServer();
    feeds.setItems('news', [testItem(1, 'Bitcoin story')]);
    dir = mkdtempSync(join(tmpdir(), 'taza-wiring-'));
    const config = loadConfig({
      DATA_DIR: dir,
      HTTP_PORT: '0',
      ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SUBSCRIPTION_QUOTA: '5',
      DISCORD_GUILD_ID: GUILD_A,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_BASE: discord.apiBase,
      TELEGRAM_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    });
    app = await startApp(config, { logger: captureLogger('warn').logger });
  });
  afterAll(async () => {
    await app.stop();
    await Promise.all([discord.close(), telegram.close(), feeds.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers the slash commands in DISCORD_GUILD_ID only, and sets the Telegram menus', () => {
    expect(discord.commands(GUILD_A)).toHaveLength(13);
    expect(discord.commands('global')).toHaveLength(0);
    expect(telegram.requests.filter((r) => r.method === 'setMyCommands')).toHaveLength(3);
  });

  it('serves commands on both platforms with the configured quota and private-network rule', async () => {
    const answer = await slash(discord, 'subscribe', { feed: feeds.url('news'), keywords: 'bitcoin' });
    expect(answer.content).toContain('✓ Subscribed');
    const list = await tgCommand(telegram, '/list', { chat: GROUP, from: ADMIN_USER });
    expect(list.text).toContain('There are no subscriptions in this chat yet');
    const blocked = await tgCommand(telegram, '/subscribe http://192.168.1.1/feed.xml bitcoin', {
      chat: GROUP,
      from: ADMIN_USER,
    });
    expect(blocked.text).toContain('points to a private or local network address');
    expect(app.subscriptions.all()).toHaveLength(1);
  });
});
