/**
 * Where and how alerts appear on Telegram, through the real grammY against the fake Bot API: forum topics
 * (message_thread_id; closed and deleted topics fail as permanent with the reason), silent posts, photos with the
 * alert as a caption within 1024 characters, and edits of a text or a caption in place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import type { AlertStyle } from '../../src/core/records.js';
import { DeliveryError } from '../../src/outbox/sink.js';
import { createTelegramSink, type TelegramSink } from '../../src/platforms/telegram/sink.js';
import { renderTelegram } from '../../src/render/index.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { makeAlert } from '../support/alerts.js';
import { captureLogger } from '../support/logger.js';
import { rejection } from '../support/wait.js';

const FORUM = -1004000009;
const CHAT = -1004000002;
const PHOTO = 'https://cdn.news.example/pic.jpg';

function alertTo(chat: number, topicId?: string, style: AlertStyle = {}, extra: Partial<Alert['item']> = {}, n = 1) {
  const base = makeAlert({ n, to: { platform: 'telegram', id: String(chat), ...(topicId && { topicId }) } });
  return { ...base, item: { ...base.item, ...extra }, style } satisfies Alert;
}

describe('Telegram alert placement through the fake Bot API', () => {
  let fake: FakeTelegram;
  let sink: TelegramSink;
  let logs: ReturnType<typeof captureLogger>;

  beforeEach(async () => {
    fake = await startFakeTelegram({
      chats: [
        { id: FORUM, type: 'supergroup', title: 'Forum', topics: { '7': 'open', '8': 'closed' } },
        { id: CHAT, type: 'supergroup', title: 'News room' },
      ],
    });
    logs = captureLogger();
    sink = createTelegramSink({
      token: fake.token,
      apiRoot: fake.apiRoot,
      render: renderTelegram,
      logger: logs.logger,
      pacing: { perChatGapMs: 0 },
    });
    await sink.start();
  });

  afterEach(async () => {
    await sink.stop();
    await fake.close();
  });

  it('posts into a forum topic with message_thread_id', async () => {
    const sent = await sink.send(alertTo(FORUM, '7'));
    const [message] = fake.messages(FORUM);
    expect(message!.message_thread_id).toBe(7);
    expect(sent).toEqual({ channelId: String(FORUM), messageId: String(message!.message_id), kind: 'text' });
  });

  it('a closed topic fails as permanent with the reason', async () => {
    const error = (await rejection(sink.send(alertTo(FORUM, '8')))) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/topic 8 of chat -1004000009 is closed/);
  });

  it('a deleted topic fails as permanent with the reason', async () => {
    const error = (await rejection(sink.send(alertTo(FORUM, '9')))) as DeliveryError;
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/topic 9 of chat -1004000009 was deleted/);
    expect(fake.messages(FORUM)).toHaveLength(0);
  });

  it('silent: sends with disable_notification', async () => {
    await sink.send(alertTo(CHAT, undefined, { silent: true }));
    await sink.send(alertTo(CHAT, undefined, {}, {}, 2));
    const [silent, loud] = fake.messages(CHAT);
    expect(silent!.disable_notification).toBe(true);
    expect(loud!.disable_notification).toBeUndefined();
  });

  it('sends the item image as a photo with the alert as its caption, silent and in the topic too', async () => {
    const sent = await sink.send(alertTo(FORUM, '7', { silent: true }, { image: PHOTO }));
    const [message] = fake.messages(FORUM);
    expect(message).toMatchObject({ photo: PHOTO, message_thread_id: 7, disable_notification: true });
    expect(String(message!.caption)).toContain('href="https://news.example/1"');
    expect(sent?.kind).toBe('photo');
  });

  it('keeps a long alert within the 1024-character caption: the summary is shortened, the link kept', async () => {
    const long = Array.from({ length: 80 }, (_, i) => `Sentence number ${i} of a long story about bitcoin.`).join(' ');
    const alert = { ...alertTo(CHAT, undefined, {}, { image: PHOTO }), summary: { text: long, dir: 'ltr' as const } };
    await sink.send(alert);
    const [message] = fake.messages(CHAT);
    const caption = String(message!.caption);
    expect(caption).toContain('<a href="https://news.example/1">');
    expect(caption).toContain('Sentence number 0');
    expect(caption).not.toContain('Sentence number 79');
    expect(caption.replace(/<[^>]+>/g, '').length).toBeLessThanOrEqual(1024);
  });

  it('images: false sends text; an image on a private address is never handed to Telegram', async () => {
    await sink.send(alertTo(CHAT, undefined, { images: false }, { image: PHOTO }));
    await sink.send(alertTo(CHAT, undefined, {}, { image: 'http://127.0.0.1:9/pic.jpg' }, 2));
    expect(fake.requests.filter((r) => r.method === 'sendPhoto')).toHaveLength(0);
    expect(fake.messages(CHAT).map((m) => m.text !== undefined)).toEqual([true, true]);
  });

  it('edits a text alert with editMessageText and a photo alert with editMessageCaption, never a second post', async () => {
    const text = await sink.send(alertTo(CHAT));
    const photo = await sink.send(alertTo(CHAT, undefined, {}, { image: PHOTO }, 2));
    const at = new Date().toISOString();
    await sink.send({
      ...alertTo(CHAT, undefined, {}, { title: 'Story 1 updated' }),
      edit: { of: 'alert-1', message: { ...text!, at } },
    });
    await sink.send({
      ...alertTo(CHAT, undefined, {}, { title: 'Story 2 updated', image: PHOTO }, 2),
      edit: { of: 'alert-2', message: { ...photo!, at } },
    });
    const [first, second] = fake.messages(CHAT);
    expect(fake.messages(CHAT)).toHaveLength(2);
    expect(first!.text).toContain('Story 1 updated');
    expect(String(second!.caption)).toContain('Story 2 updated');
    expect([first!.edits, second!.edits]).toEqual([1, 1]);
    expect(fake.requests.map((r) => r.method)).toEqual(
      expect.arrayContaining(['editMessageText', 'editMessageCaption']),
    );
  });

  it('a template goes out as typed: feed text with tags and markdown is neither markup nor a ping', async () => {
    const title = '@everyone </b> **x** <a href="https://evil.test">y</a>';
    await sink.send(alertTo(CHAT, undefined, { template: '<b>{title}</b> {link}' }, { title }));
    const [message] = fake.messages(CHAT);
    // The fake parses the HTML as Telegram does: nothing but escaped text, so it shows exactly as typed.
    expect(message!.text).toBe(
      '&lt;b&gt;@everyone &lt;/b&gt; **x** &lt;a href=&quot;https://evil.test&quot;&gt;y&lt;/a&gt;&lt;/b&gt; https://news.example/1',
    );
  });

  it('an edit Telegram refuses (message gone) is dropped and logged, not posted', async () => {
    await sink.send({
      ...alertTo(CHAT),
      edit: {
        of: 'x',
        message: { channelId: String(CHAT), messageId: '999', kind: 'text', at: new Date().toISOString() },
      },
    });
    expect(fake.messages(CHAT)).toHaveLength(0);
    expect(logs.lines.some((line) => line.event === 'alert.edit-skipped')).toBe(true);
  });
});
