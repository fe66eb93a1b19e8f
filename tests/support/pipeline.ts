/** A pipeline wired to a temporary store and a fetcher allowed to reach 127.0.0.1, for stage-level tests. */
import { createFetcher, createNetworkPolicy } from '../../src/fetcher/index.js';
import { Outbox } from '../../src/outbox/outbox.js';
import type { PipelineDeps } from '../../src/pipeline/deps.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { SubscriptionRegistry } from '../../src/registry/subscriptions.js';
import { captureLogger } from './logger.js';
import { tempStore } from './store.js';

export async function testPipeline() {
  const env = await tempStore();
  const log = captureLogger();
  const deps: PipelineDeps = {
    store: env.store,
    feeds: await FeedRegistry.load(env.store),
    subscriptions: await SubscriptionRegistry.load(env.store),
    outbox: await Outbox.load(env.store),
    fetcher: createFetcher({ userAgent: 'Taza-test', networkPolicy: createNetworkPolicy(['127.0.0.0/8']) }),
    logger: log.logger,
    settings: {
      pollIntervalMs: 60_000,
      minPollIntervalMs: 1000,
      maxItemAgeMs: 3 * 86_400_000,
      summaryMaxSentences: 3,
      summaryMaxChars: 500,
    },
  };
  return { deps, env, log };
}
