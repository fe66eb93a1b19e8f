/**
 * The composition root: opens the store, builds every stage and starts the poller, the delivery worker
 * and the platform sinks. The only module that knows all the others.
 */
import { startCommandLayer } from '../commands/start.js';
import type { Config } from '../config/schema.js';
import { readSubscriptionsFile } from '../config/subscriptions-file.js';
import type { Destination, Platform } from '../core/destination.js';
import { createFetcher, createNetworkPolicy } from '../fetcher/index.js';
import type { Fetcher } from '../fetcher/types.js';
import type { Logger } from '../log/logger.js';
import { DeliveryWorker } from '../outbox/delivery.js';
import { Outbox } from '../outbox/outbox.js';
import { processFeed, type PipelineDeps } from '../pipeline/process-feed.js';
import { FeedRegistry } from '../registry/feeds.js';
import { SubscriptionRegistry } from '../registry/subscriptions.js';
import { HostLimiter } from '../scheduler/host-limiter.js';
import { Poller } from '../scheduler/poller.js';
import type { Sink } from '../sinks/sink.js';
import { startHttpServer, type HttpServer } from '../observability/http-server.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { healthProbe, readinessProbe } from '../observability/probes.js';
import { openStore, type Store } from '../store/open.js';
import { seedFromFile } from './seed.js';
import { createSinks } from './sinks.js';
import { userAgent } from './version.js';

export interface App {
  config: Config;
  store: Store;
  feeds: FeedRegistry;
  subscriptions: SubscriptionRegistry;
  outbox: Outbox;
  fetcher: Fetcher;
  poller: Poller;
  delivery: DeliveryWorker;
  sinks: Partial<Record<Platform, Sink>>;
  pipeline: PipelineDeps;
  logger: Logger;
  metrics: Metrics;
  http: HttpServer;
  stop(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<App> {
  // First: a subscriptions file that cannot be used stops the start (ConfigError) before anything is opened.
  const file = readSubscriptionsFile(config.TAZA_CONFIG);
  const store = await openStore({ storeUrl: config.STORE_URL, dataDir: config.DATA_DIR });
  logger.info({ event: 'store.opened', location: store.location }, 'store opened');
  const feeds = await FeedRegistry.load(store);
  const subscriptions = await SubscriptionRegistry.load(store);
  const outbox = await Outbox.load(store);

  for (const problem of file.problems) logger.warn({ event: 'config.subscription-invalid', file: file.path }, problem);
  if (file.path) await seedFromFile(file.subscriptions, feeds, subscriptions, logger);

  const fetcher = createFetcher({
    userAgent: userAgent(config.USER_AGENT),
    networkPolicy: createNetworkPolicy(config.ALLOW_PRIVATE_NETWORKS),
  });
  const metrics = createMetrics();
  const pipeline: PipelineDeps = {
    metrics: metrics.pipeline,
    store,
    feeds,
    subscriptions,
    outbox,
    fetcher,
    logger,
    settings: {
      pollIntervalMs: config.POLL_INTERVAL,
      minPollIntervalMs: config.MIN_POLL_INTERVAL,
      maxItemAgeMs: config.MAX_ITEM_AGE,
      summaryMaxSentences: config.SUMMARY_MAX_SENTENCES,
      summaryMaxChars: config.SUMMARY_MAX_CHARS,
    },
  };

  const sinks = await createSinks(config, logger);
  const delivery = new DeliveryWorker({
    outbox,
    sinks,
    logger,
    digestThreshold: config.DIGEST_THRESHOLD,
    hooks: {
      ...metrics.deliveryHooks(),
      onPermanentFailure: (destination, reason) => pauseDestination(subscriptions, destination, reason),
      onMoved: (from, to) => moveDestination(subscriptions, from, to),
    },
  });
  const limiter = new HostLimiter({
    globalConcurrency: config.FETCH_CONCURRENCY,
    perHostConcurrency: config.PER_HOST_CONCURRENCY,
    perHostGapMs: config.PER_HOST_GAP,
  });
  const poller = new Poller({ feeds, limiter, logger, check: (feedId) => processFeed(pipeline, feedId) });

  // Observability starts before the platforms connect, so /readyz can say what is still connecting.
  metrics.observe({
    outboxDepth: () => outbox.depth(),
    oldestPendingAt: () => outbox.oldestPendingAt(),
    feeds: () => feeds.all(),
    subscriptions: () => subscriptions.all(),
    platforms: Object.keys(sinks) as Platform[],
  });
  const http = await startHttpServer({
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    health: healthProbe(store),
    ready: readinessProbe(sinks),
    metrics,
    logger,
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });

  // Polling starts before the platforms log in: what it finds waits in the outbox until they are connected.
  poller.start();
  // Check times of unchanged feeds are written in batches (see FeedRegistry.saveLater).
  const flushTimer = setInterval(() => {
    feeds
      .flush()
      .catch((error: unknown) =>
        logger.error({ event: 'store.flush-failed', err: error }, 'could not save feed check times'),
      );
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
  // Chat commands (issue 7): commands/ served on every platform that connected.
  const commandLayer = await startCommandLayer({ config, feeds, subscriptions, pipeline, poller, logger, sinks });
  delivery.start();
  logger.info(
    {
      event: 'app.started',
      feeds: feeds.all().length,
      subscriptions: subscriptions.all().length,
      pending: outbox.depth(),
    },
    'Taza is running',
  );

  let stopping: Promise<void> | undefined;
  return {
    config,
    store,
    feeds,
    subscriptions,
    outbox,
    fetcher,
    poller,
    delivery,
    sinks,
    pipeline,
    logger,
    metrics,
    http,
    stop() {
      stopping ??= (async () => {
        await commandLayer.stop();
        await poller.stop();
        clearInterval(flushTimer);
        await feeds.flush();
        await delivery.stop();
        await Promise.allSettled(Object.values(sinks).map((sink) => sink.stop()));
        await http.close();
        await store.close();
        logger.info({ event: 'app.stopped' }, 'Taza stopped');
      })();
      return stopping;
    },
  };
}

async function pauseDestination(
  subscriptions: SubscriptionRegistry,
  destination: Destination,
  reason: string,
): Promise<void> {
  const at = new Date().toISOString();
  for (const subscription of subscriptions.byDestination(destination)) {
    if (!subscription.paused) await subscriptions.save({ ...subscription, paused: { reason, at, by: 'delivery' } });
  }
}

async function moveDestination(subscriptions: SubscriptionRegistry, from: Destination, to: Destination): Promise<void> {
  for (const subscription of subscriptions.byDestination(from)) {
    const scope = subscription.scope === from.id ? to.id : subscription.scope;
    await subscriptions.save({ ...subscription, destination: to, scope });
  }
}
