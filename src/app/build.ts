/**
 * The composition root, the only module that knows all the others. buildApp() makes every part from the config —
 * store, registries, fetcher, pipeline, platforms, delivery worker, poller, command layer — without starting any;
 * App.start() then starts them in order, and App.stop() stops whatever was started. startApp() is both.
 * Tests build the same app with a few parts replaced (overrides), so there is one wiring.
 */
import type { PlatformAdapter } from '../chat/adapter.js';
import { createCommandServices } from '../chat/services.js';
import { createCommandLayer, type CommandLayer } from '../chat/start.js';
import type { Config } from '../config/schema.js';
import {
  DEFAULT_SUBSCRIPTIONS_FILE,
  readSubscriptionsFile,
  type SubscriptionsFile,
} from '../config/subscriptions-file.js';
import type { Platform } from '../core/destination.js';
import type { Coordinator } from '../coordination/coordinator.js';
import { openCoordinator } from '../coordination/open.js';
import { createFetcher, createNetworkPolicy, DEFAULT_MAX_BODY_BYTES, type Resolver } from '../fetcher/index.js';
import type { Fetcher } from '../fetcher/types.js';
import { createLogger, type Logger } from '../log/logger.js';
import { startHttpServer, type HttpServer } from '../observability/http-server.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { healthProbe, readinessProbe } from '../observability/probes.js';
import { DigestBuffer } from '../digests/buffer.js';
import { DeliveryWorker } from '../outbox/delivery.js';
import { Outbox } from '../outbox/outbox.js';
import type { Sink } from '../outbox/sink.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { FeedReader, type FeedReaderOptions } from '../pipeline/read-feed.js';
import { FeedRegistry } from '../registry/feeds.js';
import { SubscriptionRegistry } from '../registry/subscriptions.js';
import { learnPublishing, PollSchedule } from '../scheduler/policy.js';
import type { CheckScheduler } from '../scheduler/check-scheduler.js';
import { createCheckScheduler } from '../scheduler/create.js';
import { StoreHealth } from '../store/health.js';
import { openStore, type Store } from '../store/open.js';
import { moveDestination, pauseDestination } from '../subscriptions/rules.js';
import { CheckLog, createWebDashboard, scopedLoginLink } from '../web/index.js';
import { createPlatforms } from './platforms.js';
import { seedFromFile } from './seed.js';
import { userAgent } from './version.js';
import { createCallbackHandler } from '../websub/callback.js';
import { discoverHub } from '../websub/links.js';
import { CALLBACK_PREFIX, Subscriber } from '../websub/subscriber.js';
import { createFeedChecks, type FeedChecks } from './feed-checks.js';

/** Parts a test (or another front end) supplies instead of the ones the config would give. */
export interface AppOverrides {
  /** Default: JSON logs to stderr at LOG_LEVEL, tokens scrubbed. */
  logger?: Logger;
  /** The fetcher for feeds and for the commands' fetches. Default: one with USER_AGENT and ALLOW_PRIVATE_NETWORKS. */
  fetcher?: Fetcher;
  /** DNS for the commands' private-network check. */
  resolver?: Resolver;
  /** The platforms to post to and serve commands on, instead of the console plus those with a token. */
  platforms?: PlatformAdapter[];
  /** Where the command files are. Default: commands/. */
  commandsDir?: string;
  /** The clock for feed checks, commands, delivery and pauses. */
  now?: () => Date;
  /** Limits of the feed-reading worker pool (tests give small ones). Default: PARSE_WORKERS, 64 MB, 10 s. */
  feedReader?: FeedReaderOptions;
  /** Called after each delivery attempt has been recorded (sent and marked, or rescheduled). */
  onDeliverySettled?: () => void;
  /** What the instances on the store agree through. Default: this process's own (one instance). */
  coordinator?: Coordinator;
}

