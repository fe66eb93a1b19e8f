/** A successful check's end: the feed's next check time, a recovery noted, and the record saved now or later. */
import type { FetchResult } from '../fetcher/types.js';
import type { Logger } from '../log/logger.js';
import type { FeedRecord } from '../core/records.js';
import { nextCheckDelayMs } from '../scheduler/policy.js';
import type { PipelineDeps } from './deps.js';
import { noteRecovery } from './feed-health.js';

/** Fields whose change must reach the store at once; the rest (check times) can wait for the next flush. */
const DURABLE_FIELDS = [
  'url',
  'etag',
  'lastModified',
  'bodyHash',
  'title',
  'link',
  'language',
  'lastUnconditionalAt',
  'failures',
  'failingNotified',
  'baselineTaken',
  'disabled',
] as const;

/** Field values compared as stored: primitives directly (every check compares them), objects as JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/** What decides the next check: the server's hints, and whether to spread it (see shouldSpread). */
export interface NextCheckHints {
  cache: FetchResult['cache'];
  ttlMinutes?: number;
  spread: boolean;
}

export async function finishSuccess(
  deps: PipelineDeps,
  feed: FeedRecord,
  now: Date,
  hints: NextCheckHints,
  log: Logger,
): Promise<void> {
  const before = deps.feeds.get(feed.id);
  const wasFailing = feed.failures > 0;
  feed.lastSuccessAt = now.toISOString();
  feed.failures = 0;
  delete feed.lastError;
  const delay = nextCheckDelayMs({
    intervalMs: deps.settings.pollIntervalMs,
    minIntervalMs: deps.settings.minPollIntervalMs,
    ...hints,
    failures: 0,
  });
  feed.nextCheckAt = new Date(now.getTime() + delay).toISOString();
  if (wasFailing) await noteRecovery(deps, feed, now, log);
  let durableChange = !before;
  for (let i = 0; !durableChange && i < DURABLE_FIELDS.length; i++) {
    const field = DURABLE_FIELDS[i]!;
    durableChange = !sameValue(before![field], feed[field]);
  }
  // Shared: the next check may be another instance's, and it reads the store, so every change is written now.
  if (durableChange || deps.feeds.shared) await deps.feeds.save(feed);
  else deps.feeds.saveLater(feed);
}
