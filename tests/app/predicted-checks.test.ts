/**
 * Publication-time prediction through the app: a feed whose items come on the hour gets its next check just after
 * the next hour's item is due, sooner than its interval would have it; with POLL_STRATEGY=fixed it keeps the
 * interval.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { slash } from '../support/discord-user.js';
import { testItem } from '../support/feed-server.js';
import { startHarness, type Harness } from '../support/harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('checks placed after predicted publications', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function checkedTwice(strategy: 'adaptive' | 'fixed') {
    const start = Date.now();
    h = await startHarness({ env: { POLL_STRATEGY: strategy, POLL_INTERVAL: '10m' } });
    // Six items an hour apart, the newest 58 minutes ago: the next is due in 2 minutes.
    const newest = Math.floor((start - 58 * MIN) / 1000) * 1000; // RSS dates are to the second
    h.feedServer.setItems(
      'hourly',
      Array.from({ length: 6 }, (_, i) => ({
        ...testItem(i, `Hourly story ${i}`),
        pubDate: new Date(newest - i * HOUR),
      })),
    );
    const url = h.feedServer.url('hourly');
    expect((await slash(h.discord, 'subscribe', { feed: url, keywords: 'story' })).content).toContain('✓ Subscribed');
    // The second check is an ordinary one (the first spreads the feed at random over its interval).
    await h.check(url);
    await h.check(url);
    const feed = h.app.feeds.findByUrl(url)!;
    return { feed, newest, checkedAt: Date.parse(feed.lastCheckAt!) };
  }

  it('adaptive: the next check is 20 s after the next hour’s item is due', async () => {
    const { feed, newest } = await checkedTwice('adaptive');
    expect(feed.publishing?.grid).toEqual({ periodMs: HOUR, anchorAt: new Date(newest).toISOString(), spreadMs: 0 });
    expect(Date.parse(feed.nextCheckAt)).toBe(newest + HOUR + 20_000);
  });

  it('fixed: the interval, as before', async () => {
    const { feed, checkedAt } = await checkedTwice('fixed');
    const delay = Date.parse(feed.nextCheckAt) - checkedAt;
    expect(delay).toBeGreaterThanOrEqual(8 * MIN);
    expect(delay).toBeLessThanOrEqual(10 * MIN);
  });
});
