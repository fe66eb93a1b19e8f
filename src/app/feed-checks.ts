/**
 * How the app runs one check of a feed, polled or pushed: one at a time per feed (a push that arrives during a
 * poll waits for it, so the two never save over each other), at the feed's own interval (the scheduling
 * policy's, and the long safety-net one while a WebSub lease is live), and with what the check read handed to
 * whoever learns from it (WebSub discovery, the policy's publication rate) once the check has saved the feed.
 *
 * "One at a time" spans the instances when they share a backend: a pushed body, which any instance may receive, and
 * a rescheduling run under the scheduler's hold of the feed (`CheckScheduler.holdFeed`: what the job engine holds
 * over each polled check), so there is one mechanism, the engine's. Alone, a chain per feed in this process does.
 */
import type { ParsedFeed } from '../core/feed.js';
import type { FeedRecord } from '../core/records.js';
import type { FetchResult } from '../fetcher/types.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import { processFeed, processPushedFeed, type CheckOutcome } from '../pipeline/process-feed.js';
import { FeedReader } from '../pipeline/read-feed.js';
import { alignedCheckAt } from '../scheduler/policy.js';

/** What one check read: the body's feed (when it was parsed) and the response's Link header. */
export interface CheckReading {
  feedUrl: string;
  /** The body came from a WebSub delivery (a hub may send only the new entries, without the feed's links). */
  pushed: boolean;
  parsed?: ParsedFeed;
  link?: string;
}

export interface FeedChecksOptions {
  pipeline: PipelineDeps & { reader: FeedReader };
  /** The poll interval for this feed now (the scheduling policy's). */
  intervalFor: (feed: FeedRecord) => number;
  /** Just after the feed's next predicted publication (a feed that keeps a schedule): its next check comes then. */
  predictedCheckAt?: (feed: FeedRecord) => number | undefined;
  /** Whether a hub pushes this feed (a live WebSub lease): it is then polled only every pushedIntervalMs. */
  isPushed?: (feedId: string) => boolean;
  pushedIntervalMs?: number;
  /** A feed's next check was moved earlier (the scheduler should look again: the engine adds its job). */
  onRescheduled?: (feedId: string) => void;
  /**
   * With instances sharing a backend: the scheduler's hold of a feed, taken by pushes and reschedulings (the engine
   * takes it for every polled check itself). Without it, this process's chain per feed orders them.
   */
  holdFeed?: <T>(feedId: string, task: () => Promise<T>) => Promise<T>;
  /** After a check that read a body, with the feed as saved. */
  afterRead?: (feedId: string, reading: CheckReading) => Promise<void> | void;
}

export interface FeedChecks {
  /** `held`: the feed as the store gave it under the scheduler's hold (see processFeed). */
  poll(feedId: string, held?: FeedRecord): Promise<CheckOutcome>;
  push(feedId: string, body: Buffer, contentType: string | undefined): Promise<CheckOutcome>;
  /** A feed's push stopped: its next check comes within `withinMs` (not at the long safety-net interval). */
  pollSoon(feedId: string, withinMs: number): Promise<void>;
}

