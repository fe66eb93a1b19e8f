/**
 * Reading feeds off the main thread: a feed that needs too much memory or time fails with the reason, in its
 * worker, while the other feeds are checked; the event loop keeps turning during a big read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processFeed } from '../../src/pipeline/process-feed.js';
import { FeedReader, INLINE_BELOW_BYTES, readFeed } from '../../src/pipeline/read-feed.js';
import { MAX_MATCH_TEXT_CHARS } from '../../src/pipeline/read-feed.work.js';
import { HostLimiter } from '../../src/scheduler/host-limiter.js';
import { Poller } from '../../src/scheduler/poller.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { testPipeline } from '../support/pipeline.js';

/** An item description big enough that its feed is read in the worker. */
const BIG = `<p>${'Plain words about the weather. '.repeat(Math.ceil(INLINE_BELOW_BYTES / 30))}</p>`;

/** A body like the benchmark's 15 MiB feed: 30 items, each with about 512 KiB of escaped HTML. */
function hugeFeed(): Buffer {
  const paragraph = '&lt;p&gt;Lorem ipsum dolor sit amet, consectetur adipiscing elit, quetzal.&lt;/p&gt;';
  const description = paragraph.repeat(Math.floor((512 * 1024) / paragraph.length));
  const items = Array.from(
    { length: 30 },
    (_, i) =>
      `<item><guid>urn:huge:${i}</guid><title>Item ${i}</title><description>${description}</description></item>`,
  );
  return Buffer.from(`<rss version="2.0"><channel><title>Huge</title>${items.join('')}</channel></rss>`);
}

