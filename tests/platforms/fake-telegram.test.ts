/** The fake Telegram's own semantics, which every Telegram test depends on. */
import { Bot, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';

describe('fake Telegram Bot API', () => {
  let fake: FakeTelegram;
  const call = async (method: string, params: Record<string, unknown> = {}) => {
    const res = await fetch(`${fake.apiRoot}/bot${fake.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        ok: boolean;
        result?: unknown;
        error_code?: number;
        description?: string;
        parameters?: unknown;
      },
    };
  };

  beforeEach(async () => {
    fake = await startFakeTelegram({
      chats: [
        { id: -100200, type: 'supergroup', title: 'Room', admins: [11] },
        { id: 11, type: 'private' },
      ],
    });
  });
  afterEach(async () => fake.close());

  it('answers errors in Bot API shape with the HTTP status equal to error_code', async () => {
    const unknownChat = await call('sendMessage', { chat_id: 5, text: 'x' });
    expect(unknownChat).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
    });
    const res = await fetch(`${fake.apiRoot}/botWRONG:TOKEN/getMe`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
  });

  it('confirms updates by offset: earlier ones are forgotten', async () => {
    fake.pushUpdate({ message: { text: 'one' } });
    fake.pushUpdate({ message: { text: 'two' } });
    const first = await call('getUpdates', { offset: 0 });
    expect((first.body.result as Array<{ update_id: number }>).map((u) => u.update_id)).toEqual([1, 2]);
    const second = await call('getUpdates', { offset: 2 });
    expect((second.body.result as Array<{ update_id: number }>).map((u) => u.update_id)).toEqual([2]);
    const third = await call('getUpdates', { offset: 0 });
    expect((third.body.result as Array<{ update_id: number }>).map((u) => u.update_id)).toEqual([2]);
  });

  it('holds a long poll until an update is pushed, and terminates an older poll with 409', async () => {
    const held = call('getUpdates', { offset: 1, timeout: 20 });
    await fake.waitFor((r) => r.method === 'getUpdates');
    const newer = call('getUpdates', { offset: 1, timeout: 20 });
    expect((await held).body).toMatchObject({ ok: false, error_code: 409 });
    expect(fake.pollOverlaps).toBe(1);
    await fake.waitFor((r) => r.method === 'getUpdates' && r.status === undefined);
    fake.pushUpdate({ message: { text: 'hello' } });
    expect((await newer).body).toEqual({ ok: true, result: [{ message: { text: 'hello' }, update_id: 1 }] });
  });

  it('does not count a poll whose client went away as an overlap', async () => {
    const abandoned = new AbortController();
    const held = fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offset: 1, timeout: 20 }),
      signal: abandoned.signal,
    }).catch(() => 'aborted');
    await fake.waitFor((r) => r.method === 'getUpdates');
    abandoned.abort();
    expect(await held).toBe('aborted');
    const confirm = await call('getUpdates', { offset: 1, limit: 1 });
    expect(confirm.body).toEqual({ ok: true, result: [] });
    expect(fake.pollOverlaps).toBe(0);
  });

  it('rejects HTML that Telegram would not parse', async () => {
    const bad = await call('sendMessage', { chat_id: 11, text: '<div>x</div>', parse_mode: 'HTML' });
    expect(bad.body.description).toMatch(/can't parse entities: Unsupported start tag "div"/);
    const unclosed = await call('sendMessage', { chat_id: 11, text: '<b>x', parse_mode: 'HTML' });
    expect(unclosed.body.description).toMatch(/Can't find end tag corresponding to start tag "b"/);
    const rawLt = await call('sendMessage', { chat_id: 11, text: '1 < 2', parse_mode: 'HTML' });
    expect(rawLt.status).toBe(400);
    const tooLong = await call('sendMessage', { chat_id: 11, text: `<b>${'x'.repeat(4097)}</b>`, parse_mode: 'HTML' });
    expect(tooLong.body.description).toBe('Bad Request: message is too long');
    const fine = await call('sendMessage', {
      chat_id: 11,
      text: `<b>${'x'.repeat(4080)}</b> &lt;3 &amp; <a href="https://e.org/?a=1&amp;b=2">l</a>`,
      parse_mode: 'HTML',
    });
    expect(fine.status).toBe(200);
    expect(fake.messages(11)).toHaveLength(1);
  });

  it('serves documents and files to grammY: sendDocument, getFile and the download route', async () => {
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    const sent = await bot.api.sendDocument(11, new InputFile(Buffer.from('<opml/>'), 'feeds.opml'));
    expect(sent.document?.file_name).toBe('feeds.opml');
    const uploaded = fake.addFile('mine.opml', '<opml version="2.0"/>');
    const file = await bot.api.getFile(uploaded.file_id);
    const download = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(await download.text()).toBe('<opml version="2.0"/>');
  });

  it('reports administrators from the chat configuration', async () => {
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    expect((await bot.api.getChatMember(-100200, 11)).status).toBe('administrator');
    expect((await bot.api.getChatMember(-100200, 12)).status).toBe('member');
    expect(await bot.api.getChat(-100200)).toMatchObject({ id: -100200, type: 'supergroup', title: 'Room' });
    expect(await bot.api.setMyCommands([{ command: 'list', description: 'List subscriptions' }])).toBe(true);
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'list', description: 'List subscriptions' }]);
  });

  it('counts fault hits and stops after `times`', async () => {
    const fault = fake.inject('getMe', { type: 'server-error' }, { times: 2 });
    expect((await call('getMe')).status).toBe(500);
    expect((await call('getMe')).status).toBe(500);
    expect((await call('getMe')).status).toBe(200);
    expect(fault.hits).toBe(2);
  });
});
