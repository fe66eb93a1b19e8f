/** Picks the check scheduler: the job engine when other instances share the store, else the in-process loop. */
import type { Coordinator } from '../coordination/coordinator.js';
import type { Logger } from '../log/logger.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { StoreHealth } from '../store/health.js';
import type { CheckScheduler } from './check-scheduler.js';
import { InProcessScheduler } from './in-process.js';
import type { FeedRecord } from '../core/records.js';

/** The engine's queue of feed checks, one per backend (BullMQ keeps its own keys or tables beside Taza's). */
export const CHECK_QUEUE = 'taza-checks';

export interface CheckSchedulerOptions {
  coordinator: Coordinator;
  /** The store's URL: the engine runs on the same Redis or Postgres. */
  storeUrl: string;
  feeds: FeedRegistry;
  /**
   * One check of the feed. `held`: the feed as the store gave it under the feed's hold, so the check need not read
   * it again.
   */
  check: (feedId: string, held?: FeedRecord) => Promise<unknown>;
  logger: Logger;
  health: Pick<StoreHealth, 'isUp' | 'report' | 'onChange'>;
  limits: { globalConcurrency: number; perHostConcurrency: number; perHostGapMs: number };
  now?: () => number;
}

/** The engine is imported only when used: on SQLite, loading BullMQ and ioredis would cost 300 ms and memory. */
export async function createCheckScheduler(options: CheckSchedulerOptions): Promise<CheckScheduler> {
  const { coordinator, feeds } = options;
  if (!coordinator.shared) return new InProcessScheduler(options);
  const [{ openEngineQueue }, { EngineScheduler, registryFeeds }] = await Promise.all([
    import('./engine-backend.js'),
    import('./engine.js'),
  ]);
  return new EngineScheduler({
    engine: openEngineQueue(options.storeUrl, CHECK_QUEUE),
    coordinator,
    feeds: registryFeeds(feeds),
    check: options.check,
    logger: options.logger,
    limits: options.limits,
    health: options.health,
  });
}
