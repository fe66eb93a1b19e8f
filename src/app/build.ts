/**
 * The composition root, the only module that knows all the others. buildApp() makes every part from the config —
 * store, registries, fetcher, pipeline, platforms, delivery worker, poller, command layer — without starting any;
 * App.start() then starts them in order, and App.stop() stops whatever was started (lifecycle.ts); how feeds are
 * checked is wired in checking.ts. startApp() is both.
 * Tests build the same app with a few parts replaced (overrides), so there is one wiring.
 */
import type { PlatformAdapter } from '../chat/adapter.js';
import { createCommandServices } from '../chat/services.js';
import { createCommandLayer, type CommandLayer } from '../chat/start.js';
import type { Config } from '../config/schema.js';
import { readSubscriptionsFile, type SubscriptionsFile } from '../config/subscriptions-file.js';
import type { Platform } from '../core/destination.js';
import type { Coordinator } from '../coordination/coordinator.js';
import { openCoordinator } from '../coordination/open.js';
import { createFetcher, createNetworkPolicy, type Resolver } from '../fetcher/index.js';
import type { Fetcher } from '../fetcher/types.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { HttpServer } from '../observability/http-server.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { DigestBuffer } from '../digests/buffer.js';
import { DeliveryWorker } from '../outbox/delivery.js';
import { Outbox } from '../outbox/outbox.js';
import type { Sink } from '../outbox/sink.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { FeedReader, type FeedReaderOptions } from '../pipeline/read-feed.js';
import { FeedRegistry } from '../registry/feeds.js';
import { SubscriptionRegistry } from '../registry/subscriptions.js';
import type { CheckScheduler } from '../scheduler/check-scheduler.js';
import { StoreHealth } from '../store/health.js';
import { openStore, type Store } from '../store/open.js';
import { moveDestination, pauseDestination } from '../subscriptions/rules.js';
import { createWebDashboard, scopedLoginLink } from '../web/index.js';
import { createPlatforms } from './platforms.js';
import { seedFromFile } from './seed.js';
import { userAgent } from './version.js';
import type { Subscriber } from '../websub/subscriber.js';
import { buildChecking } from './checking.js';
import { createLifecycle } from './lifecycle.js';
import type { FeedChecks } from './feed-checks.js';

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
      connectionsPerHost: config.PER_HOST_CONCURRENCY,
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
  const { websub, checks, checkLog, scheduler } = await buildChecking({
    config,
    pipeline: { ...pipeline, reader },
    coordinator,
    storeHealth,
    logger,
    now,
    fakeClock: overrides.now !== undefined,
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
    start: (options) => lifecycle.start(options),
    stop: () => lifecycle.stop(),
  };
  const lifecycle = createLifecycle(app, { reader, dashboard, coordinator, ownsCoordinator: !overrides.coordinator });
  return app;
}
