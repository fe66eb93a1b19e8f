/**
 * The rest of a WebSub subscription's life, through the app: a hub named only in the HTTP Link header, the
 * callback's per-topic rate and body cap, and the unsubscription at the hub once the last subscription is removed.
 */
import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slash } from '../support/discord-user.js';
import { testItem } from '../support/feed-server.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startFakeHub, type FakeHub, type Verification } from '../fakes/websub-hub.js';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('WebSub subscription lifecycle', () => {
  let h: Harness;
  let hub: FakeHub;
  const feedName = 'linked';
  const feedUrl = () => h.feedServer.url(feedName);
  const feedId = () => h.feeds.findByUrl(feedUrl())?.id;
  const logged = (event: string) => h.logs.lines.filter((line) => line.event === event);
  const nextVerification = () => once(hub.events, 'verified').then(([v]) => v as Verification);
  let subscriptionId = '';
  let callback = '';

  beforeAll(async () => {
    hub = await startFakeHub();
    const port = await freePort();
    h = await startHarness({ env: { PUBLIC_URL: `http://127.0.0.1:${port}`, HTTP_PORT: String(port) } });
    h.feedServer.setItems(feedName, [testItem(1, 'An old story')]);
    h.feedServer.setHub(feedName, hub.url, 'header');
  });
  afterAll(async () => {
    await h.close();
    await hub.close();
  });

  it('a hub named only in the Link header is subscribed to, with the header’s self link as the topic', async () => {
    const answer = await slash(h.discord, 'subscribe', { feed: feedUrl(), keywords: 'story' });
    subscriptionId = /`([a-z0-9]{6})`/.exec(answer.content)![1]!;
    const verified = nextVerification();
    await h.check(feedUrl());
    expect((await verified).confirmed).toBe(true);
    expect(hub.requests).toEqual([expect.objectContaining({ mode: 'subscribe', topic: feedUrl() })]);
    callback = hub.requests[0]!.callback;
    expect(h.app.websub!.isLive(feedId()!)).toBe(true);
  });

  it('a body over the fetcher’s cap is refused, and is no alert', async () => {
    const huge = `<rss><channel>${'x'.repeat(16 * 1024 * 1024)}</channel></rss>`;
    const status = await hub.publish(feedUrl(), huge).catch(() => 'connection closed');
    expect(status).not.toBe(202);
    expect(logged('websub.body-refused')).toHaveLength(1);
  });

  it('a topic that sends more than its rate is answered 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push(await hub.publish(feedUrl(), h.feedServer.body(feedName)));
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses).toContain(429);
    expect(logged('websub.rate-limited').length).toBe(statuses.filter((s) => s === 429).length);
  });

  it('removing the last subscription unsubscribes at the hub, and the callback then refuses the topic', async () => {
    const id = feedId()!;
    expect((await slash(h.discord, 'unsubscribe', { id: subscriptionId })).content).toContain('✓ Removed');
    const verified = nextVerification();
    await h.app.websub!.tick();
    const verification = await verified;
    expect(verification).toMatchObject({ confirmed: true, request: { mode: 'unsubscribe', topic: feedUrl() } });
    expect(hub.subscriptions.size).toBe(0);
    expect(await h.app.store.websub.get(id)).toBeUndefined();
    const late = await fetch(callback, { method: 'POST', body: '<rss/>' });
    expect(late.status).toBe(404);
  });
});