export interface App {
  config: Config;
  store: Store;
  feeds: FeedRegistry;
  subscriptions: SubscriptionRegistry;
  outbox: Outbox;
  /** Alerts held for digests and quiet hours, released at their time. */
  digests: DigestBuffer;
  fetcher: Fetcher;
  /** Feed checks: in this process on SQLite, on the job engine when other instances share the store. */
  scheduler: CheckScheduler;
  delivery: DeliveryWorker;
  sinks: Partial<Record<Platform, Sink>>;
  pipeline: PipelineDeps;
  /** How a feed is checked, polled or pushed (one at a time per feed). */
  checks: FeedChecks;
  /** WebSub push, when PUBLIC_URL is set. */
  websub?: Subscriber;
  commands: CommandLayer;
  logger: Logger;
  metrics: Metrics;
  /** Whether the store works: polling and delivery pause while it is down, /healthz and /readyz say why. */
  storeHealth: StoreHealth;
  /** The health and metrics server, once started. */
  http?: HttpServer;
  /**
   * Starts the HTTP server, the poller (unless `polling` is false: tests check feeds themselves), the platforms,
   * their commands and the delivery worker.
   */
  start(options?: { polling?: boolean }): Promise<void>;
  /** Stops what was started (also after a start() that failed) and closes the store. Idempotent. */
  stop(): Promise<void>;
}

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger =
    overrides.logger ??
    createLogger({
      level: config.LOG_LEVEL,
      pretty: config.PRETTY_LOGS,
      secrets: [config.DISCORD_TOKEN, config.TELEGRAM_TOKEN, config.DASHBOARD_TOKEN],
    });
  // First: a subscriptions file that cannot be used stops the start (ConfigError) before anything is opened.
  const file = readSubscriptionsFile(config.TAZA_CONFIG);
  const store = await openStore({ storeUrl: config.STORE_URL, dataDir: config.DATA_DIR });
  logger.info({ event: 'store.opened', location: store.location }, 'store opened');
  let coordinator: Coordinator;
  try {
    coordinator = overrides.coordinator ?? (await openCoordinator({ storeUrl: config.STORE_URL }));
  } catch (error) {
    await store.close();
    throw error;
  }
  try {
    return await assemble(config, overrides, logger, store, coordinator, file);
  } catch (error) {
    await coordinator.close().catch(() => {});
    await store.close();
    throw error;
  }
}

/** buildApp, then App.start; what started is stopped again (and the store closed) if start-up fails. */
export async function startApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const app = await buildApp(config, overrides);
  try {
    await app.start();
  } catch (error) {
    await app.stop();
    throw error;
  }
  return app;
}

