/**
 * Feed checks on the distributed job engine (BullMQ on Redis or Postgres), for several instances on one backend.
 *
 * One delayed job per feed per due time, its id `<feedId>-<dueMs>`: instances that add the same due time add one
 * job. A worker per instance takes FETCH_CONCURRENCY jobs at once; a job whose instance died is taken again by
 * another once its lock expires (LOCK_MS). The check that finishes adds the feed's next job; at start (and every
 * RESYNC_MS, the net for a job lost with a backend restart) every feed in the store gets its job, idempotently.
 * Before a check the feed is read from the store: a job for a due time already checked (by checkNow, or a job
 * added again after its check) finds the feed due later and only adds its next job again. Per-host limits are
 * leases in the backend (HostLeases); with one slot per host that lease keeps any two checks of a feed apart, with
 * more a feed lease does (FeedLeases). Every round trip here costs each check: see docs/PERFORMANCE.md, "Scale-out".
 */
import type { Job, Worker } from 'bullmq';
import type { Coordinator, Lease } from '../coordination/coordinator.js';
import type { FeedRecord } from '../core/records.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { Logger } from '../log/logger.js';
import type { StoreHealth } from '../store/health.js';
import type { CheckScheduler } from './check-scheduler.js';
import type { EngineQueue } from './engine-backend.js';
import { FeedLeases } from './feed-leases.js';
import { HostLeases } from './host-leases.js';
import { jobFor, retryJob, type CheckJob, type JobToAdd } from './check-job.js';
import { JobBatch } from './job-batch.js';
import { Slots } from './slots.js';

/** What the engine reads of the feeds: each fresh from the store (another instance may have checked it). */
export interface EngineFeeds {
  /** The feed as the store has it now; undefined when it was removed. */
  load(feedId: string): Promise<FeedRecord | undefined>;
  /** Every feed in the store. */
  loadAll(): Promise<FeedRecord[]>;
  /** The feeds this instance knows of (its registry), without a round-trip. */
  known(): Iterable<FeedRecord>;
  /**
   * The feed as this instance last saw or saved it, without a round-trip: after a check, the record that check
   * saved (or a fresher one another instance announced).
   */
  cached(feedId: string): FeedRecord | undefined;
}

/** The engine's view of this instance's feed registry: reads go to the store, `cached` and `known` do not. */
export function registryFeeds(feeds: FeedRegistry): EngineFeeds {
  return {
    load: (feedId) => feeds.refresh(feedId),
    loadAll: async () => {
      await feeds.reload();
      return feeds.all();
    },
    known: () => feeds.values(),
    cached: (feedId) => feeds.get(feedId),
  };
}

export interface EngineSchedulerOptions {
  engine: EngineQueue;
  coordinator: Coordinator;
  feeds: EngineFeeds;
  /**
   * One check of the feed. `held`: the feed as the store gave it under the feed's hold, so the check need not read
   * it again.
   */
  check: (feedId: string, held?: FeedRecord) => Promise<unknown>;
  logger: Logger;
  limits: { globalConcurrency: number; perHostConcurrency: number; perHostGapMs: number };
  health?: Pick<StoreHealth, 'isUp' | 'report'>;
  /** How long a job's lock lasts without renewal: a job of a dead instance runs again after about this long. */
  lockMs?: number;
  /** How long a job waits in a worker slot for its host before it is put back, delayed, for later. */
  hostWaitMs?: number;
  /** How often every feed is given its job again (idempotent): what a lost job costs at most. */
  resyncMs?: number;
}

/**
 * Jobs a worker takes per check slot (FETCH_CONCURRENCY slots, `checkSlots`): a job holds its worker slot for the
 * engine's round trips and the batched add of its next job (up to ADD_BATCH_MS) as well as for its check. With one
 * job per check slot those waits bounded the checks an instance made: three instances on Redis took 216 s to
 * baseline 10,000 feeds (70.6 s with four), and after one was killed the other two fell over a minute behind.
 */
const JOBS_PER_CHECK_SLOT = 4;
const DEFAULT_LOCK_MS = 10_000;
const DEFAULT_RESYNC_MS = 5 * 60_000;
/**
 * How long a job waits in its worker slot for a busy host before it is put back. Short: a wait of 2 s let ten feeds
 * of one host hold both slots of a worker while the other hosts' feeds waited behind them (3.8 s on Redis, 4.5 s on
 * Postgres, against 42 ms in process); at 100 ms they go first (tests/scheduler/contract.ts, "busy host").
 */
