/** What command handlers may use: the subscription rules' services, built once from the app's parts. */
import type { Config } from '../config/schema.js';
import type { Destination } from '../core/destination.js';
import { createNetworkPolicy, type Resolver } from '../fetcher/index.js';
import type { Fetcher } from '../fetcher/types.js';
import type { Logger } from '../log/logger.js';
import type { PipelineDeps } from '../pipeline/deps.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { SubscriptionRegistry } from '../registry/subscriptions.js';
import { PRESETS, type Preset } from '../subscriptions/presets.js';
import type { SubscriptionServices } from '../subscriptions/services.js';

/** Who asks /dashboard and where: the login link it gets sees and changes only that server or chat. */
export interface DashboardLinkRequest {
  platform: 'discord' | 'telegram';
  scope: string;
  destination: Destination;
  user: { id: string; name?: string };
}

export type CommandServices = SubscriptionServices & {
  /** A one-time login link to the web dashboard for this scope; undefined when the dashboard is off. */
  dashboardLink?(request: DashboardLinkRequest): string | undefined;
};

export interface ServiceInputs {
  config: Pick<Config, 'ALLOW_PRIVATE_NETWORKS' | 'SUBSCRIPTION_QUOTA'>;
  feeds: FeedRegistry;
  subscriptions: SubscriptionRegistry;
  pipeline: PipelineDeps;
  poller: { checkNow(feedId: string): Promise<void>; wake(): void };
  /** The poller's host limiter, so command fetches share its per-host limits; without it they are not limited. */
  limiter?: { run<T>(url: string, task: () => Promise<T>): Promise<T> };
  logger: Logger;
  fetcher?: Fetcher;
  resolver?: Resolver;
  presets?: readonly Preset[];
  dashboardLink?: CommandServices['dashboardLink'];
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
    limit: (url, task) => (inputs.limiter ? inputs.limiter.run(url, task) : task()),
    wake: () => inputs.poller.wake(),
    quota: inputs.config.SUBSCRIPTION_QUOTA,
    presets: inputs.presets ?? PRESETS,
    logger: inputs.logger,
    now: inputs.pipeline.now ?? (() => new Date()),
    reader: inputs.pipeline.reader,
    ...(inputs.dashboardLink ? { dashboardLink: inputs.dashboardLink } : {}),
  };
}