describe('reading feeds in the worker pool', () => {
  let server: FeedServer;
  let t: Awaited<ReturnType<typeof testPipeline>>;
  let reader: FeedReader | undefined;
  beforeEach(async () => {
    server = await startFeedServer();
    t = await testPipeline();
  });
  afterEach(async () => {
    await reader?.close();
    reader = undefined;
    await server.close();
    await t.env.cleanup();
  });

  async function subscribe(name: string, query: string) {
    const feed = await t.deps.feeds.ensure(server.url(name));
    await t.deps.subscriptions.add({
      feedId: feed.id,
      query,
      destination: { platform: 'telegram', id: '-100' },
      scope: '-100',
      source: 'command',
    });
    return feed;
  }

  /** Baselines both feeds, publishes a matching item in each, then checks both at once through one poller. */
  async function checkBothAtOnce(options: ConstructorParameters<typeof FeedReader>[0]) {
    server.setItems('hostile', [testItem(1, 'Old news', BIG)]);
    server.setItems('ordinary', [testItem(1, 'Old news')]);
    const hostile = await subscribe('hostile', 'bitcoin');
    const ordinary = await subscribe('ordinary', 'bitcoin');
    t.deps.reader = new FeedReader();
    expect(await processFeed(t.deps, hostile.id)).toBe('parsed');
    expect(await processFeed(t.deps, ordinary.id)).toBe('parsed');
    await t.deps.reader.close();

    reader = t.deps.reader = new FeedReader(options);
    server.publish('hostile', testItem(2, 'Bitcoin in the hostile feed', BIG));
    server.publish('ordinary', testItem(2, 'Bitcoin in the ordinary feed'));
    const finished: string[] = [];
    const poller = new Poller({
      feeds: t.deps.feeds,
      logger: t.log.logger,
      limiter: new HostLimiter({ globalConcurrency: 4, perHostConcurrency: 4, perHostGapMs: 0 }),
      check: async (feedId) => {
        const outcome = await processFeed(t.deps, feedId);
        finished.push(feedId === hostile.id ? `hostile:${outcome}` : `ordinary:${outcome}`);
      },
    });
    await Promise.all([poller.checkNow(hostile.id), poller.checkNow(ordinary.id)]);
    await poller.stop();
    const titles = [...t.deps.outbox.byDestination().values()].flat().map((entry) => entry.alert.item.title);
    return { hostile: t.deps.feeds.get(hostile.id)!, finished, titles };
  }

  it('marks a feed whose read exhausts the worker memory failing, while another feed is checked and alerted', async () => {
    const { hostile, finished, titles } = await checkBothAtOnce({
      misbehave: 'exhaust-memory',
      maxOldGenerationSizeMb: 32,
      timeoutMs: 60_000,
    });
    // The ordinary feed was checked (and alerted) while the hostile one was still being read.
    expect(finished).toEqual(['ordinary:parsed', 'hostile:error']);
    expect(titles).toEqual(['Bitcoin in the ordinary feed']);
    expect(hostile.failures).toBe(1);
    expect(hostile.lastError?.kind).toBe('parse:too-complex');
    expect(hostile.lastError?.message).toBe('feed too complex: reading it needed more than 32 MB');
    // It backs off as for other failures.
    expect(Date.parse(hostile.nextCheckAt)).toBeGreaterThan(Date.parse(hostile.lastCheckAt!));

    // The worker that ran out of memory was replaced: the next big read succeeds.
    delete reader!.options.misbehave;
    const read = await reader!.read(
      Buffer.from(`<rss><channel><title>After</title>${'<x/>'.repeat(INLINE_BELOW_BYTES)}</channel></rss>`),
      undefined,
    );
    expect(read.parsed.title).toBe('After');
    expect(reader!.started).toBe(true);
  });

  it('marks a feed whose read runs past its time budget failing, while another feed is checked and alerted', async () => {
    const { hostile, finished, titles } = await checkBothAtOnce({ misbehave: 'spin', timeoutMs: 500 });
    expect(finished).toEqual(['ordinary:parsed', 'hostile:error']);
    expect(titles).toEqual(['Bitcoin in the ordinary feed']);
    expect(hostile.lastError?.kind).toBe('parse:too-complex');
    expect(hostile.lastError?.message).toBe('feed too complex: reading it took more than 500 ms');
  });

  it('gives the reason in seconds for the default budget', async () => {
    reader = new FeedReader({ misbehave: 'spin', timeoutMs: 2000 });
    await expect(reader.read(Buffer.from(BIG), undefined)).rejects.toThrow(
      'feed too complex: reading it took more than 2 s',
    );
  });

  it('keeps the event loop turning while a 15 MiB feed is read', async () => {
    const body = hugeFeed();
    expect(body.byteLength).toBeGreaterThan(15 * 1024 * 1024);
    reader = new FeedReader();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    const read = await reader.read(body, undefined);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(read.items).toHaveLength(30);
    expect(read.texts[0]).toContain('quetzal');
    // Read on the main thread, the timer would not fire at all until the parse ends; a quarter of the expected
    // ticks leaves room for a loaded machine.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 10 / 4));
    expect(ticks).toBeGreaterThan(5);
  });

  it('moves a big body to the worker when asked, instead of copying it', async () => {
    reader = new FeedReader();
    const body = Buffer.concat([
      Buffer.from(`<rss><channel><title>Moved</title>${'<x/>'.repeat(INLINE_BELOW_BYTES)}`),
      Buffer.from('</channel></rss>'),
    ]);
    const read = await readFeed(body, undefined, { reader, transfer: true, html: false });
    expect(read.parsed.title).toBe('Moved');
    expect(body.byteLength).toBe(0);
  });

  it('gives matching at most MAX_MATCH_TEXT_CHARS of an item, from its start', async () => {
    reader = new FeedReader();
    const long = `bitcoin ${'word '.repeat(60_000)}`;
    const body = Buffer.from(
      `<rss><channel><title>Long</title><item><title>t</title><description>${long}</description></item></channel></rss>`,
    );
    const read = await readFeed(body, undefined, { reader });
    expect(read.texts[0]!.length).toBe(MAX_MATCH_TEXT_CHARS);
    expect(read.texts[0]!.startsWith('bitcoin word')).toBe(true);
  });

  it('reads small bodies inline, without starting a thread', async () => {
    reader = new FeedReader();
    const read = await readFeed(Buffer.from('<rss><channel><title>Small</title></channel></rss>'), undefined, {
      reader,
    });
    expect(read.parsed.title).toBe('Small');
    expect(reader.started).toBe(false);
  });
});
