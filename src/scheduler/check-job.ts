/** The engine's check jobs: one per feed per due time, its id `<feedId>-<dueMs>` (see engine.ts). */
import type { FeedRecord } from '../core/records.js';

const JOB_NAME = 'check';
/**
 * Jobs come due on this grid (a due time is rounded up to it). Every due time wakes every instance's worker, and on
 * Postgres each wake-up costs each worker four statements: jobs due together share one wake-up. A check is at most
 * this much later than its feed asked.
 */
const DUE_GRID_MS = 500;
/** BullMQ takes jobs without a priority first, then the lowest number: first checks go after the others. */
const FIRST_CHECK_PRIORITY = 1;

/** What a check job carries: the feed and the due time it checks. */
export interface CheckJob {
  feedId: string;
  dueMs: number;
}

/** A job to add, as BullMQ's addBulk takes it. */
export interface JobToAdd {
  name: string;
  data: CheckJob;
  opts: { jobId: string; delay: number; priority?: number };
}

function checkJobId(feedId: string, dueMs: number): string {
  // BullMQ refuses ':' in custom ids.
  return `${feedId}-${dueMs}`;
}

/**
 * The job for a feed's check at `dueMs`, due on the grid. A feed's first check (its baseline) waits behind the
 * others: a first cycle of thousands of feeds all due at once otherwise holds up the next checks of the feeds done
 * first, and a check more than a fifth of its interval late has its next one spread at random over the interval
 * (scheduler/policy.ts), which made three instances check feeds 10-20% more often than one for a while.
 */
export function jobFor(feed: Pick<FeedRecord, 'id' | 'baselineTaken'>, dueMs: number): JobToAdd {
  const runAt = Math.ceil(dueMs / DUE_GRID_MS) * DUE_GRID_MS;
  return {
    name: JOB_NAME,
    data: { feedId: feed.id, dueMs },
    opts: {
      jobId: checkJobId(feed.id, dueMs),
      delay: Math.max(0, runAt - Date.now()),
      ...(feed.baselineTaken ? {} : { priority: FIRST_CHECK_PRIORITY }),
    },
  };
}

/**
 * A job for the same due time, run `delayMs` later (`at`), with an id of its own: the job that could not run now
 * completes, and this one looks again.
 */
export function retryJob(data: CheckJob, at: number, delayMs: number, priority?: number): JobToAdd {
  return {
    name: JOB_NAME,
    data,
    opts: { jobId: `${checkJobId(data.feedId, data.dueMs)}-${at}`, delay: delayMs, ...(priority ? { priority } : {}) },
  };
}
