/**
 * The poll loop: checks each feed when its next check is due, through the host limiter (a global pool,
 * and per host one request at a time with a gap), never the same feed twice at once.
 */
import type { Logger } from '../log/logger.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { StoreHealth } from '../store/health.js';
import type { HostLimiter } from './host-limiter.js';

/** Due feeds are gathered at most this often, so a scan over many feeds stays cheap. */
const MIN_TICK_MS = 200;

export interface PollerOptions {
  feeds: FeedRegistry;
  limiter: HostLimiter;
  check: (feedId: string) => Promise<unknown>;
  logger: Logger;
  /**
   * The store's health: a check that fails on the store marks it down (it is not the feed failing), and while
   * it is down no check starts, since nothing it finds could be saved.
   */
  health?: Pick<StoreHealth, 'isUp' | 'report' | 'onChange'>;
  now?: () => number;
}

export class Poller {
  private readonly queued = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private running = false;
  private lastTick = 0;
  private readonly now: () => number;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: PollerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.running = true;
    this.unsubscribe = this.options.health?.onChange((up) => {
      if (up) this.wake();
    });
    this.tick();
  }

  /** Stops dispatching; waits for the checks under way (each bounded by the fetch timeout). */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.queued.values()]);
  }

  /** Something changed (a feed was added): look again soon. */
  wake(): void {
    this.schedule(this.now());
  }

  /** Checks one feed now, outside its schedule (the subscribe command's baseline), sharing the limiter. */
  async checkNow(feedId: string): Promise<void> {
    const existing = this.queued.get(feedId);
    if (existing) await existing;
    else await this.dispatch(feedId, this.options.feeds.get(feedId)?.url ?? feedId);
  }

  private tick(): void {
    this.timer = undefined;
    this.wakeAt = Infinity;
    if (!this.running) return;
    // Paused while the store is down: the health's onChange wakes the loop when it is back.
    if (this.options.health && !this.options.health.isUp()) return;
    const now = this.now();
    this.lastTick = now;
    // ISO-8601 times from toISOString() sort as strings: no date parsing per feed per tick.
    const nowIso = new Date(now).toISOString();
    let earliest: string | undefined;
    const due: Array<{ id: string; url: string; fresh: boolean }> = [];
    for (const feed of this.options.feeds.values()) {
      if (feed.disabled) continue;
      // Most feeds are not due: the time comparison comes before the (costlier) look-up of checks under way.
      if (feed.nextCheckAt > nowIso) {
        if (earliest === undefined || feed.nextCheckAt < earliest) earliest = feed.nextCheckAt;
      } else if (!this.queued.has(feed.id)) {
        due.push({ id: feed.id, url: feed.url, fresh: !feed.baselineTaken });
      }
    }
    // Feeds never fetched go first, so a large start (or a burst of new subscriptions) is not starved by re-checks.
    due.sort((a, b) => Number(b.fresh) - Number(a.fresh));
    for (const feed of due) void this.dispatch(feed.id, feed.url);
    this.schedule(earliest === undefined ? Infinity : Date.parse(earliest));
  }

  private dispatch(feedId: string, url: string): Promise<void> {
    const task = this.options.limiter
      .run(url, () => this.options.check(feedId))
      .then(
        (outcome) => this.options.logger.debug({ event: 'feed.checked', feedId, outcome }, 'feed checked'),
        (error: unknown) => {
          // The store failing is logged once by the health, not once per feed.
          if (this.options.health?.report(error)) return;
          this.options.logger.error(
            { event: 'feed.check-crashed', feedId, err: error },
            'feed check failed unexpectedly',
          );
        },
      )
      .finally(() => {
        this.queued.delete(feedId);
        const next = this.options.feeds.get(feedId);
        if (next && !next.disabled) this.schedule(Date.parse(next.nextCheckAt));
      });
    this.queued.set(feedId, task);
    return task;
  }

  private schedule(at: number): void {
    if (!this.running || at === Infinity) return;
    if (this.options.health && !this.options.health.isUp()) return;
    const when = Math.max(at, this.lastTick + MIN_TICK_MS);
    if (when >= this.wakeAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = when;
    this.timer = setTimeout(() => this.tick(), Math.max(0, when - this.now()));
  }
}
