/**
 * WebSub push end to end: a feed that names a hub is subscribed at the (fake) hub when a subscription is made,
 * the hub's verification is answered, a signed delivery becomes an alert on the (fake) Discord without a poll,
 * unsigned and wrongly signed ones are dropped and logged, the lease is renewed and, unrenewed, expires back to
 * normal polling, and removing the last subscription unsubscribes at the hub.
 */
import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slash } from '../support/discord-user.js';
import { testItem } from '../support/feed-server.js';
import { CHANNEL_A, startHarness, type Harness } from '../support/harness.js';
import { startFakeHub, type FakeHub, type Verification } from '../fakes/websub-hub.js';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('WebSub push', () => {
  let h: Harness;
  let hub: FakeHub;
  let offset = 0;
  const HOUR = 3_600_000;
  const now = () => new Date(Date.now() + offset);
  const feedName = 'pushed';
  const feedUrl = () => h.feedServer.url(feedName);
  const feedId = () => h.feeds.findByUrl(feedUrl())!.id;
  const alerts = () => h.discord.messages(CHANNEL_A).map((m) => JSON.stringify(m.body.embeds));
  const logged = (event: string) => h.logs.lines.filter((line) => line.event === event);
  let n = 10;
  const nextVerification = () => once(hub.events, 'verified').then(([v]) => v as Verification);
  /** Publishes an item at the feed and has the hub push the feed's new body. */
  const push = (title: string, signing?: Parameters<FakeHub['publish']>[2]) => {
    h.feedServer.publish(feedName, testItem(n++, title));
    return hub.publish(feedUrl(), h.feedServer.body(feedName), signing);
  };
  const alertArrives = (title: string) =>
    h.discord.waitFor(
      (r) =>
        r.method === 'POST' && r.path === `/channels/${CHANNEL_A}/messages` && JSON.stringify(r.body).includes(title),
    );

  beforeAll(async () => {
    hub = await startFakeHub();
    const port = await freePort();
    h = await startHarness({
      env: { PUBLIC_URL: `http://127.0.0.1:${port}/`, HTTP_PORT: String(port), WEBSUB_LEASE: '1d' },
      now,
    });
    h.feedServer.setItems(feedName, [testItem(1, 'An old story about the budget')]);
    h.feedServer.setHub(feedName, hub.url);
  });
  afterAll(async () => {
    await h.close();
    await hub.close();
  });

  it('the first check of a subscribed feed that names a hub subscribes at the hub with a random secret, and answers its verification', async () => {
    const answer = await slash(h.discord, 'subscribe', { feed: feedUrl(), keywords: 'budget' });
    expect(answer.content).toContain('✓ Subscribed');
    const verified = nextVerification();
    await h.check(feedUrl());
    const verification = await verified;
    expect(verification.confirmed).toBe(true);
    const request = hub.requests[0]!;
    expect(request).toMatchObject({ mode: 'subscribe', topic: feedUrl(), leaseSeconds: 86_400 });
    expect(request.callback).toBe(`${h.app.config.PUBLIC_URL}/websub/${feedId()}`);
    expect(request.secret).toMatch(/^[0-9a-f]{64}$/);
    const stored = await h.app.store.websub.get(feedId());
    expect(stored).toMatchObject({ state: 'subscribed', secret: request.secret, topic: feedUrl(), hub: hub.url });
    expect(h.app.websub!.isLive(feedId())).toBe(true);
  });

  it('a live lease puts the feed on the long safety-net poll', async () => {
    await h.check(feedUrl());
    const next = Date.parse(h.feeds.get(feedId())!.nextCheckAt) - now().getTime();
    expect(next).toBeGreaterThan(0.75 * HOUR);
    expect(next).toBeLessThanOrEqual(HOUR + 1000);
  });

  it('a signed delivery becomes an alert without a poll', async () => {
    const polls = h.feedServer.requests.length;
    const arrived = alertArrives('Budget approved by the assembly');
    expect(await push('Budget approved by the assembly')).toBe(202);
    await arrived;
    expect(h.feedServer.requests.length).toBe(polls);
    expect(alerts().join()).not.toContain('An old story about the budget');
  });

  it.each(['sha1', 'sha384', 'sha512'] as const)('%s signatures are accepted too', async (signing) => {
    const title = `Budget news signed with ${signing}`;
    const arrived = alertArrives(title);
    expect(await push(title, { signing })).toBe(202);
    await arrived;
  });

  it('unsigned and wrongly signed deliveries are dropped and logged', async () => {
    const before = alerts().length;
    // Bodies with an item the publisher never published: only a hub holding the secret could make them count.
    const forged = (title: string) =>
      h.feedServer
        .body(feedName)
        .replace('<item>', `<item><guid>urn:forged:${title}</guid><title>${title}</title></item><item>`);
    expect(await hub.publish(feedUrl(), forged('Budget leak, unsigned'), { signing: 'none' })).toBe(202);
    expect(await hub.publish(feedUrl(), forged('Budget leak, forged'), { signing: 'wrong' })).toBe(202);
    expect(logged('websub.unsigned')).toHaveLength(1);
    expect(logged('websub.bad-signature')).toHaveLength(1);
    // A good delivery after them is the next alert: the two dropped ones never became alerts.
    const arrived = alertArrives('Budget vote on Friday');
    await push('Budget vote on Friday');
    await arrived;
    const added = alerts().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toContain('Budget vote on Friday');
  });

  it('the callback echoes no challenge for a topic Taza did not ask for, and refuses deliveries for unknown feeds', async () => {
    const callback = `${h.app.config.PUBLIC_URL}/websub/${feedId()}`;
    const other = await hub.verifyUnasked(callback, 'https://elsewhere.example/feed.xml');
    expect(other.status).toBe(404);
    expect(other.body).not.toContain('unasked-challenge');
    const unsubscribe = await hub.verifyUnasked(callback, feedUrl(), 'unsubscribe');
    expect(unsubscribe.status).toBe(404);
    const unknown = await fetch(`${h.app.config.PUBLIC_URL}/websub/nosuchfeed`, { method: 'POST', body: '<rss/>' });
    expect(unknown.status).toBe(404);
    expect(h.app.websub!.isLive(feedId())).toBe(true);
  });

  it('the lease is renewed before it ends, with the same secret', async () => {
    const secret = (await h.app.store.websub.get(feedId()))!.secret;
    const requests = hub.requests.length;
    offset += 23.5 * HOUR;
    const verified = nextVerification();
    await h.app.websub!.tick();
    expect(hub.requests.slice(requests)).toEqual([expect.objectContaining({ mode: 'subscribe', secret })]);
    expect((await verified).confirmed).toBe(true);
    const stored = (await h.app.store.websub.get(feedId()))!;
    expect(Date.parse(stored.leaseUntil!) - now().getTime()).toBeGreaterThan(23 * HOUR);
  });

  it('a lease that ends unrenewed puts the feed back on the normal poll interval', async () => {
    hub.grantLeaseSeconds = 60;
    const verified = nextVerification();
    offset += 23.5 * HOUR;
    await h.app.websub!.tick();
    await verified;
    // The hub now granted only a minute; the renewal it would need is refused.
    await hub.close();
    offset += 2 * 60_000;
    await h.app.websub!.tick();
    expect(h.app.websub!.isLive(feedId())).toBe(false);
    expect(logged('websub.lease-expired')).toHaveLength(1);
    const next = Date.parse(h.feeds.get(feedId())!.nextCheckAt) - now().getTime();
    expect(next).toBeLessThanOrEqual(h.app.config.POLL_INTERVAL);
    const status = await fetch(`${h.app.config.PUBLIC_URL}/websub/${feedId()}`, { method: 'POST', body: '<rss/>' });
    expect(status.status).toBe(404);
  });
});
