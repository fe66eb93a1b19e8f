/**
 * Where and how alerts appear on Discord, through the real discord.js against the fake: forum posts with tags, a
 * thread per alert, a thread as the destination (archived: unarchived, or paused with the reason when the bot may
 * not), the mention option's allowed_mentions, silent posts, embed images and edits in place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import type { AlertStyle } from '../../src/core/records.js';
import { DeliveryError } from '../../src/outbox/sink.js';
import { createDiscordSink, type DiscordSink } from '../../src/platforms/discord/sink.js';
import { renderDiscord } from '../../src/render/index.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { makeAlert } from '../support/alerts.js';
import { captureLogger } from '../support/logger.js';
import { rejection } from '../support/wait.js';

const GUILD = '1300000000000000001';
const TEXT = '1300000000000000002';
const FORUM = '1300000000000000003';
const THREAD = '1300000000000000004';
const LOCKED = '1300000000000000005';
const ROLE = '1300000000000000099';
const URDU_TITLE = 'پاکستان میں Bitcoin کی قیمت';

function alertTo(channel: string, style: AlertStyle = {}, n = 1, item: Partial<Alert['item']> = {}): Alert {
  const base = makeAlert({ n, to: { platform: 'discord', id: channel } });
  return { ...base, item: { ...base.item, ...item }, style };
}

describe('Discord alert placement through the fake Discord', () => {
  let fake: FakeDiscord;
  let sink: DiscordSink;
  let logs: ReturnType<typeof captureLogger>;

  beforeEach(async () => {
    fake = await startFakeDiscord({
      guilds: [
        {
          id: GUILD,
          name: 'Newsroom',
          channels: [
            { id: TEXT, name: 'news' },
            {
              id: FORUM,
              name: 'news-forum',
              type: 15,
              available_tags: [
                { id: '1400000000000000001', name: 'Crypto' },
                { id: '1400000000000000002', name: 'Urdu' },
                { id: '1400000000000000003', name: 'Sports' },
              ],
            },
            { id: THREAD, name: 'ongoing', type: 11, parent_id: TEXT, thread_metadata: { archived: true } },
            {
              id: LOCKED,
              name: 'locked',
              type: 11,
              parent_id: TEXT,
              thread_metadata: { archived: true, locked: true },
            },
          ],
        },
      ],
    });
    logs = captureLogger();
    sink = createDiscordSink({ token: fake.token, apiBase: fake.apiBase, render: renderDiscord, logger: logs.logger });
    await sink.start();
  });

  afterEach(async () => {
    await sink.stop();
    await fake.close();
  });

  it('posts each alert to a forum channel as a new post named after the item, with its tags by name', async () => {
    const first = await sink.send(
      alertTo(FORUM, { forumTags: ['crypto', 'Urdu', 'Missing'] }, 1, { title: URDU_TITLE }),
    );
    await sink.send(alertTo(FORUM, {}, 2));
    const posts = fake.threads().filter((t) => t.parentId === FORUM);
    expect(posts).toHaveLength(2);
    expect(posts[0]).toMatchObject({ kind: 'forum-post', name: URDU_TITLE });
    expect(posts[0]!.appliedTags).toEqual(['1400000000000000001', '1400000000000000002']);
    expect(posts[1]).toMatchObject({ name: 'Story 2', appliedTags: [] });
    // The alert is the post's first message, and that is where an edit goes.
    const [message] = fake.messages(posts[0]!.id);
    expect((message!.body.embeds as Array<{ title: string }>)[0]!.title).toContain('Bitcoin');
    expect(first).toEqual({ channelId: posts[0]!.id, messageId: posts[0]!.id, kind: 'text' });
    expect(fake.messages(FORUM)).toHaveLength(0);
  });

  it('thread: new starts a thread from each alert message in a text channel', async () => {
    const sent = await sink.send(alertTo(TEXT, { thread: 'new' }));
    const [message] = fake.messages(TEXT);
    expect(sent).toMatchObject({ channelId: TEXT, messageId: message!.id });
    expect(fake.threads()).toEqual([
      expect.objectContaining({ kind: 'from-message', parentId: TEXT, messageId: message!.id, name: 'Story 1' }),
    ]);
    await sink.send(alertTo(TEXT, {}, 2));
    expect(fake.threads()).toHaveLength(1);
  });

  it('posts into a thread given as the destination, unarchiving it first', async () => {
    await sink.send(alertTo(THREAD));
    expect(fake.messages(THREAD)).toHaveLength(1);
    expect(fake.channel(THREAD)?.thread_metadata?.archived).toBe(false);
    expect(fake.requests.some((r) => r.method === 'PATCH' && r.path === `/channels/${THREAD}`)).toBe(true);
  });

  it('fails as permanent, with the reason, when an archived thread may not be unarchived', async () => {
    const error = await rejection(sink.send(alertTo(LOCKED)));
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).kind).toBe('permanent');
    expect((error as DeliveryError).message).toMatch(/thread 1300000000000000005 is archived.*Manage Threads/);
    expect(fake.messages(LOCKED)).toHaveLength(0);
  });

  it('mention role: pings that role alone; allowed_mentions lists only it, and feed text pings nobody', async () => {
    await sink.send(alertTo(TEXT, { mention: `role:${ROLE}` }, 1, { title: '@everyone <@&1300000000000000123> look' }));
    const [message] = fake.messages(TEXT);
    expect(message!.body.content).toBe(`<@&${ROLE}>`);
    expect(message!.body.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    const title = (message!.body.embeds as Array<{ title: string }>)[0]!.title;
    expect(title).not.toContain('@everyone');
    expect(title).not.toContain('<@&1300000000000000123>');
  });

  it('mention user: and here: only that user, or @here with parse everyone', async () => {
    await sink.send(alertTo(TEXT, { mention: 'user:1300000000000000077' }));
    await sink.send(alertTo(TEXT, { mention: 'here' }, 2));
    const [user, here] = fake.messages(TEXT);
    expect(user!.body).toMatchObject({
      content: '<@1300000000000000077>',
      allowed_mentions: { parse: [], users: ['1300000000000000077'] },
    });
    expect(here!.body).toMatchObject({ content: '@here', allowed_mentions: { parse: ['everyone'] } });
  });

  it('silent: posts with the suppress-notifications flag (4096)', async () => {
    await sink.send(alertTo(TEXT, { silent: true }));
    await sink.send(alertTo(TEXT, {}, 2));
    const [silent, loud] = fake.messages(TEXT);
    expect(silent!.body.flags).toBe(4096);
    expect(loud!.body.flags).toBeUndefined();
  });

  it("shows the item's image as the embed image; images: false and private addresses show none", async () => {
    await sink.send(alertTo(TEXT, {}, 1, { image: 'https://cdn.news.example/pic.jpg' }));
    await sink.send(alertTo(TEXT, { images: false }, 2, { image: 'https://cdn.news.example/pic.jpg' }));
    await sink.send(alertTo(TEXT, {}, 3, { image: 'http://127.0.0.1:8080/pic.jpg' }));
    const embeds = fake.messages(TEXT).map((m) => (m.body.embeds as Array<{ image?: { url: string } }>)[0]!);
    expect(embeds.map((e) => e.image?.url)).toEqual(['https://cdn.news.example/pic.jpg', undefined, undefined]);
  });

  it('edits a posted alert in place (PATCH), never posting a second message', async () => {
    const original = alertTo(TEXT, { mention: `role:${ROLE}` });
    const sent = await sink.send(original);
    expect(sent).toBeDefined();
    const changed = alertTo(TEXT, { mention: `role:${ROLE}` }, 1, { title: 'Story 1, updated' });
    await sink.send({
      ...changed,
      id: `${original.id}~edit1`,
      edit: { of: original.id, message: { ...sent!, at: new Date().toISOString() } },
    });
    expect(fake.messages(TEXT)).toHaveLength(1);
    expect(fake.edits()).toHaveLength(1);
    const [edit] = fake.edits();
    expect(edit!.messageId).toBe(sent!.messageId);
    expect((edit!.body.embeds as Array<{ title: string }>)[0]!.title).toBe('Story 1, updated');
    expect(edit!.body.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
  });

  it('an edit of a message that is gone is dropped, not posted again', async () => {
    const alert = alertTo(TEXT, {}, 1, { title: 'Changed' });
    await sink.send({
      ...alert,
      edit: {
        of: 'gone',
        message: { channelId: TEXT, messageId: '1300000000000009999', kind: 'text', at: new Date().toISOString() },
      },
    });
    expect(fake.messages(TEXT)).toHaveLength(0);
    expect(logs.lines.some((line) => line.event === 'alert.edit-skipped')).toBe(true);
  });

  it('renames a forum post when an edit changes the title', async () => {
    const sent = await sink.send(alertTo(FORUM));
    await sink.send({
      ...alertTo(FORUM, {}, 1, { title: 'Story 1 (corrected)' }),
      edit: { of: 'alert-1', message: { ...sent!, at: new Date().toISOString() } },
    });
    expect(fake.threads()[0]!.name).toBe('Story 1 (corrected)');
    expect(fake.messages(sent!.channelId)).toHaveLength(1);
  });
});
