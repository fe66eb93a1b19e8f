/**
 * Quotas, duplicate checks and seeding with three instances on one real Redis or Postgres: the check-then-save
 * runs under the scope's lease after the scope's subscriptions are read again, and seeding runs under one lease,
 * so concurrent subscribes across instances stay within the quota and instances starting together seed once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedFromFile } from '../../src/app/seed.js';
import type { FileSubscription } from '../../src/config/subscriptions-file.js';
import { createFetcher, createNetworkPolicy } from '../../src/fetcher/index.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { SubscriptionRegistry } from '../../src/registry/subscriptions.js';
import { UserError } from '../../src/replies/errors.js';
import { allValues } from '../../src/store/open.js';
import { addSubscription } from '../../src/subscriptions/rules.js';
import type { SubscriptionServices, SubscriptionTarget } from '../../src/subscriptions/services.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { captureLogger } from '../support/logger.js';
import type { TestServer } from '../support/servers/process.js';
import { BACKENDS, clearStore, openInstances, type Instance } from '../support/instances.js';

const QUOTA = 3;
const TARGET: SubscriptionTarget = {
  scope: '-100200',
  destination: { platform: 'telegram', id: '-100200' },
  label: 'this chat',
};

describe.each(BACKENDS)('subscription rules, three instances on $name', (backend) => {
  let server: TestServer;
  let feedServer: FeedServer;
  let instances: Instance[];
  const closing: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    server = await backend.start();
    feedServer = await startFeedServer();
    for (let n = 0; n < 10; n++) feedServer.setItems(`feed${n}`, [testItem(n, `Story ${n}`)]);
    feedServer.setItems('same', [testItem(100, 'The same story')]);
  }, 60_000);
  afterAll(async () => {
    await feedServer?.close();
    await server?.close();
  });
  beforeEach(async () => {
    instances = await openInstances(backend, server.url, 3);
    await clearStore(instances[0]!.store);
  });
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
    await Promise.all(instances.map((instance) => instance.close()));
  });

  /** One instance's registries, as `taza run` loads them at start. */
  const registriesOf = async (instance: Instance) => {
    const options = { coordinator: instance.coordinator, reloadMs: 60_000 };
    const feeds = await FeedRegistry.load(instance.store);
    const subscriptions = await SubscriptionRegistry.load(instance.store, options);
    const outbox = await Outbox.load(instance.store, options);
    closing.push(
      () => subscriptions.close(),
      () => outbox.close(),
    );
    return { feeds, subscriptions, outbox };
  };

  const servicesOf = async (instance: Instance): Promise<SubscriptionServices> => {
    const { feeds, subscriptions, outbox } = await registriesOf(instance);
    const logger = captureLogger().logger;
    const networkPolicy = createNetworkPolicy(['127.0.0.0/8']);
    return {
      feeds,
      subscriptions,
      pipeline: {
        store: instance.store,
        feeds,
        subscriptions,
        outbox,
        fetcher: createFetcher({ userAgent: 'Taza-test', networkPolicy }),
        logger,
        settings: {
          pollIntervalMs: 60_000,
          minPollIntervalMs: 1000,
          maxItemAgeMs: 3 * 86_400_000,
          summaryMaxSentences: 3,
          summaryMaxChars: 500,
        },
      },
      fetcher: createFetcher({ userAgent: 'Taza-test', networkPolicy }),
      networkPolicy,
      checkNow: async () => {},
      limit: (_url, task) => task(),
      wake: () => {},
      quota: QUOTA,
      presets: [],
      logger,
      now: () => new Date(),
    };
  };

  const storedInScope = async (instance: Instance) =>
    (await allValues(instance.store.subscriptions)).filter((s) => s.scope === TARGET.scope);

  it(`ten subscribes at once across three instances, quota ${QUOTA}: ${QUOTA} stored, seven refused`, async () => {
    const services = await Promise.all(instances.map(servicesOf));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, n) =>
        addSubscription(services[n % 3]!, { feed: feedServer.url(`feed${n}`), query: 'story', target: TARGET }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(QUOTA);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refused).toHaveLength(7);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(UserError);
      expect((reason as Error).message).toMatch(/the limit is 3/);
    }
    expect(await storedInScope(instances[0]!)).toHaveLength(QUOTA);
  }, 60_000);

  it('four identical subscribes across three instances: one stored, three told it exists', async () => {
    const services = await Promise.all(instances.map(servicesOf));
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, n) =>
        addSubscription(services[n % 3]!, { feed: feedServer.url('same'), query: 'story', target: TARGET }),
      ),
    );
    const stored = await storedInScope(instances[0]!);
    expect(stored).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected'))
      expect(String(result.reason)).toMatch(new RegExp(`already subscribed here as \`${stored[0]!.id}\``));
  }, 60_000);

  it('three instances seeding one 30-entry file at once store 30 subscriptions', async () => {
    const entries: FileSubscription[] = Array.from({ length: 30 }, (_, n) => ({
      feed: `https://news.example/feed${n % 10}.xml`,
      keywords: `topic ${n}`,
      destination: { platform: 'telegram', id: '-100300' },
      fullText: false,
    }));
    const file = { subscriptions: entries, problems: [] };
    const loaded = await Promise.all(instances.map(registriesOf));
    await Promise.all(
      loaded.map(({ feeds, subscriptions }) => seedFromFile(file, feeds, subscriptions, captureLogger().logger)),
    );
    const stored = await allValues(instances[0]!.store.subscriptions);
    expect(stored).toHaveLength(30);
    expect(new Set(stored.map((s) => s.query)).size).toBe(30);
    // Every instance's registry knows all of them (the later ones read them before seeding).
    for (const { subscriptions } of loaded) expect(subscriptions.all()).toHaveLength(30);
  }, 60_000);
});