export function createFeedChecks(options: FeedChecksOptions): FeedChecks {
  const running = new Map<string, Promise<unknown>>();

  const { holdFeed } = options;

  /**
   * Runs `check` after any check of the same feed under way: alone, after those of this process; shared, under the
   * scheduler's hold, which orders this process's checks too (no chain in front of it: a push waiting there for the
   * hold would hold up the engine's poll that has it).
   */
  function exclusive<T>(feedId: string, check: () => Promise<T>): Promise<T> {
    return holdFeed ? holdFeed(feedId, check) : inProcess(feedId, check);
  }

  function inProcess<T>(feedId: string, check: () => Promise<T>): Promise<T> {
    const before = running.get(feedId);
    const task = (before ? before.then(check, check) : check()).finally(() => {
      if (running.get(feedId) === settled) running.delete(feedId);
    });
    const settled = task.catch(() => undefined);
    running.set(feedId, settled);
    return task;
  }

  async function run(
    feedId: string,
    check: (deps: PipelineDeps) => Promise<CheckOutcome>,
    observeFetch: boolean,
  ): Promise<CheckOutcome> {
    const outcome = await readAndLearn(feedId, check, observeFetch);
    await alignWithPublication(feedId);
    return outcome;
  }

  /**
   * Moves the feed's next check, as the check set it, to just after its next predicted publication when that comes
   * sooner (policy's alignedCheckAt: never over a server's hint or a back-off, never within MIN_POLL_INTERVAL).
   */
  async function alignWithPublication(feedId: string): Promise<void> {
    const { feeds, settings } = options.pipeline;
    const feed = feeds.get(feedId);
    if (!options.predictedCheckAt || !feed?.lastCheckAt || feed.failures > 0 || feed.disabled) return;
    const nextCheckAt = Date.parse(feed.nextCheckAt);
    const at = alignedCheckAt({
      lastCheckAt: Date.parse(feed.lastCheckAt),
      nextCheckAt,
      intervalMs: intervalOf(feed),
      minIntervalMs: settings.minPollIntervalMs,
      predictedAt: options.predictedCheckAt(feed),
    });
    if (at >= nextCheckAt) return;
    const moved = { ...feed, nextCheckAt: new Date(at).toISOString() };
    if (feeds.shared) await feeds.save(moved);
    else feeds.saveLater(moved);
    options.onRescheduled?.(feedId);
  }

  async function readAndLearn(
    feedId: string,
    check: (deps: PipelineDeps) => Promise<CheckOutcome>,
    observeFetch: boolean,
  ): Promise<CheckOutcome> {
    const { pipeline } = options;
    const feed = pipeline.feeds.get(feedId);
    if (!feed || !options.afterRead) return check(depsFor(feed));
    const reading: CheckReading = { feedUrl: feed.url, pushed: !observeFetch };
    const deps = depsFor(feed);
    if (observeFetch) {
      deps.fetcher = async (request) => {
        const result: FetchResult = await pipeline.fetcher(request);
        if (request.url === feed.url && result.kind === 'fetched') {
          reading.feedUrl = result.finalUrl;
          if (result.link !== undefined) reading.link = result.link;
        }
        return result;
      };
    }
    deps.reader = new ObservedReader(pipeline.reader, (parsed) => (reading.parsed ??= parsed));
    const outcome = await check(deps);
    if (reading.parsed) await options.afterRead(feedId, reading);
    return outcome;
  }

  /** The feed's poll interval now: the policy's, or the long safety-net one while a hub pushes it. */
  function intervalOf(feed: FeedRecord): number {
    const policy = options.intervalFor(feed);
    return options.pushedIntervalMs !== undefined && options.isPushed?.(feed.id)
      ? Math.max(policy, options.pushedIntervalMs)
      : policy;
  }

  function depsFor(feed: FeedRecord | undefined): PipelineDeps {
    const { pipeline } = options;
    if (!feed) return pipeline;
    const pollIntervalMs = intervalOf(feed);
    return pollIntervalMs === pipeline.settings.pollIntervalMs
      ? { ...pipeline }
      : { ...pipeline, settings: { ...pipeline.settings, pollIntervalMs } };
  }

  return {
    // Shared, the engine calls poll holding the feed already.
    poll: (feedId, held) => {
      const check = () => run(feedId, (deps) => processFeed(deps, feedId, held), true);
      return holdFeed ? check() : inProcess(feedId, check);
    },
    push: (feedId, body, contentType) =>
      exclusive(feedId, () => run(feedId, (deps) => processPushedFeed(deps, feedId, body, contentType), false)),
    pollSoon: (feedId, withinMs) =>
      exclusive(feedId, async () => {
        const { feeds, now } = options.pipeline;
        // Shared: the record as the store has it (another instance checked it last), written at once.
        const feed = feeds.shared ? await feeds.refresh(feedId) : feeds.get(feedId);
        const latest = new Date((now?.() ?? new Date()).getTime() + withinMs).toISOString();
        if (feed && feed.nextCheckAt > latest) {
          const moved = { ...feed, nextCheckAt: latest };
          if (feeds.shared) await feeds.save(moved);
          else feeds.saveLater(moved);
        }
        options.onRescheduled?.(feedId);
      }),
  };
}

/** The app's reader, telling `seen` of each body it parsed (never starting threads of its own). */
class ObservedReader extends FeedReader {
  constructor(
    private readonly inner: FeedReader,
    private readonly seen: (parsed: ParsedFeed) => void,
  ) {
    super(inner.options);
  }

  override async readUnless(...args: Parameters<FeedReader['readUnless']>): ReturnType<FeedReader['readUnless']> {
    const read = await this.inner.readUnless(...args);
    if (!read.unchanged) this.seen(read.parsed);
    return read;
  }
}
