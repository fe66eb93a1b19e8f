/**
 * WebSub and digests with three apps built as `taza run` builds them, on one real Redis or Postgres, each with its
 * own coordinator and HTTP server, behind one PUBLIC_URL (a round-robin proxy, as a load balancer would be): the hub
 * sees one subscription per topic however many instances check the feed, a delivery is verified and alerted once by
 * whichever instance receives it, a push and a polled check of the feed never hold it at once, the lease is renewed
 * and ended by one instance, and a digest subscription gets one digest.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app/build.js';
import { hostKey } from '../../src/scheduler/host-limiter.js';
import { loadConfig } from '../../src/config/load.js';
import type { Coordinator, Lease } from '../../src/coordination/coordinator.js';
import { createFetcher, createNetworkPolicy } from '../../src/fetcher/index.js';
import type { Fetcher } from '../../src/fetcher/types.js';
import { startFakeHub, type FakeHub } from '../fakes/websub-hub.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { BACKENDS, DeliveryRecord, waitUntil } from '../support/instances.js';
import { captureLogger } from '../support/logger.js';
import type { TestServer } from '../support/servers/process.js';

const HOUR = 3_600_000;

/** One public address for every instance: each request goes to the next app (or to `next`, when a test sets it). */
interface Balancer {
  url: string;
  next: number | undefined;
  /** Which app answered each POST (a delivery), in order. */
  deliveries: number[];
  close(): Promise<void>;
}

