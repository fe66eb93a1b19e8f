/**
 * Everything the command tests need, in-process: the app as buildApp() wires it (temporary data directory, a
 * fetcher allowed to reach 127.0.0.1, the real Discord and Telegram platforms against the fakes) and started
 * without polling (tests check feeds when they want), the local feed server and a web server for non-feeds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config/load.js';
import type { FeedReaderOptions } from '../../src/pipeline/read-feed.js';
import { createFetcher, createNetworkPolicy } from '../../src/fetcher/index.js';
import { createDiscordPlatform } from '../../src/platforms/discord/index.js';
import type { DiscordSink } from '../../src/platforms/discord/sink.js';
import { createTelegramPlatform } from '../../src/platforms/telegram/index.js';
import type { TelegramSink } from '../../src/platforms/telegram/sink.js';
import { renderDiscord, renderTelegram } from '../../src/render/index.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { startFeedServer, type FeedServer } from './feed-server.js';
import { captureLogger } from './logger.js';
import { startTestWeb, type TestWeb } from './web.js';

export const GUILD_A = '100000000000000001';
export const GUILD_B = '100000000000000002';
export const CHANNEL_A = '200000000000000001';
export const CHANNEL_A2 = '200000000000000002';
export const CHANNEL_B = '200000000000000003';

export const ADMIN_USER = 5001;
export const MEMBER_USER = 5002;
export const PRIVATE_CHAT = ADMIN_USER;
export const MEMBER_PRIVATE_CHAT = MEMBER_USER;
export const GROUP = -1002000001;
export const OTHER_GROUP = -1002000002;
export const CHANNEL = -1003000001;
export const CHANNEL_NAME = 'tazanews';
export const CHANNEL_WITHOUT_BOT = -1003000002;
/** A forum topic of GROUP. */
export const TOPIC = 42;

export interface Harness {
  /** The running app (a new one after restart()). */
  app: App;
  discord: FakeDiscord;
  telegram: FakeTelegram;
  feedServer: FeedServer;
  web: TestWeb;
  feeds: App['feeds'];
  subscriptions: App['subscriptions'];
  outbox: App['outbox'];
  logs: ReturnType<typeof captureLogger>;
  discordSink: DiscordSink;
  telegramSink: TelegramSink;
  /** Checks the feed at `url` now (as the poller would when it is due). */
  check(url: string): Promise<void>;
  /**
   * Resolves when the outbox has nothing pending (every alert sent). Call it after the work that enqueues: called
   * before, it resolves at once when nothing was pending yet, and the alerts are still on their way.
   */
  drained(): Promise<void>;
  /** Stops the app and starts a new one on the same data directory and fakes (a restart of the process). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    quota?: number;
    fetchTimeoutMs?: number;
    perHostGapMs?: number;
    feedReader?: FeedReaderOptions;
    /** More settings (PUBLIC_URL and HTTP_PORT for WebSub, say). */
    env?: Record<string, string>;
    /** The app's clock (feed checks, commands, delivery, digests). */
    now?: () => Date;
  } = {},
): Promise<Harness> {
  const feedServer = await startFeedServer();
  const web = await startTestWeb();
  const dir = mkdtempSync(join(tmpdir(), 'taza-harness-'));
  const logs = captureLogger('info');
  const logger = logs.logger;
  const discord = await startFakeDiscord({
    guilds: [
      {
        id: GUILD_A,
        name: 'Guild A',
        channels: [
          { id: CHANNEL_A, name: 'general' },
          { id: CHANNEL_A2, name: 'news' },
        ],
      },
      { id: GUILD_B, name: 'Guild B', channels: [{ id: CHANNEL_B, name: 'general' }] },
    ],
  });
  const telegram = await startFakeTelegram({
    chats: [
      { id: PRIVATE_CHAT, type: 'private' },
      { id: MEMBER_PRIVATE_CHAT, type: 'private' },
      { id: GROUP, type: 'supergroup', title: 'News room', admins: [ADMIN_USER], topics: { [String(TOPIC)]: 'open' } },
      { id: OTHER_GROUP, type: 'supergroup', title: 'Other room', admins: [ADMIN_USER] },
      { id: CHANNEL, type: 'channel', title: 'Taza News', username: CHANNEL_NAME, admins: [ADMIN_USER, 7000000001] },
      { id: CHANNEL_WITHOUT_BOT, type: 'channel', title: 'No bot here', username: 'nobothere', admins: [ADMIN_USER] },
    ],
  });
  const config = loadConfig({
    DATA_DIR: dir,
    HTTP_PORT: '0',
    ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
    SUBSCRIPTION_QUOTA: String(options.quota ?? 50),
    DIGEST_THRESHOLD: '0',
    ...(options.perHostGapMs !== undefined ? { PER_HOST_GAP: `${options.perHostGapMs}ms` } : {}),
    ...options.env,
  });
  let settled: () => void = () => undefined;
  const startApp = async () => {
    const discordPlatform = createDiscordPlatform({
      token: discord.token,
      apiBase: discord.apiBase,
      render: renderDiscord,
      logger,
    });
    const telegramPlatform = createTelegramPlatform({
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      render: renderTelegram,
      logger,
      pacing: { perChatGapMs: 0 },
    });
    const app = await buildApp(config, {
      logger,
      fetcher: createFetcher({
        userAgent: 'Taza-test',
        networkPolicy: createNetworkPolicy(config.ALLOW_PRIVATE_NETWORKS),
        totalTimeoutMs: options.fetchTimeoutMs ?? 3000,
      }),
      platforms: [discordPlatform, telegramPlatform],
      onDeliverySettled: () => settled(),
      ...(options.feedReader ? { feedReader: options.feedReader } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    await app.start({ polling: false });
    return { app, discordPlatform, telegramPlatform };
  };
  const started = await startApp();
  const harness: Harness = {
    app: started.app,
    discord,
    telegram,
    feedServer,
    web,
    feeds: started.app.feeds,
    subscriptions: started.app.subscriptions,
    outbox: started.app.outbox,
    logs,
    discordSink: started.discordPlatform.sink,
    telegramSink: started.telegramPlatform.sink,
    async check(url) {
      const feed = harness.app.feeds.findByUrl(url);
      if (!feed) throw new Error(`no feed for ${url}`);
      await harness.app.scheduler.checkNow(feed.id);
    },
    drained() {
      return new Promise<void>((resolve) => {
        settled = () => {
          if (harness.app.outbox.depth() === 0) resolve();
        };
        settled();
      });
    },
    async restart() {
      await harness.app.stop();
      const next = await startApp();
      Object.assign(harness, {
        app: next.app,
        feeds: next.app.feeds,
        subscriptions: next.app.subscriptions,
        outbox: next.app.outbox,
        discordSink: next.discordPlatform.sink,
        telegramSink: next.telegramPlatform.sink,
      });
    },
    async close() {
      await harness.app.stop();
      await Promise.all([discord.close(), telegram.close(), feedServer.close(), web.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
