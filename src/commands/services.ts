/** What command handlers may use: the registries, the pipeline's stores and settings, the fetcher and the poller. */
import type { Config } from '../config/schema.js';
import { createNetworkPolicy, type NetworkPolicy, type Resolver } from '../fetcher/index.js';
import type { Fetcher } from '../fetcher/types.js';
import type { Logger } from '../log/logger.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { SubscriptionRegistry } from '../registry/subscriptions.js';
import { PRESETS, type Preset } from './presets.js';

export interface CommandServices {
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
  /** Tells the poller a feed was added. */
  wake(): void;
  /** Most subscriptions one server or chat may have (SUBSCRIPTION_QUOTA). */
  quota: number;
  presets: readonly Preset[];
  logger: Logger;
  now(): Date;
}

export interface ServiceInputs {
  config: Pick<Config, 'ALLOW_PRIVATE_NETWORKS' | 'SUBSCRIPTION_QUOTA'>;
  feeds: FeedRegistry;
  subscriptions: SubscriptionRegistry;
  pipeline: PipelineDeps;
  poller: { checkNow(feedId: string): Promise<void>; wake(): void };
  logger: Logger;
  fetcher?: Fetcher;
  resolver?: Resolver;
  presets?: readonly Preset[];
}

export function createCommandServices(inputs: ServiceInputs): CommandServices {
  return {
    feeds: inputs.feeds,
    subscriptions: inputs.subscriptions,
    pipeline: inputs.pipeline,
    fetcher: inputs.fetcher ?? inputs.pipeline.fetcher,
    networkPolicy: createNetworkPolicy(inputs.config.ALLOW_PRIVATE_NETWORKS),
    resolver: inputs.resolver,
    checkNow: (feedId) => inputs.poller.checkNow(feedId),
    wake: () => inputs.poller.wake(),
    quota: inputs.config.SUBSCRIPTION_QUOTA,
    presets: inputs.presets ?? PRESETS,
    logger: inputs.logger,
    now: inputs.pipeline.now ?? (() => new Date()),
  };
}
