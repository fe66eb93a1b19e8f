/**
 * The presentation options through the commands, on the real discord.js and grammY against the fakes: set by
 * subscribe and edit, checked when set, shown by list and preview, carried by export → import, applied to alerts;
 * backfill posts the newest matches at once; /subscribe inside a Telegram topic subscribes that topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slash } from '../support/discord-user.js';
import { testItem } from '../support/feed-server.js';
import {
  ADMIN_USER,
  CHANNEL_A,
  CHANNEL_A2,
  GROUP,
  GUILD_A,
  startHarness,
  TOPIC,
  type Harness,
} from '../support/harness.js';
import { tgAnswer, tgCommand } from '../support/telegram-user.js';

const ROLE = '300000000000000123';
/** Manage Server only: no Mention Everyone. */
const MANAGE_SERVER = String(1n << 5n);

describe('alert options through the commands', () => {
  let h: Harness;
  let feedUrl: string;
  beforeAll(async () => {
    h = await startHarness();
    // Newest first, an hour apart: item 3 is the newest match.
    const at = (hour: number) => new Date(Date.UTC(2026, 10, 30, hour));
    h.feedServer.setItems('opts', [
      { ...testItem(4, 'Weather today'), pubDate: at(4) },
      { ...testItem(3, 'Bitcoin falls again'), pubDate: at(3) },
      { ...testItem(2, 'Bitcoin office opens'), pubDate: at(2) },
      { ...testItem(1, 'Bitcoin climbs in Karachi'), pubDate: at(1) },
    ]);
    feedUrl = h.feedServer.url('opts');
  });
  afterAll(() => h.close());

  it('subscribe on Discord with a template, a role mention, silent and backfill:2 posts the two newest matches now', async () => {
    const answer = await slash(h.discord, 'subscribe', {
      feed: feedUrl,
      keywords: 'bitcoin',
      template: '{title} — {terms} — {link}',
      mention: `role:${ROLE}`,
      silent: true,
      backfill: '2',
    });
    expect(answer.content).toContain('Posting the 2 newest matching items now');
    expect(answer.content).toContain(
      'Alerts: template `{title} — {terms} — {link}` · mention `role:300000000000000123` · silent',
    );
    const [subscription] = h.subscriptions.byScope(GUILD_A);
    expect(subscription).toMatchObject({
      template: '{title} — {terms} — {link}',
      mention: `role:${ROLE}`,
      silent: true,
    });
    await h.drained();
    const posted = h.discord.messages(CHANNEL_A);
    expect(posted).toHaveLength(2);
    for (const message of posted) {
      expect(message.body).toMatchObject({
        content: `<@&${ROLE}>`,
        allowed_mentions: { parse: [], roles: [ROLE] },
        flags: 4096,
      });
    }
    const texts = posted.map((m) => (m.body.embeds as Array<{ description: string }>)[0]!.description);
    // The two newest matches, the older of them first.
    expect(texts).toEqual([
      'Bitcoin office opens — bitcoin — https://news.example/2',
      'Bitcoin falls again — bitcoin — https://news.example/3',
    ]);
  });

  it('list shows the options; edit changes and clears them', async () => {
    const [subscription] = h.subscriptions.byScope(GUILD_A);
    const list = await slash(h.discord, 'list');
    expect(list.content).toContain('alerts: template `{title} — {terms} — {link}`');
    const edited = await slash(h.discord, 'edit', {
      id: subscription!.id,
      template: 'none',
      images: false,
      silent: false,
    });
    expect(edited.content).toContain('alerts: mention `role:300000000000000123` · no images');
    expect(h.subscriptions.get(subscription!.id)).not.toHaveProperty('template');
    expect(h.subscriptions.get(subscription!.id)).toMatchObject({ images: false });
    expect(h.subscriptions.get(subscription!.id)).not.toHaveProperty('silent');
  });

  it('refuses an unknown placeholder when set, saying which and what exists', async () => {
    const [subscription] = h.subscriptions.byScope(GUILD_A);
    const answer = await slash(h.discord, 'edit', { id: subscription!.id, template: '{titel} {link}' });
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('{titel} is not a placeholder');
    expect(answer.content).toContain('{summary}');
  });

  it('mention:here needs Mention Everyone, checked when set', async () => {
    const [subscription] = h.subscriptions.byScope(GUILD_A);
    const refused = await slash(
      h.discord,
      'edit',
      { id: subscription!.id, mention: 'here' },
      { permissions: MANAGE_SERVER },
    );
    expect(refused.content).toContain('need the Mention Everyone permission');
    expect(h.subscriptions.get(subscription!.id)!.mention).toBe(`role:${ROLE}`);
    const allowed = await slash(h.discord, 'edit', { id: subscription!.id, mention: 'here' });
    expect(allowed.content).toContain('mention `here`');
  });

  it('mention is admin-only: a member cannot set it', async () => {
    const [subscription] = h.subscriptions.byScope(GUILD_A);
    const answer = await slash(h.discord, 'edit', { id: subscription!.id, mention: `user:${ROLE}` }, { admin: false });
    expect(answer.content).toContain('Manage Server');
    expect(h.subscriptions.get(subscription!.id)!.mention).toBe('here');
  });

  it('preview shows the template filled in with the newest match', async () => {
    const answer = await slash(h.discord, 'preview', { feed: feedUrl, keywords: 'bitcoin', template: '>> {title} <<' });
    expect(answer.content).toContain('With your template, the newest match would read:');
    // In reply markup, escaped so it shows as typed.
    expect(answer.content).toContain('> \\>\\> Bitcoin falls again \\<\\<');
  });

  it('an image on 127.0.0.1 is never fetched nor shown: the alert goes out without it', async () => {
    const picture = `${new URL(feedUrl).origin}/pictures/private.jpg`;
    h.feedServer.setItems('private-image', [testItem(1, 'Weather today')]);
    const privateFeed = h.feedServer.url('private-image');
    await slash(h.discord, 'subscribe', { feed: privateFeed, keywords: 'bitcoin', channel: { channel: CHANNEL_A2 } });
    h.feedServer.publish('private-image', testItem(5, 'Bitcoin picture story', `<img src="${picture}"> A story.`));
    // The same path with a public picture shows it: the private one is left out, not missed.
    h.feedServer.publish(
      'private-image',
      testItem(6, 'Bitcoin public picture', '<img src="https://cdn.news.example/p.jpg"> B.'),
    );
    await h.check(privateFeed);
    await h.drained();
    const [message] = h.discord.messages(CHANNEL_A2);
    expect((message!.body.embeds as Array<{ title: string; image?: unknown }>)[0]).toMatchObject({
      title: 'Bitcoin picture story',
    });
    expect((message!.body.embeds as Array<{ image?: unknown }>)[0]!.image).toBeUndefined();
    const publicOne = h.discord.messages(CHANNEL_A2)[1]!;
    expect((publicOne.body.embeds as Array<{ image?: unknown }>)[0]!.image).toEqual({
      url: 'https://cdn.news.example/p.jpg',
    });
    expect(h.feedServer.requests.some((r) => r.path.startsWith('/pictures/'))).toBe(false);
  });

  it('/subscribe inside a Telegram topic subscribes that topic, and alerts carry message_thread_id', async () => {
    const start = h.telegram.requests.length;
    h.telegram.pushUpdate({
      message: {
        message_id: 9001,
        message_thread_id: TOPIC,
        is_topic_message: true,
        date: Math.floor(Date.now() / 1000),
        chat: { id: GROUP, type: 'supergroup', title: 'News room', is_forum: true },
        from: { id: ADMIN_USER, is_bot: false, first_name: 'Admin', username: 'admin' },
        text: `/subscribe ${feedUrl} bitcoin images:no silent:yes backfill:1`,
      },
    });
    const answer = await tgAnswer(h.telegram, GROUP, 9001, start);
    expect(answer.text).toContain('this topic');
    const [subscription] = h.subscriptions.byScope(String(GROUP));
    expect(subscription!.destination).toEqual({ platform: 'telegram', id: String(GROUP), topicId: String(TOPIC) });
    await h.drained();
    const alerts = h.telegram.messages(GROUP).filter((m) => m.text?.startsWith('<b><a href="https://news.example/3">'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ message_thread_id: TOPIC, disable_notification: true });
  });

  it('Telegram refuses Discord-only options with a clear message', async () => {
    const answer = await tgCommand(h.telegram, `/subscribe ${feedUrl} weather mention:role:${ROLE}`, {
      chat: GROUP,
      from: ADMIN_USER,
    });
    expect(answer.text).toContain('is for Discord alerts only');
  });
});
