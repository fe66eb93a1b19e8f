/**
 * A site URL is followed to its feed; a failing feed shows in /feeds and /list; an Urdu feed previews with Urdu
 * keywords (a real BBC Urdu snapshot).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testItem } from '../support/feed-server.js';
import { slash } from '../support/discord-user.js';
import { ADMIN_USER, GROUP, GUILD_A, startHarness, type Harness } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';
import { BBC_URDU_FEED, corpusFile } from '../support/corpus.js';

describe('finding, reading and watching feeds', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('subscribes to the feed a site page advertises with <link rel="alternate">', async () => {
    h.feedServer.setItems('site-feed', [testItem(1, 'Bitcoin office opens')]);
    h.web.setSiteFeed(h.feedServer.url('site-feed'));
    const answer = await slash(h.discord, 'subscribe', { feed: h.web.url('/site.html'), keywords: 'bitcoin' });
    expect(answer.content).toContain('is a web page; Taza found its feed and uses that.');
    const [subscription] = h.subscriptions.byScope(GUILD_A);
    expect(h.feeds.get(subscription!.feedId)!.url).toBe(h.feedServer.url('site-feed'));
  });

  it('feeds and list show a feed that starts failing, with its error', async () => {
    h.feedServer.setItems('flaky', [testItem(5, 'Bitcoin')]);
    const url = h.web.addFile('flaky.xml', await (await fetch(h.feedServer.url('flaky'))).text());
    await tgCommand(h.telegram, `/subscribe ${url} bitcoin`, { chat: GROUP, from: ADMIN_USER });
    h.web.addFile('flaky.xml', '<html><body>Maintenance</body></html>');
    await h.check(url);
    const feeds = await tgCommand(h.telegram, '/feeds', { chat: GROUP, from: ADMIN_USER });
    expect(feeds.text).toContain('⚠ <b>Test feed flaky</b>');
    expect(feeds.text).toMatch(/last error \(just now, 1 in a row\): this URL is an HTML page, not a feed/);
    const list = await tgCommand(h.telegram, '/list', { chat: GROUP, from: ADMIN_USER });
    expect(list.text).toContain('▶ active · ⚠ feed failing (1×): this URL is an HTML page, not a feed');
  });

  it('previews a real BBC Urdu feed with an Urdu keyword: matches with summaries, and why others do not match', async () => {
    const url = h.web.addFile('bbc-urdu.xml', corpusFile(BBC_URDU_FEED));
    const answer = await tgCommand(h.telegram, `/preview ${url} وزیر دفاع`, { chat: GROUP, from: ADMIN_USER });
    expect(answer.text).toMatch(/^Preview of <b>BBC News +اردو/);
    expect(answer.text).toContain('<blockquote>پاکستان کے وزیر دفاع خرم دستگیر');
    expect(answer.text).toMatch(/\d+ of 26 current items match\./);
    expect(answer.text).toContain(
      '● <b>امریکہ کے ساتھ خفیہ معلومات کا تبادلہ اور فوجی تعاون معطل کر دیا: وزیر دفاع</b>',
    );
    expect(answer.text).toContain('Matched: <code>وزیر دفاع</code>');
    expect(answer.text).toContain('Some that do not match, and why:');
    expect(h.feeds.all().some((f) => f.url === url)).toBe(false);
  });
});