const DEFAULT_HOST_WAIT_MS = 100;
/** A feed being checked elsewhere: look again this much later (its check will have moved it on by then). */
const BUSY_RETRY_MS = 1000;
/** How long a stop waits for the engine to close (its jobs, its connections) before dropping it. */
const CLOSE_TIMEOUT_MS = 5000;
/**
 * The next jobs of the checks that finish within this long are added together, in one round trip (on Postgres, one
 * wake-up of every worker instead of one per job). A check's job completes only once its next job is added, so a
 * crash loses none; its worker slot is held this much longer at most.
 */
const ADD_BATCH_MS = 200;
/** How long one add of a next job may take, and how long after a failed one the next try comes. */
const ADD_TIMEOUT_MS = 5000;
const ADD_RETRY_MS = 1000;

export class EngineScheduler implements CheckScheduler {
  private worker: Worker | undefined;
  private readonly hosts: HostLeases;
  private readonly lockMs: number;
  private readonly hostWaitMs: number;
  private readonly resyncMs: number;
  /** Feeds this instance has added a job for since it started: a cache that spares wake() a round-trip each. */
  private readonly scheduled = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private abandoned = false;
  private readonly feedLeases: FeedLeases;
  /**
   * With one slot per host, holding the host's lease is holding the feed's: no other check of the feed (a job, a
   * checkNow, on any instance) can run meanwhile, so no feed lease is taken (two round trips a check). The feed is
   * read once that lease is held, so a check that just ended elsewhere is seen.
   */
  private readonly hostIsExclusive: boolean;
  private readonly batch: JobBatch;
  /** The checks this instance runs at once (FETCH_CONCURRENCY): from the host's lease to the check's end. */
  private readonly checkSlots: Slots;

  constructor(private readonly options: EngineSchedulerOptions) {
    this.hosts = new HostLeases(options.coordinator, {
      perHostConcurrency: options.limits.perHostConcurrency,
      perHostGapMs: options.limits.perHostGapMs,
      alive: () => !this.abandoned,
    });
    this.lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
    // A feed lease of a dead instance lasts as long as its job's lock.
    this.feedLeases = new FeedLeases(options.coordinator, this.lockMs, () => !this.abandoned);
    this.hostWaitMs = options.hostWaitMs ?? DEFAULT_HOST_WAIT_MS;
    this.resyncMs = options.resyncMs ?? DEFAULT_RESYNC_MS;
    this.hostIsExclusive = options.limits.perHostConcurrency <= 1;
    this.checkSlots = new Slots(options.limits.globalConcurrency);
    this.batch = new JobBatch((jobs) => options.engine.queue.addBulk(jobs), ADD_BATCH_MS);
  }