async function assemble(
  config: Config,
  overrides: AppOverrides,
  logger: Logger,
  store: Store,
  coordinator: Coordinator,
  file: SubscriptionsFile,
): Promise<App> {
  const now = overrides.now ?? (() => new Date());
  const feeds = await FeedRegistry.load(store, { coordinator });
  const subscriptions = await SubscriptionRegistry.load(store, { coordinator, logger });
  const outbox = await Outbox.load(store, { coordinator, logger });

  for (const problem of file.problems) logger.warn({ event: 'config.subscription-invalid', file: file.path }, problem);
  if (file.path) await seedFromFile(file, feeds, subscriptions, logger);

  const fetcher =
    overrides.fetcher ??
    createFetcher({
      userAgent: userAgent(config.USER_AGENT),
      networkPolicy: createNetworkPolicy(config.ALLOW_PRIVATE_NETWORKS),
    });
  const metrics = createMetrics();
  // The worker threads start on the first big body; checks, /preview and /subscribe read through it (PipelineDeps and
  // the command services carry it).
  const reader = new FeedReader({ workers: config.PARSE_WORKERS, ...overrides.feedReader });
  const storeHealth = new StoreHealth({
    // A real round-trip: a write, as opening the store did.
    roundTrip: async () => {
      await store.meta.set('ping', Date.now());
    },
    logger,
    location: store.location,
  });
  const digests = new DigestBuffer({ store, outbox, subscriptions, logger, now, health: storeHealth });
  const pipeline: PipelineDeps = {
    reader,
    metrics: metrics.pipeline,
    store,
    feeds,
    subscriptions,
    outbox,
    digests,
    fetcher,
    logger,
    settings: {
      pollIntervalMs: config.POLL_INTERVAL,
      minPollIntervalMs: config.MIN_POLL_INTERVAL,
      maxItemAgeMs: config.MAX_ITEM_AGE,
      summaryMaxSentences: config.SUMMARY_MAX_SENTENCES,
      summaryMaxChars: config.SUMMARY_MAX_CHARS,
    },
    ...(overrides.now ? { now } : {}),
  };

  const platforms = overrides.platforms ?? (await createPlatforms(config, logger, coordinator));
  const sinks: Partial<Record<Platform, Sink>> = {};
  for (const { sink } of platforms) sinks[sink.platform] = sink;
  const delivery = new DeliveryWorker({
    outbox,
    sinks,
    logger,
    digestThreshold: config.DIGEST_THRESHOLD,
    health: storeHealth,
    coordinator,
    hooks: {
      ...metrics.deliveryHooks(),
      onPermanentFailure: async (destination, reason) => {
        await pauseDestination(subscriptions, destination, reason, now());
      },
      onMoved: async (from, to) => {
        await moveDestination(subscriptions, from, to);
      },
      ...(overrides.onDeliverySettled ? { onSettled: overrides.onDeliverySettled } : {}),
    },
    ...(overrides.now ? { now: () => now().getTime() } : {}),
  });
  // eslint-disable-next-line prefer-const -- the subscriber needs the checks' lease hook, the checks the subscriber
  let checks: FeedChecks;
  const websub = config.PUBLIC_URL
    ? await Subscriber.load({
        publicUrl: config.PUBLIC_URL,
        store,
        feeds,
        subscriptions,
        fetcher,
        logger,
        leaseSeconds: Math.round(config.WEBSUB_LEASE / 1000),
        onLeaseLost: (feedId) => void checks.pollSoon(feedId, config.POLL_INTERVAL).catch(() => undefined),
        coordinator,
        now,
      })
    : undefined;
  const schedule = new PollSchedule({
    strategy: config.POLL_STRATEGY,
    pollIntervalMs: config.POLL_INTERVAL,
    minIntervalMs: config.MIN_POLL_INTERVAL,
    maxIntervalMs: Math.max(config.MAX_POLL_INTERVAL, config.POLL_INTERVAL),
    budgetPerMinute: config.POLL_BUDGET,
    feeds: () => feeds.values(),
    ...(websub
      ? { isPushed: (feedId: string) => websub.isLive(feedId), pushedIntervalMs: config.WEBSUB_POLL_INTERVAL }
      : {}),
    now: () => now().getTime(),
  });
  checks = createFeedChecks({
    pipeline: { ...pipeline, reader },
    intervalFor: (feed) => schedule.intervalFor(feed),
    predictedCheckAt: (feed) => schedule.predictedCheckAt(feed),
    pushedIntervalMs: config.WEBSUB_POLL_INTERVAL,
    // The engine adds the job of the earlier due time; the in-process loop just looks again.
    onRescheduled: (feedId) => void scheduler.feedAdded(feedId).catch(() => scheduler.wake()),
    ...(coordinator.shared ? { holdFeed: (feedId, task) => scheduler.holdFeed(feedId, task) } : {}),
    ...(websub ? { isPushed: (feedId: string) => websub.isLive(feedId) } : {}),
    afterRead: async (feedId, reading) => {
      const feed = feeds.get(feedId);
      if (feed && reading.parsed && config.POLL_STRATEGY === 'adaptive') {
        const publishing = learnPublishing(feed.publishing, reading.parsed.items, now().getTime());
        // Shared, a batched write would later put this instance's older copy of the feed over another's check.
        if (publishing)
          await (feeds.shared ? feeds.save({ ...feed, publishing }) : feeds.saveLater({ ...feed, publishing }));
      }
      if (websub && !reading.pushed && reading.parsed)
        await websub.noteDiscovery(feedId, discoverHub(reading.parsed, reading.link, reading.feedUrl));
    },
  });
  // The dashboard's feed page shows the last checks; the store keeps only the latest outcome.
  const checkLog = new CheckLog();
  const scheduler = await createCheckScheduler({
    coordinator,
    storeUrl: config.STORE_URL ?? '',
    feeds,
    logger,
    health: storeHealth,
    check: (feedId) => checkLog.around(feedId, () => checks.poll(feedId), now),
    limits: {
      globalConcurrency: config.FETCH_CONCURRENCY,
      perHostConcurrency: config.PER_HOST_CONCURRENCY,
      perHostGapMs: config.PER_HOST_GAP,
    },
    ...(overrides.now ? { now: () => now().getTime() } : {}),
  });
  const commands = await createCommandLayer({
    services: createCommandServices({
      config,
      feeds,
      subscriptions,
      pipeline,
      poller: scheduler,
      limiter: { run: (url, task) => scheduler.limit(url, task) },
      logger,
      fetcher,
      resolver: overrides.resolver,
      dashboardLink: (request) => scopedLoginLink(config, app.http?.port ?? config.HTTP_PORT, request, now()),
    }),
    adapters: platforms.flatMap((platform) => (platform.commands ? [platform.commands] : [])),
    logger,
    commandsDir: overrides.commandsDir,
  });

  const dashboard = createWebDashboard(config, {
    feeds,
    subscriptions,
    outbox,
    store,
    commands,
    checks: checkLog,
    logger,
    now,
    platforms: () => Object.fromEntries(Object.entries(sinks).map(([name, sink]) => [name, sink.state()])),
  });

  let flushTimer: NodeJS.Timeout | undefined;
  let websubTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  const app: App = {
    config,
    store,
    feeds,
    subscriptions,
    outbox,
    digests,
    fetcher,
    scheduler,
    delivery,
    sinks,
    pipeline,
    checks,
    ...(websub ? { websub } : {}),
    commands,
    logger,
    metrics,
    storeHealth,
    async start(options = {}) {
      // Observability starts before the platforms connect, so /readyz can say what is still connecting.
      metrics.observe({
        outboxDepth: () => outbox.depth(),
        oldestPendingAt: () => outbox.oldestPendingAt(),
        feeds: () => feeds.all(),
        subscriptions: () => subscriptions.all(),
        platforms: Object.keys(sinks) as Platform[],
      });
      app.http = await startHttpServer({
        host: config.HTTP_HOST,
        port: config.HTTP_PORT,
        health: healthProbe(store, Date.now(), storeHealth),
        ready: readinessProbe(sinks, storeHealth),
        metrics,
        logger,
        ...(websub
          ? {
              routes: [
                {
                  prefix: CALLBACK_PREFIX,
                  handle: createCallbackHandler({
                    subscriber: websub,
                    logger,
                    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
                    deliver: (feedId, body, contentType) => checks.push(feedId, body, contentType),
                  }),
                },
              ],
            }
          : {}),
        fallback: dashboard.handle,
      });

      storeHealth.start();
      if (websub) {
        await websub.follow((error) => {
          if (storeHealth.report(error)) return;
          logger.error({ event: 'websub.reload-failed', err: error }, 'could not read a WebSub record again');
        });
        // Lease renewals, expiries and unsubscriptions of feeds no subscription uses any more.
        websubTimer = setInterval(() => void websub.tick(), 60_000);
        websubTimer.unref();
      }
      // Polling starts before the platforms log in: what it finds waits in the outbox until they are connected.
      await feeds.follow((error) => {
        if (storeHealth.report(error)) return;
        logger.error({ event: 'feeds.reload-failed', err: error }, 'could not reload the feeds');
      });
      if (options.polling !== false) await scheduler.start();
      // Check times of unchanged feeds are written in batches (see FeedRegistry.saveLater). A failed flush
      // keeps them for the next one; while the store is down there is no point trying.
      flushTimer = setInterval(() => {
        if (!storeHealth.isUp()) return;
        feeds.flush().catch((error: unknown) => {
          if (storeHealth.report(error)) return;
          logger.error({ event: 'store.flush-failed', err: error }, 'could not save feed check times');
        });
      }, 60_000);
      flushTimer.unref();

      await Promise.all(
        Object.values(sinks).map(async (sink) => {
          try {
            await sink.start();
            logger.info({ event: 'sink.connected', platform: sink.platform }, `${sink.platform} connected`);
          } catch (error) {
            // A platform that cannot connect must not stop the others: its alerts wait in the outbox.
            logger.error(
              { event: 'sink.failed', platform: sink.platform, err: error },
              `${sink.platform} could not connect`,
            );
          }
        }),
      );
      await commands.start();
      delivery.start();
      digests.start();
      logger.info(
        {
          event: 'app.started',
          feeds: feeds.all().length,
          subscriptions: subscriptions.all().length,
          pending: outbox.depth(),
        },
        'Taza is running',
      );
      if (subscriptions.all().length === 0) logger.info({ event: 'app.no-subscriptions' }, noSubscriptionsHint(app));
    },
    stop() {
      stopping ??= (async () => {
        // Each step runs even when one before it failed (a store that is down makes the flush reject), and
        // the store is closed last in any case: otherwise SIGTERM left a process that never exits.
        const step = async (name: string, action: () => Promise<unknown> | void) => {
          try {
            await action();
          } catch (error) {
            logger.error({ event: 'app.stop-failed', step: name, err: error }, `while stopping (${name}) failed`);
          }
        };
        try {
          await step('commands', () => commands.stop());
          await step('scheduler', () => scheduler.stop());
          await step('feeds', () => feeds.unfollow());
          clearInterval(flushTimer);
          clearInterval(websubTimer);
          await step('websub', () => websub?.close());
          await step('flush', async () => {
            const unsaved = feeds.unsaved();
            try {
              await feeds.flush();
            } catch (error) {
              // Losing these only means those feeds are checked a little early after the restart.
              logger.warn(
                { event: 'store.flush-failed', unsaved, err: error },
                `could not save the check times of ${unsaved} feeds before stopping`,
              );
            }
          });
          await step('digests', () => digests.stop());
          await step('delivery', () => delivery.stop());
          await step('outbox', () => outbox.close());
          await step('subscriptions', () => subscriptions.close());
          await Promise.allSettled(Object.values(sinks).map((sink) => sink.stop()));
          await step('http', () => app.http?.close());
          await step('reader', () => reader.close());
        } finally {
          storeHealth.stop();
          // Leases still held expire by themselves; the parts that hold them released theirs as they stopped.
          if (!overrides.coordinator) await step('coordinator', () => coordinator.close());
          await step('store', () => store.close());
          logger.info({ event: 'app.stopped' }, 'Taza stopped');
        }
      })();
      return stopping;
    },
  };
  return app;
}

/** What a new user can do next when Taza has nothing to watch. */
function noSubscriptionsHint(app: App): string {
  const file = app.config.TAZA_CONFIG ?? `${DEFAULT_SUBSCRIPTIONS_FILE} (or the file TAZA_CONFIG names)`;
  const chats = app.commands.platforms.map((p) => (p === 'discord' ? 'a Discord server' : 'a Telegram chat'));
  const command =
    chats.length > 0
      ? `send /subscribe in ${chats.join(' or ')}`
      : 'set DISCORD_TOKEN or TELEGRAM_TOKEN and send /subscribe in a server or chat';
  return `no subscriptions yet: list feeds and keywords in ${file}, or ${command}`;
}