async function startBalancer(ports: () => number[]): Promise<Balancer> {
  let turn = 0;
  const balancer: Omit<Balancer, 'url' | 'close'> = { next: undefined, deliveries: [] };
  const server: Server = createServer((req, res) => {
    const targets = ports();
    const index = balancer.next ?? turn++ % targets.length;
    balancer.next = undefined;
    if (req.method === 'POST') balancer.deliveries.push(index);
    const upstream = request(
      { host: '127.0.0.1', port: targets[index], path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(balancer, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** A hold of a lease by one instance: from when it was granted to when it was let go. */
interface Hold {
  instance: number;
  name: string;
  from: number;
  to?: number;
}

/** The app's coordinator, recording each lease it is granted and each one it asked for and did not get at once. */
function observed(
  inner: Coordinator,
  instance: number,
  holds: Hold[],
  asked: Array<{ instance: number; name: string }>,
) {
  const track = (name: string, lease: Lease | undefined): Lease | undefined => {
    if (!lease) return undefined;
    const hold: Hold = { instance, name, from: performance.now() };
    holds.push(hold);
    return {
      name: lease.name,
      renew: (ttlMs) => lease.renew(ttlMs),
      release: async (holdMs) => {
        hold.to = performance.now();
        await lease.release(holdMs);
      },
    };
  };
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'tryLease')
        return async (name: string, ttlMs: number) => {
          const lease = await target.tryLease(name, ttlMs);
          if (!lease) asked.push({ instance, name });
          return track(name, lease);
        };
      if (property === 'lease')
        return async (name: string, ttlMs: number, options?: Parameters<Coordinator['lease']>[2]) => {
          asked.push({ instance, name });
          return track(name, await target.lease(name, ttlMs, options))!;
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe.each(BACKENDS)('WebSub and digests with three apps on $name', (backend) => {
  let server: TestServer;
  let dir: string;
  let hub: FakeHub;
  let feedServer: FeedServer;
  let balancer: Balancer;
  const apps: App[] = [];
  const coordinators: Coordinator[] = [];
  const record = new DeliveryRecord();
  const holds: Hold[] = [];
  const asked: Array<{ instance: number; name: string }> = [];
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  /** A fetch of the feed by the app at this index waits for `gate.open` (a check caught in the middle). */
  const gate: { app?: number; reached?: () => void; open?: Promise<void> } = {};
  let n = 10;
  const logs = [0, 1, 2].map(() => captureLogger(process.env.WEBSUB_TEST_LOG ?? 'warn'));

  const feedName = 'pushed';
  const feedUrl = () => feedServer.url(feedName);
  const feedId = () => apps[0]!.feeds.findByUrl(feedUrl())!.id;
  /** What a check of the feed holds, on every instance (PER_HOST_CONCURRENCY 1: the slot of its host). */
  const feedHold = () => `host:${hostKey(feedUrl())}:0`;
  const subscribeRequests = () => hub.requests.filter((r) => r.mode === 'subscribe' && r.topic === feedUrl());
  const instantAlerts = () => record.sends.filter((ids) => ids.length === 1);
  /** Publishes an item at the feed and has the hub push the feed's new body (through the balancer). */
  const push = (title: string) => {
    feedServer.publish(feedName, testItem(n++, title));
    return hub.publish(feedUrl(), feedServer.body(feedName));
  };

  function fetcherFor(index: number): Fetcher {
    const real = createFetcher({ userAgent: 'taza-test', networkPolicy: createNetworkPolicy(['127.0.0.0/8']) });
    return async (req) => {
      if (gate.app === index && req.url === feedUrl() && gate.open) {
        gate.reached?.();
        await gate.open;
      }
      return real(req);
    };
  }

  beforeAll(async () => {
    server = await backend.start();
    dir = mkdtempSync(join(tmpdir(), 'taza-websub-apps-'));
    hub = await startFakeHub();
    feedServer = await startFeedServer();
    feedServer.setItems(feedName, [testItem(1, 'An old story about the budget')]);
    feedServer.setHub(feedName, hub.url);
    balancer = await startBalancer(() => apps.map((app) => app.http!.port));
    const file = join(dir, 'taza.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        subscriptions: [
          { feed: feedUrl(), keywords: 'budget', to: 'telegram:-1001' },
          { feed: feedUrl(), keywords: 'budget', to: 'telegram:-1002', delivery: 'digest', every: '1h' },
        ],
      }),
    );
    const build = async (index: number) => {
      const coordinator = await backend.coordinator(server.url);
      coordinators.push(coordinator);
      const config = loadConfig({
        DATA_DIR: dir,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        STORE_URL: server.url,
        TAZA_CONFIG: file,
        PUBLIC_URL: balancer.url,
        ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
        WEBSUB_LEASE: '1d',
      });
      const app = await buildApp(config, {
        logger: logs[index]!.logger,
        coordinator: observed(coordinator, index, holds, asked),
        fetcher: fetcherFor(index),
        platforms: [{ sink: record.sink() }],
        now,
      });
      apps[index] = app;
    };
    // The first builds alone: Postgres stores opened at once on a blank database race to create their tables.
    await build(0);
    await Promise.all([build(1), build(2)]);
    await Promise.all(apps.map((app) => app.start({ polling: false })));
  }, 90_000);

  afterAll(async () => {
    if (process.env.WEBSUB_TEST_LOG) for (const [i, log] of logs.entries()) console.log(i, log.text());
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all(coordinators.map((coordinator) => coordinator.close()));
    await balancer?.close();
    await hub?.close();
    await feedServer?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the hub sees one subscription for the feed, however many instances check it', async () => {
    // Each instance checks the feed (the first check finds the hub), all at once and then again.
    await Promise.all(apps.map((app) => app.scheduler.checkNow(feedId())));
    await waitUntil(() => hub.verifications.some((v) => v.confirmed), 10_000, 'the hub verified the subscription');
    await Promise.all(apps.map((app) => app.scheduler.checkNow(feedId())));
    expect(subscribeRequests()).toHaveLength(1);
    expect(hub.verifications.filter((v) => v.request.mode === 'subscribe')).toHaveLength(1);
    const stored = await apps[2]!.store.websub.get(feedId());
    expect(stored).toMatchObject({ state: 'subscribed', secret: subscribeRequests()[0]!.secret });
    expect(subscribeRequests()[0]!.callback).toBe(`${balancer.url}/websub/${encodeURIComponent(feedId())}`);
    // Every instance learns it is pushed (its safety-net poll interval), from the others' message.
    await waitUntil(() => apps.every((app) => app.websub!.isLive(feedId())), 5000, 'every instance knows the lease');
  }, 60_000);

  it('a delivery is verified and alerted once, whichever instance the balancer hands it to', async () => {
    const titles = ['Budget approved', 'Budget vetoed', 'Budget signed'];
    for (const title of titles) expect(await push(title)).toBe(202);
    await waitUntil(() => instantAlerts().length >= 3, 15_000, 'three alerts delivered');
    // One each to the instant subscription's chat; the other instances took none of them twice.
    expect(new Set(balancer.deliveries)).toEqual(new Set([0, 1, 2]));
    const toInstantChat = record.delivered.get('telegram:-1001') ?? [];
    expect(toInstantChat).toHaveLength(3);
    expect(new Set(toInstantChat).size).toBe(3);
  }, 60_000);

  it('a push received while another instance polls the feed waits for that poll: never both at once', async () => {
    const before = record.delivered.get('telegram:-1001')?.length ?? 0;
    let open!: () => void;
    gate.open = new Promise<void>((resolve) => (open = resolve));
    const reached = new Promise<void>((resolve) => (gate.reached = resolve));
    gate.app = 0;
    const polled = apps[0]!.scheduler.checkNow(feedId());
    await reached;
    // Instance 0 is inside its check (holding the feed: with one slot per host, the host's lease); instance 1
    // receives a push meanwhile.
    const waitingFrom = asked.length;
    balancer.next = 1;
    expect(await push('Budget delayed')).toBe(202);
    await waitUntil(
      () => asked.slice(waitingFrom).some((a) => a.instance === 1 && a.name === feedHold()),
      10_000,
      'instance 1 asks for the feed',
    );
    const openedAt = performance.now();
    gate.app = undefined;
    open();
    await polled;
    const feedHolds = () => holds.filter((hold) => hold.name === feedHold());
    // The pushed body is checked by instance 1 once it has the lease, after instance 0 let it go.
    await waitUntil(
      () => feedHolds().some((hold) => hold.instance === 1 && hold.from > openedAt && hold.to !== undefined),
      15_000,
      'instance 1 checked the pushed body holding the feed',
    );
    await waitUntil(() => (record.delivered.get('telegram:-1001')?.length ?? 0) > before, 15_000, 'the item alerted');
    // No two holds of the feed overlap, whichever instances held them.
    const sorted = [...feedHolds()].sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.from).toBeGreaterThanOrEqual(sorted[i - 1]!.to!);
    expect(record.delivered.get('telegram:-1001')).toHaveLength(before + 1);
  }, 60_000);

  it('the digest subscription gets one digest of what was held, not one per instance', async () => {
    // Every pushed item was held for the hourly digest by whichever instance checked it.
    expect(record.delivered.get('telegram:-1002')).toBeUndefined();
    offset += HOUR;
    const enqueued = await Promise.all(apps.map((app) => app.digests.releaseDue()));
    // At most one pass enqueued it (a background sweep may have been first).
    expect(enqueued.reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(1);
    await waitUntil(() => record.delivered.has('telegram:-1002'), 15_000, 'the digest delivered');
    const digests = record.sends.filter((ids) => ids.length > 1);
    expect(digests).toHaveLength(1);
    expect(digests[0]).toHaveLength(4);
    expect(await Promise.all(apps.map((app) => app.digests.releaseDue()))).toEqual([0, 0, 0]);
  }, 60_000);

  it('the lease is renewed by one instance, with the same secret', async () => {
    const { secret } = subscribeRequests()[0]!;
    offset += 22.5 * HOUR;
    await Promise.all(apps.map((app) => app.websub!.tick()));
    await waitUntil(() => hub.verifications.length >= 2, 10_000, 'the renewal verified');
    await Promise.all(apps.map((app) => app.websub!.tick()));
    expect(subscribeRequests()).toHaveLength(2);
    expect(subscribeRequests()[1]!.secret).toBe(secret);
    const stored = (await apps[0]!.store.websub.get(feedId()))!;
    expect(Date.parse(stored.leaseUntil!) - now().getTime()).toBeGreaterThan(23 * HOUR);
  }, 60_000);

  it('once no subscription uses the feed, one instance unsubscribes at the hub', async () => {
    for (const subscription of apps[0]!.subscriptions.all()) await apps[0]!.subscriptions.remove(subscription.id);
    await waitUntil(() => apps.every((app) => app.subscriptions.all().length === 0), 5000, 'the removals are seen');
    offset += 15 * 60_000;
    await Promise.all(apps.map((app) => app.websub!.tick()));
    await waitUntil(() => hub.verifications.some((v) => v.request.mode === 'unsubscribe'), 10_000, 'unsubscribed');
    await Promise.all(apps.map((app) => app.websub!.tick()));
    expect(hub.requests.filter((r) => r.mode === 'unsubscribe')).toHaveLength(1);
    await waitUntil(async () => (await apps[1]!.store.websub.get(feedId())) === undefined, 5000, 'record forgotten');
  }, 60_000);
});
