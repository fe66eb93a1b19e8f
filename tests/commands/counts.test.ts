/** Replies count in correct English: one subscription, one feed, one item, one match. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plural } from '../../src/replies/format.js';
import { slash } from '../support/discord-user.js';
import { testItem } from '../support/feed-server.js';
import { startHarness, type Harness } from '../support/harness.js';

describe('plural()', () => {
  it('puts the noun in the number of the count', () => {
    expect(plural(0, 'subscription')).toBe('0 subscriptions');
    expect(plural(1, 'subscription')).toBe('1 subscription');
    expect(plural(2, 'subscription')).toBe('2 subscriptions');
    expect(plural(1, 'current item')).toBe('1 current item');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });
});

describe('replies with a count of one', () => {
  let h: Harness;
  let feedUrl: string;
  beforeAll(async () => {
    h = await startHarness({ quota: 1 });
    h.feedServer.setItems('one', [testItem(1, 'Rain expected in Lahore')]);
    feedUrl = h.feedServer.url('one');
  });
  afterAll(() => h.close());

  it('subscribe, list, feeds, export, the quota and preview', async () => {
    const subscribed = (await slash(h.discord, 'subscribe', { feed: feedUrl, keywords: 'bitcoin' })).content;
    expect(subscribed).toContain('The 1 item already in the feed will not be posted');
    expect(subscribed).toContain('The one current item does not match; Taza will post the next new one that does.');

    expect((await slash(h.discord, 'list')).content).toContain('1 subscription in this server (limit 1):');
    const feeds = (await slash(h.discord, 'feeds')).content;
    expect(feeds).toContain('1 feed used in this server:');
    expect(feeds).toContain('· 1 subscription\n');
    expect((await slash(h.discord, 'export')).content).toContain('✓ 1 subscription exported.');
    expect((await slash(h.discord, 'subscribe', { feed: feedUrl, keywords: 'lahore' })).content).toBe(
      '✗ this server already has 1 subscription; the limit is 1. Remove some with /unsubscribe first.',
    );
    expect((await slash(h.discord, 'preview', { feed: feedUrl, keywords: 'lahore' })).content).toContain(
      '1 of 1 current item matches.',
    );
  });
});
