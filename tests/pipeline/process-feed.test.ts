import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processFeed } from '../../src/pipeline/process-feed.js';
import { FAILURES_BEFORE_NOTICE } from '../../src/pipeline/feed-health.js';
import { withPause } from '../../src/subscriptions/rules.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { testPipeline } from '../support/pipeline.js';

describe('the pipeline, one feed check at a time', () => {
  let server: FeedServer;
  let t: Awaited<ReturnType<typeof testPipeline>>;
  beforeEach(async () => {
    server = await startFeedServer();
    t = await testPipeline();
  });
  afterEach(async () => {
    await server.close();
    await t.env.cleanup();
  });

  async function subscribe(name: string, query: string, destination = { platform: 'telegram' as const, id: '-100' }) {
    const feed = await t.deps.feeds.ensure(server.url(name));
    return {
      feed,
      subscription: await t.deps.subscriptions.add({
        feedId: feed.id,
        query,
        destination,
        scope: destination.id,
        source: 'command',
      }),
    };
  }
  const pending = () => [...t.deps.outbox.byDestination().values()].flat();

  it('takes a silent baseline, then alerts only new matching items, once', async () => {
    server.setItems('a', [testItem(1, 'Bitcoin climbs'), testItem(2, 'Weather today')]);
    const { feed } = await subscribe('a', 'bitcoin');
    expect(await processFeed(t.deps, feed.id)).toBe('parsed');
    expect(t.deps.outbox.depth()).toBe(0);
    expect(t.deps.feeds.get(feed.id)?.baselineTaken).toBe(true);

    server.publish('a', testItem(3, 'Bitcoin office opens in El Salvador'));
    server.publish('a', testItem(4, 'Football results'));
    expect(await processFeed(t.deps, feed.id)).toBe('parsed');
    expect(pending().map((e) => e.alert.item.title)).toEqual(['Bitcoin office opens in El Salvador']);
    expect(pending()[0]!.alert.matchedTerms).toEqual(['bitcoin']);

    expect(await processFeed(t.deps, feed.id)).toBe('not-modified');
    expect(server.requests.at(-1)!.headers['if-none-match']).toBeDefined();
    expect(t.deps.outbox.depth()).toBe(1);
  });

  it('spreads the next checks of feeds first checked together over the interval, then keeps their rhythm', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    t.deps.now = () => now;
    const feeds = [];
    for (let i = 0; i < 40; i++) {
      server.setItems(`f${i}`, [testItem(1, 'Weather today')]);
      feeds.push((await subscribe(`f${i}`, 'bitcoin')).feed);
    }
    for (const feed of feeds) await processFeed(t.deps, feed.id);
    const offsets = feeds.map((feed) => Date.parse(t.deps.feeds.get(feed.id)!.nextCheckAt) - now.getTime());
    // Uniform over [1 s, 60 s]: all 40 above (or below) the middle would be a 1 in 2^39 draw.
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...offsets)).toBeLessThanOrEqual(60_000);
    expect(offsets.some((offset) => offset < 30_000)).toBe(true);
    expect(offsets.some((offset) => offset > 30_000)).toBe(true);
    // A check on time is followed by one a whole interval on (less at most 20% jitter).
    const [first] = feeds;
    const due = new Date(t.deps.feeds.get(first!.id)!.nextCheckAt);
    t.deps.now = () => due;
    expect(await processFeed(t.deps, first!.id)).toBe('not-modified');
    expect(Date.parse(t.deps.feeds.get(first!.id)!.nextCheckAt) - due.getTime()).toBeGreaterThanOrEqual(48_000);
  });

  it('does not alert a story again when its guid changes with the title but the link stays', async () => {
    const first = testItem(1, 'Bitcoin rises');
    server.setItems('a', [testItem(0, 'Old news')]);
    const { feed } = await subscribe('a', 'bitcoin');
    await processFeed(t.deps, feed.id);
    server.publish('a', first);
    await processFeed(t.deps, feed.id);
    expect(t.deps.outbox.depth()).toBe(1);
    server.setItems('a', [
      { ...first, guid: 'urn:test:1-retitled', title: 'Bitcoin rises sharply' },
      testItem(0, 'Old news'),
    ]);
    await processFeed(t.deps, feed.id);
    expect(t.deps.outbox.depth()).toBe(1);
  });

  it('follows a permanent redirect by updating the stored URL, and a temporary one without', async () => {
    server.setItems('new', [testItem(0, 'Old news')]);
    server.redirect('moved', server.url('new'), 301);
    server.redirect('visiting', server.url('new'), 302);
    const { feed: moved } = await subscribe('moved', 'bitcoin');
    const { feed: visiting } = await subscribe('visiting', 'bitcoin');
    expect(await processFeed(t.deps, moved.id)).toBe('parsed');
    expect(await processFeed(t.deps, visiting.id)).toBe('parsed');
    expect(t.deps.feeds.get(moved.id)!.url).toBe(server.url('new'));
    expect(t.deps.feeds.get(visiting.id)!.url).toBe(server.url('visiting'));
    expect((await t.deps.store.feeds.get(moved.id))!.url).toBe(server.url('new'));
  });

  it('never alerts again for an edit of an item already seen', async () => {
    const story = testItem(1, 'Bitcoin rises');
    server.setItems('a', [testItem(0, 'Old news')]);
    const { feed } = await subscribe('a', 'bitcoin');
    await processFeed(t.deps, feed.id);
    server.publish('a', story);
    await processFeed(t.deps, feed.id);
    server.setItems('a', [
      { ...story, title: 'Bitcoin rises (updated)', description: 'Now with more detail about bitcoin.' },
      testItem(0, 'Old news'),
    ]);
    expect(await processFeed(t.deps, feed.id)).toBe('parsed');
    expect(t.deps.outbox.depth()).toBe(1);
  });

  it('takes the baseline on the first successful fetch when the first fetch fails', async () => {
    const { feed } = await subscribe('later', 'bitcoin');
    expect(await processFeed(t.deps, feed.id)).toBe('error');
    expect(t.deps.feeds.get(feed.id)).toMatchObject({
      failures: 1,
      baselineTaken: false,
      lastError: { kind: 'http', status: 404 },
    });
    server.setItems('later', [testItem(1, 'Bitcoin one'), testItem(2, 'Bitcoin two')]);
    expect(await processFeed(t.deps, feed.id)).toBe('parsed');
    expect(t.deps.outbox.depth()).toBe(0);
    expect(t.deps.feeds.get(feed.id)).toMatchObject({ failures: 0, baselineTaken: true });
  });

  it('tells subscribers once when a feed keeps failing, and once when it recovers', async () => {
    server.setItems('flaky', [testItem(1, 'x')]);
    const { feed } = await subscribe('flaky', 'bitcoin');
    await processFeed(t.deps, feed.id);
    server.setItems('flaky', []);
    const url = server.url('flaky');
    const broken = server.url('missing');
    await t.deps.feeds.save({ ...t.deps.feeds.get(feed.id)!, url: broken });
    for (let i = 0; i < FAILURES_BEFORE_NOTICE + 2; i++) await processFeed(t.deps, feed.id);
    const notices = pending().filter((e) => e.alert.item.key === 'notice:failing');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.alert.item.title).toMatch(/Feed failing/);
    const failing = t.deps.feeds.get(feed.id)!;
    expect(failing.failures).toBe(FAILURES_BEFORE_NOTICE + 2);
    expect(Date.parse(failing.nextCheckAt)).toBeGreaterThan(Date.now() + 60_000);
    await t.deps.feeds.save({ ...failing, url });
    await processFeed(t.deps, feed.id);
    expect(pending().filter((e) => e.alert.item.key === 'notice:recovered')).toHaveLength(1);
    expect(t.deps.feeds.get(feed.id)!.failures).toBe(0);
  });

  it('posts the same story from two feeds once per destination', async () => {
    server.setItems('one', [testItem(0, 'old')]);
    server.setItems('two', [testItem(100, 'old too')]);
    const { feed: one } = await subscribe('one', 'bitcoin');
    const { feed: two } = await subscribe('two', 'bitcoin');
    await processFeed(t.deps, one.id);
    await processFeed(t.deps, two.id);
    const story = testItem(5, 'Bitcoin office opens');
    server.publish('one', { ...story, link: 'https://news.example/5?utm_source=rss#top' });
    server.publish('two', { ...story, guid: 'other-guid' });
    await processFeed(t.deps, one.id);
    await processFeed(t.deps, two.id);
    expect(pending()).toHaveLength(1);
  });

  it('skips paused subscriptions', async () => {
    server.setItems('a', [testItem(0, 'old')]);
    const { feed, subscription } = await subscribe('a', 'bitcoin');
    await processFeed(t.deps, feed.id);
    await t.deps.subscriptions.save(withPause(subscription, 'by admin', 'user', new Date()));
    server.publish('a', testItem(9, 'Bitcoin news'));
    await processFeed(t.deps, feed.id);
    expect(t.deps.outbox.depth()).toBe(0);
  });

  it('summarizes a snippet-only item from its article page when the feed asks for full text, and falls back on failure', async () => {
    server.setItems('a', [testItem(0, 'old')]);
    const { feed } = await subscribe('a', 'bitcoin');
    await processFeed(t.deps, feed.id);
    await t.deps.feeds.save({ ...t.deps.feeds.get(feed.id)!, fullText: true });
    const paragraphs = Array.from(
      { length: 6 },
      (_, i) =>
        `<p>Paragraph ${i} of the article explains how the new bitcoin office in San Salvador will work with regulators and banks in the region.</p>`,
    ).join('');
    const link = server.setPage(
      'story',
      `<html><head><title>Bitcoin office</title></head><body><nav>Home</nav><article><h1>Bitcoin office</h1>${paragraphs}</article></body></html>`,
    );
    server.publish('a', { ...testItem(1, 'Bitcoin office opens', 'Short snippet.'), link });
    server.publish('a', {
      ...testItem(2, 'Bitcoin page missing', 'Only the feed text.'),
      link: server.url('no-such-page').replace('.xml', ''),
    });
    await processFeed(t.deps, feed.id);
    const summaries = pending().map((e) => e.alert.summary.text);
    expect(summaries[0]).toMatch(/bitcoin office in San Salvador/);
    expect(summaries[1]).toBe('Only the feed text.');
  });

  it('logs every stage with the feed id', async () => {
    server.setItems('a', [testItem(0, 'old')]);
    const { feed } = await subscribe('a', '');
    await processFeed(t.deps, feed.id);
    const baseline = t.log.lines.find((l) => l.event === 'feed.baseline');
    expect(baseline).toMatchObject({ feedId: feed.id, feedUrl: server.url('a'), items: 1 });
  });
});
