/**
 * How feeds get checked, wired from the config: the scheduling policy, WebSub push (when PUBLIC_URL is set), the
 * feed checks that run a poll or a push, the log of recent checks, and the scheduler that runs the polls (in this
 * process, or on the job engine when other instances share the backend). Part of the composition root (build.ts).
 */
import type { Config } from '../config/schema.js';
import type { Coordinator } from '../coordination/coordinator.js';
import type { Logger } from '../log/logger.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import type { FeedReader } from '../pipeline/read-feed.js';
import type { CheckScheduler } from '../scheduler/check-scheduler.js';
import { createCheckScheduler } from '../scheduler/create.js';
import { learnPublishing, PollSchedule } from '../scheduler/policy.js';
import type { StoreHealth } from '../store/health.js';
import { CheckLog } from '../web/index.js';
import { discoverHub } from '../websub/links.js';
import { Subscriber } from '../websub/subscriber.js';
import { createFeedChecks, type FeedChecks } from './feed-checks.js';

export interface CheckingParts {
  /** WebSub push, when PUBLIC_URL is set. */
  websub?: Subscriber;
  checks: FeedChecks;
  /** The last checks of each feed, for the dashboard's feed page (the store keeps only the latest outcome). */
  checkLog: CheckLog;
  scheduler: CheckScheduler;
}

export interface CheckingDeps {
  config: Config;
  pipeline: PipelineDeps & { reader: FeedReader };
  coordinator: Coordinator;
  storeHealth: StoreHealth;
  logger: Logger;
  now: () => Date;
  /** Whether `now` is a test's clock, handed to the scheduler too. */
  fakeClock: boolean;
}

export async function buildChecking(deps: CheckingDeps): Promise<CheckingParts> {
  const { config, pipeline, coordinator, logger, now } = deps;
  const { feeds } = pipeline;
  // eslint-disable-next-line prefer-const -- the subscriber needs the checks' lease hook, the checks the subscriber
  let checks: FeedChecks;
  const websub = config.PUBLIC_URL
    ? await Subscriber.load({
        publicUrl: config.PUBLIC_URL,
        store: pipeline.store,
        feeds,
        subscriptions: pipeline.subscriptions,
        fetcher: pipeline.fetcher,
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
    pipeline,
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
  const checkLog = new CheckLog();
  const scheduler = await createCheckScheduler({
    coordinator,
    storeUrl: config.STORE_URL ?? '',
    feeds,
    logger,
    health: deps.storeHealth,
    check: (feedId, held) => checkLog.around(feedId, () => checks.poll(feedId, held), now),
    limits: {
      globalConcurrency: config.FETCH_CONCURRENCY,
      perHostConcurrency: config.PER_HOST_CONCURRENCY,
      perHostGapMs: config.PER_HOST_GAP,
    },
    ...(deps.fakeClock ? { now: () => now().getTime() } : {}),
  });
  return { ...(websub ? { websub } : {}), checks, checkLog, scheduler };
}
