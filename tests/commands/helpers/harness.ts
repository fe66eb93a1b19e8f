/**
 * Everything the command tests need, in-process: a temporary store, the registries and pipeline, a poller that is
 * never started (tests call checkNow), the delivery worker, the real Discord and Telegram sinks against the fakes,
 * the command layer on both, the local feed server and a web server for non-feeds.
 */
import { startCommandLayer, type CommandLayer } from '../../../src/chat/start.js';
import { createFetcher, createNetworkPolicy } from '../../../src/fetcher/index.js';
import type { Logger } from '../../../src/log/logger.js';
import { DeliveryWorker } from '../../../src/outbox/delivery.js';
import { Outbox } from '../../../src/outbox/outbox.js';
import type { PipelineDeps } from '../../../src/pipeline/deps.js';
import { processFeed } from '../../../src/pipeline/process-feed.js';
import { FeedRegistry } from '../../../src/registry/feeds.js';
import { SubscriptionRegistry } from '../../../src/registry/subscriptions.js';
import { renderDiscord, renderTelegram } from '../../../src/render/index.js';
import { HostLimiter } from '../../../src/scheduler/host-limiter.js';
import { Poller } from '../../../src/scheduler/poller.js';
import { createDiscordSink, type DiscordSink } from '../../../src/platforms/discord/index.js';
import { createTelegramSink, type TelegramSink } from '../../../src/platforms/telegram/index.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord.js';
import { startFakeTelegram, type FakeTelegram } from '../../fakes/telegram.js';
import { startFeedServer, type FeedServer } from '../../helpers/feed-server.js';
import { captureLogger } from '../../helpers/logger.js';
import { tempStore } from '../../helpers/store.js';
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

export interface Harness {
  discord: FakeDiscord;
  telegram: FakeTelegram;
  feedServer: FeedServer;
  web: TestWeb;
  pipeline: PipelineDeps;
  feeds: FeedRegistry;
  subscriptions: SubscriptionRegistry;
  outbox: Outbox;
  poller: Poller;
  layer: CommandLayer;
  logs: ReturnType<typeof captureLogger>;
  discordSink: DiscordSink;
  telegramSink: TelegramSink;
  /** Checks the feed at `url` now (as the poller would when it is due). */
  check(url: string): Promise<void>;
  /** Resolves when the outbox has nothing pending (every alert sent). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: { quota?: number; fetchTimeoutMs?: number } = {}): Promise<Harness> {
  const feedServer = await startFeedServer();
  const web = await startTestWeb();
  const env = await tempStore();
  const logs = captureLogger('info');
  const logger: Logger = logs.logger;
  const feeds = await FeedRegistry.load(env.store);
  const subscriptions = await SubscriptionRegistry.load(env.store);
  const outbox = await Outbox.load(env.store);
  const policy = ['127.0.0.0/8'];
  const pipeline: PipelineDeps = {
    store: env.store,
    feeds,
    subscriptions,
    outbox,
    fetcher: createFetcher({
      userAgent: 'Taza-test',
      networkPolicy: createNetworkPolicy(policy),
      totalTimeoutMs: options.fetchTimeoutMs ?? 3000,
    }),
    logger,
    settings: {
      pollIntervalMs: 300_000,
      minPollIntervalMs: 60_000,
      maxItemAgeMs: 3 * 86_400_000,
      summaryMaxSentences: 3,
      summaryMaxChars: 500,
    },
  };
  const poller = new Poller({
    feeds,
    logger,
    limiter: new HostLimiter({ globalConcurrency: 8, perHostConcurrency: 8, perHostGapMs: 0 }),
    check: (id) => processFeed(pipeline, id),
  });

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
      { id: GROUP, type: 'supergroup', title: 'News room', admins: [ADMIN_USER] },
      { id: OTHER_GROUP, type: 'supergroup', title: 'Other room', admins: [ADMIN_USER] },
      { id: CHANNEL, type: 'channel', title: 'Taza News', username: CHANNEL_NAME, admins: [ADMIN_USER, 7000000001] },
      { id: CHANNEL_WITHOUT_BOT, type: 'channel', title: 'No bot here', username: 'nobothere', admins: [ADMIN_USER] },
    ],
  });
  const discordSink = createDiscordSink({
    token: discord.token,
    apiBase: discord.apiBase,
    render: renderDiscord,
    logger,
  });
  const telegramSink = createTelegramSink({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    render: renderTelegram,
    logger,
    pacing: { perChatGapMs: 0 },
  });
  await Promise.all([discordSink.start(), telegramSink.start()]);
  const sinks = { discord: discordSink, telegram: telegramSink };
  let settled: () => void = () => undefined;
  const delivery = new DeliveryWorker({
    outbox,
    sinks,
    logger,
    digestThreshold: 0,
    hooks: { onPermanentFailure: async () => undefined, onMoved: async () => undefined, onSettled: () => settled() },
  });
  delivery.start();
  const layer = await startCommandLayer({
    config: {
      ALLOW_PRIVATE_NETWORKS: policy,
      SUBSCRIPTION_QUOTA: options.quota ?? 50,
      DISCORD_GUILD_ID: undefined,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    },
    feeds,
    subscriptions,
    pipeline,
    poller,
    logger,
    sinks,
  });
  return {
    discord,
    telegram,
    feedServer,
    web,
    pipeline,
    feeds,
    subscriptions,
    outbox,
    poller,
    layer,
    logs,
    discordSink,
    telegramSink,
    async check(url) {
      const feed = feeds.findByUrl(url);
      if (!feed) throw new Error(`no feed for ${url}`);
      await poller.checkNow(feed.id);
    },
    drained() {
      return new Promise<void>((resolve) => {
        settled = () => {
          if (outbox.depth() === 0) resolve();
        };
        settled();
      });
    },
    async close() {
      await layer.stop();
      await delivery.stop();
      await Promise.allSettled([discordSink.stop(), telegramSink.stop()]);
      await Promise.all([discord.close(), telegram.close(), feedServer.close(), web.close()]);
      await env.cleanup();
    },
  };
}
