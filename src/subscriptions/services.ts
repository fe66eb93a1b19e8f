/** What the subscription rules work with: the registries, the pipeline's stores and settings, the fetcher, the poller. */
import type { Destination } from '../core/destination.js';
import type { NetworkPolicy, Resolver } from '../fetcher/index.js';
import type { Fetcher } from '../fetcher/types.js';
import type { Logger } from '../log/logger.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import type { FeedReader } from '../pipeline/read-feed.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { SubscriptionRegistry } from '../registry/subscriptions.js';
import type { Preset } from './presets.js';

export interface SubscriptionServices {
  feeds: FeedRegistry;
  subscriptions: SubscriptionRegistry;
  /** The pipeline's dependencies: the seen set (baselines), the outbox (resume with missed items), settings. */
  pipeline: PipelineDeps;
  /** Fetches for subscribe/preview/import (the app's fetcher: same limits and private-network rule). */
  fetcher: Fetcher;
  /** The configured ALLOW_PRIVATE_NETWORKS policy, checked before fetching to answer with a clear reason. */
  networkPolicy: NetworkPolicy;
  resolver?: Resolver;
  /** Runs one feed check now through the poller (sharing its per-host limits). */
  checkNow(feedId: string): Promise<void>;
  /**
   * Runs a request to `url`'s host through the poller's host limiter (the same instance: its per-host concurrency
   * and gap count polling and these requests together). Used for the many fetches of an import.
   */
  limit<T>(url: string, task: () => Promise<T>): Promise<T>;
  /** Tells the poller a feed was added. */
  wake(): void;
  /** Most subscriptions one server or chat may have (SUBSCRIPTION_QUOTA). */
  quota: number;
  presets: readonly Preset[];
  logger: Logger;
  now(): Date;
  /** The app's feed reader (its worker pool); absent: readFeed's own, started only for a big body. */
  reader?: FeedReader;
}

/** Whose subscriptions (scope) and where new alerts go (destination). */
export interface SubscriptionTarget {
  /** A Discord guild id or a Telegram chat id. */
  scope: string;
  destination: Destination;
  /** How replies name the scope: "this server", "this chat", "@mychannel". */
  label: string;
}