  async start(): Promise<void> {
    await this.resync();
    this.worker = this.options.engine.worker((job) => this.process(job as Job<CheckJob>), {
      concurrency: this.options.limits.globalConcurrency * JOBS_PER_CHECK_SLOT,
      lockDuration: this.lockMs,
      stalledInterval: Math.max(1000, this.lockMs / 2),
      // A job stalls only when its instance died; it must run again however often that happened.
      maxStalledCount: 1000,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    // A run that threw is tried again (CHECK_JOB_OPTIONS); the error is reported, never silent.
    this.worker.on('failed', (job, error) =>
      this.reportError(error, 'engine.job-failed', (job?.data as CheckJob | undefined)?.feedId),
    );
    this.worker.on('error', (error) =>
      this.options.logger.error({ event: 'engine.error', err: error }, 'job engine error'),
    );
    this.resyncTimer = setInterval(() => {
      this.resync().catch((error: unknown) => this.reportError(error, 'engine.resync-failed'));
    }, this.resyncMs);
    this.resyncTimer.unref();
  }

  private stopping: Promise<void> | undefined;

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      clearInterval(this.resyncTimer);
      // The worker's close waits for its jobs; checkNow's checks are waited for here. A backend that is down would
      // hold the close for ever (the engine's connections wait for it to come back): then it is dropped, as a crash
      // would, and the jobs under way run again elsewhere once their locks expire.
      const closed = this.options.engine.close();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), CLOSE_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      if (gaveUp) {
        this.options.logger.warn({ event: 'engine.close-timeout' }, 'the job engine did not close in time; dropped');
        this.options.engine.abandon();
      }
      await Promise.allSettled([...this.running]);
    })();
    return this.stopping;
  }

  /** Ends at once, as a crash would: connections dropped, jobs under way left to expire and run elsewhere. */
  abandon(): void {
    this.stopped = true;
    this.abandoned = true;
    clearInterval(this.resyncTimer);
    this.options.engine.abandon();
  }

  wake(): void {
    const unscheduled = [...this.options.feeds.known()].filter((feed) => !this.scheduled.has(feed.id));
    if (unscheduled.length === 0) return;
    this.addJobs(unscheduled).catch((error: unknown) => this.reportError(error, 'engine.schedule-failed'));
  }

  async feedAdded(feedId: string): Promise<void> {
    const feed = await this.options.feeds.load(feedId);
    if (feed) await this.addJobs([feed]);
  }

  async checkNow(feedId: string): Promise<void> {
    const task = (async () => {
      if (this.hostIsExclusive) {
        const url = this.options.feeds.cached(feedId)?.url ?? (await this.options.feeds.load(feedId))?.url;
        if (!url) return;
        const checked = await this.hosts.run(url, async () => {
          const feed = await this.options.feeds.load(feedId);
          if (!feed || feed.disabled) return false;
          await this.options.check(feedId, feed);
          return true;
        });
        if (checked) await this.scheduleNext(feedId, -1);
        return;
      }
      await this.feedLeases.hold(feedId, async () => {
        const feed = await this.options.feeds.load(feedId);
        if (!feed || feed.disabled) return;
        await this.hosts.run(feed.url, () => this.options.check(feedId, feed));
        await this.scheduleNext(feedId, -1);
      });
    })();
    this.running.add(task);
    try {
      await task;
    } finally {
      this.running.delete(task);
    }
  }

  limit<T>(url: string, task: () => Promise<T>): Promise<T> {
    return this.hosts.run(url, task);
  }

  async holdFeed<T>(feedId: string, task: () => Promise<T>): Promise<T> {
    if (this.hostIsExclusive) {
      const url = this.options.feeds.cached(feedId)?.url ?? (await this.options.feeds.load(feedId))?.url;
      // A feed that is gone has no check to keep apart from.
      if (!url) return task();
      return this.hosts.withoutRequest(url, task);
    }
    return this.feedLeases.hold(feedId, task);
  }

  /** Every feed in the store gets the job for its next check (already there for most: the same id adds nothing). */
  private async resync(): Promise<void> {
    const feeds = await this.options.feeds.loadAll();
    await this.addJobs(feeds);
  }

  private async addJobs(feeds: FeedRecord[]): Promise<void> {
    const jobs = feeds.filter((feed) => !feed.disabled).map((feed) => jobFor(feed, Date.parse(feed.nextCheckAt)));
    for (let i = 0; i < jobs.length; i += 500) await this.options.engine.queue.addBulk(jobs.slice(i, i + 500));
    for (const feed of feeds) this.scheduled.add(feed.id);
  }

  /**
   * The job of the feed's next check, after a check (`checkedDueMs` is the due time just checked; -1: checkNow).
   * The feed as the check saved it is in this instance's registry: no read from the store.
   */
  private async scheduleNext(feedId: string, checkedDueMs: number): Promise<void> {
    const feed = this.options.feeds.cached(feedId) ?? (await this.options.feeds.load(feedId));
    if (!feed || feed.disabled) {
      this.scheduled.delete(feedId);
      return;
    }
    let dueMs = Date.parse(feed.nextCheckAt);
    // A check whose result was not saved leaves the due time as it was: that id is the job now finishing, which
    // would swallow the add. Try again a poll's minimum later instead.
    if (dueMs <= checkedDueMs) dueMs = Date.now() + 1000;
    await this.addUntilIn(jobFor(feed, dueMs));
    this.scheduled.add(feedId);
  }

  /**
   * Adds a feed's next job, trying again while the backend is away (an add to a Postgres that went down mid-call
   * could hang): the job that adds it completes only once it is in, so a feed is never left without one. An add
   * that was in fact made and is made again is one job (the same id).
   */
  private async addUntilIn(job: JobToAdd): Promise<void> {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          this.batch.add(job),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('adding the next job timed out')), ADD_TIMEOUT_MS);
          }),
        ]);
        return;
      } catch (error) {
        if (this.stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, ADD_RETRY_MS));
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private async process(job: Job<CheckJob>): Promise<string> {
    const { feedId, dueMs } = job.data;
    if (this.options.health && !this.options.health.isUp()) return this.later(job, 5000);
    // The URL never changes for a feed id (the id is its hash), so the cached one is good enough to pick the host.
    const url = this.options.feeds.cached(feedId)?.url ?? (await this.options.feeds.load(feedId))?.url;
    if (!url) {
      this.scheduled.delete(feedId);
      return 'removed';
    }
    // Jobs waiting for a slot keep the engine's order: a feed's first check after the others (its priority).
    const ran = await this.checkSlots.run(() => this.checkHeld(job, url), job.opts.priority ?? 0);
    // Outside the check slot: the add of the next job waits for its batch, and the slot is another job's meanwhile.
    if (ran.outcome === 'checked') await this.scheduleNext(feedId, dueMs);
    else if (ran.next) await this.addUntilIn(ran.next);
    return ran.outcome;
  }

  /** The job's check, holding the host's lease (and the feed's, when the host has more slots): the feed read under them. */
  private async checkHeld(job: Job<CheckJob>, url: string): Promise<{ outcome: string; next?: JobToAdd }> {
    const { feedId, dueMs } = job.data;
    const hostLease = await this.hosts.acquire(url, this.hostWaitMs);
    // The host is busy beyond a short wait: the slot goes to another host's feed meanwhile.
    if (!hostLease) return { outcome: await this.later(job, this.hosts.retryDelayMs(url, this.hostWaitMs)) };
    let feedLease: Lease | undefined;
    if (!this.hostIsExclusive) {
      feedLease = await this.feedLeases.tryTake(feedId);
      if (!feedLease) {
        await this.hosts.unused(hostLease);
        return { outcome: await this.later(job, BUSY_RETRY_MS) };
      }
    }
    try {
      const feed = await this.options.feeds.load(feedId);
      if (!feed || feed.disabled) {
        await this.hosts.unused(hostLease);
        this.scheduled.delete(feedId);
        return { outcome: 'removed' };
      }
      // Checked already for this due time (checkNow did it, or this job was added again after its check). Its next
      // job is added again (the same id: nothing when it is there): the run that checked may have died or failed before
      // adding it.
      if (Date.parse(feed.nextCheckAt) > dueMs) {
        await this.hosts.unused(hostLease);
        return { outcome: 'stale', next: jobFor(feed, Date.parse(feed.nextCheckAt)) };
      }
      try {
        const outcome = await this.hosts.holding(hostLease, () =>
          feedLease
            ? this.feedLeases.renewing(feedLease, () => this.options.check(feedId, feed))
            : this.options.check(feedId, feed),
        );
        this.options.logger.debug({ event: 'feed.checked', feedId, outcome }, 'feed checked');
      } catch (error) {
        this.reportError(error, 'feed.check-crashed', feedId);
      }
      return { outcome: 'checked' };
    } finally {
      // Released before the next job is added: a second job of this due time would find the feed checked already.
      await feedLease?.release().catch(() => {});
    }
  }

  /**
   * Frees the worker slot and checks the feed later: a job for the same due time, `delayMs` on. Not BullMQ's
   * moveToDelayed with a thrown DelayedError: that rejection escaped the worker now and then (an unhandled
   * rejection ends the process). Should this instance die between the add and the completion, the job runs again
   * as well, and whichever check comes second finds the feed checked for that due time and does nothing.
   */
  private async later(job: Job<CheckJob>, delayMs: number): Promise<string> {
    const { feedId, dueMs } = job.data;
    const at = Date.now() + delayMs;
    const again = retryJob({ feedId, dueMs }, at, delayMs, job.opts.priority);
    await this.options.engine.queue.add(again.name, again.data, again.opts);
    return 'later';
  }

  private reportError(error: unknown, event: string, feedId?: string): void {
    // The store failing is logged once by the health, not once per feed.
    if (this.options.health?.report(error)) return;
    this.options.logger.error({ event, feedId, err: error }, 'feed scheduling failed');
  }
}
