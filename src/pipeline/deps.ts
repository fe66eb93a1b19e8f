/**
 * What a feed check needs from the rest of the app: the stores, the fetcher, the settings, and where to count.
 * In a file of its own so process-feed.ts and feed-health.ts share it without importing each other.
 */
import type { DigestBuffer } from '../digests/buffer.js';
import type { Fetcher } from '../fetcher/types.js';
import type { Logger } from '../log/logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { SubscriptionRegistry } from '../registry/subscriptions.js';
import type { Store } from '../store/open.js';
import type { FeedReader } from './read-feed.js';

export interface PipelineDeps {
  store: Store;
  feeds: FeedRegistry;
  subscriptions: SubscriptionRegistry;
  outbox: Outbox;
  /** Digests and quiet hours: holds an alert whose subscription's schedule says not now. Absent: all sent at once. */
  digests?: Pick<DigestBuffer, 'route'>;
  fetcher: Fetcher;
  logger: Logger;
  settings: {
    pollIntervalMs: number;
    minPollIntervalMs: number;
    maxItemAgeMs: number;
    summaryMaxSentences: number;
    summaryMaxChars: number;
  };
  metrics?: PipelineMetrics;
  now?: () => Date;
  /** Where feed bodies are read (the app's worker pool); default: readFeed's. */
  reader?: FeedReader;
}

export interface PipelineMetrics {
  feedCheck(outcome: string, bytes: number): void;
  itemsSeen(count: number): void;
  alertsMatched(count: number): void;
}
