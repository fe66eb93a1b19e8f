/**
 * With full text on, the article page's preview picture (og:image, twitter:image) becomes the alert's image when the
 * item has none of its own: from the page already fetched for the text, on the real discord.js and grammY against the
 * fakes. A picture on a private address or with another scheme than http(s) is left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slash } from '../support/discord-user.js';
import { testItem } from '../support/feed-server.js';
import { ADMIN_USER, CHANNEL_A, GROUP, startHarness, type Harness } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

type Embed = { title?: string; image?: { url: string } };
const page = (meta: string) =>
  `<!doctype html><html><head><title>Story</title>${meta}</head><body><p>A short page.</p></body></html>`;

describe('the article page picture when full text is on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  async function fullTextFeed(name: string): Promise<string> {
    h.feedServer.setItems(name, [testItem(1, 'Weather today')]);
    return h.feedServer.url(name);
  }
  async function turnOnFullText(url: string): Promise<void> {
    await h.feeds.save({ ...h.feeds.findByUrl(url)!, fullText: true });
  }

  it('Discord: og:image becomes the embed image; a private address, another scheme or an own image win over it', async () => {
    const url = await fullTextFeed('og-discord');
    await slash(h.discord, 'subscribe', { feed: url, keywords: 'bitcoin' });
    await turnOnFullText(url);
    const origin = new URL(url).origin;
    const pages = {
      public: h.feedServer.setPage(
        'og-public',
        page('<meta property="og:image" content="https://cdn.news.example/og.jpg">'),
      ),
      private: h.feedServer.setPage(
        'og-private',
        page(`<meta property="og:image" content="${origin}/pictures/og.jpg">`),
      ),
      scheme: h.feedServer.setPage(
        'og-scheme',
        page(
          '<meta name="twitter:image" content="javascript:alert(1)"><meta property="og:image" content="data:image/png;base64,AAAA">',
        ),
      ),
      own: h.feedServer.setPage(
        'og-own',
        page('<meta property="og:image" content="https://cdn.news.example/page.jpg">'),
      ),
    };
    h.feedServer.publish('og-discord', { ...testItem(2, 'Bitcoin public picture'), link: pages.public });
    h.feedServer.publish('og-discord', { ...testItem(3, 'Bitcoin private picture'), link: pages.private });
    h.feedServer.publish('og-discord', { ...testItem(4, 'Bitcoin odd scheme'), link: pages.scheme });
    h.feedServer.publish('og-discord', {
      ...testItem(5, 'Bitcoin own picture', '<img src="https://cdn.news.example/own.jpg"> Its own.'),
      link: pages.own,
    });
    await h.check(url);
    await h.drained();
    const embeds = new Map(
      h.discord.messages(CHANNEL_A).map((m) => {
        const embed = (m.body.embeds as Embed[])[0]!;
        return [embed.title, embed];
      }),
    );
    expect(embeds.get('Bitcoin public picture')!.image).toEqual({ url: 'https://cdn.news.example/og.jpg' });
    expect(embeds.get('Bitcoin private picture')!.image).toBeUndefined();
    expect(embeds.get('Bitcoin odd scheme')!.image).toBeUndefined();
    expect(embeds.get('Bitcoin own picture')!.image).toEqual({ url: 'https://cdn.news.example/own.jpg' });
    // The page read for the text is the one the picture came from: one fetch each, and the private picture never.
    expect(h.feedServer.requests.filter((r) => r.path === '/pages/og-public')).toHaveLength(1);
    expect(h.feedServer.requests.some((r) => r.path.startsWith('/pictures/'))).toBe(false);
  });

  it('Telegram: og:image is sent as the photo, the alert its caption', async () => {
    const url = await fullTextFeed('og-telegram');
    await tgCommand(h.telegram, `/subscribe ${url} bitcoin`, { chat: GROUP, from: ADMIN_USER });
    await turnOnFullText(url);
    const link = h.feedServer.setPage(
      'og-tg',
      page('<meta property="og:image" content="https://cdn.news.example/tg.jpg">'),
    );
    h.feedServer.publish('og-telegram', { ...testItem(2, 'Bitcoin on Telegram'), link });
    await h.check(url);
    await h.drained();
    const photos = h.telegram.messages(GROUP).filter((m) => m.photo !== undefined);
    expect(photos).toHaveLength(1);
    expect(photos[0]!.photo).toBe('https://cdn.news.example/tg.jpg');
    expect(photos[0]!.caption).toContain('Bitcoin on Telegram');
  });
});
