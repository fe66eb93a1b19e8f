/** Every command through the real grammY bot against the fake Bot API: admins, members, anonymous admins, channels. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testItem } from '../support/feed-server.js';
import {
  ADMIN_USER,
  CHANNEL,
  CHANNEL_NAME,
  GROUP,
  MEMBER_USER,
  PRIVATE_CHAT,
  startHarness,
  type Harness,
} from '../support/harness.js';
import { pushCommand, tgCommand } from '../support/telegram-user.js';

describe('commands on Telegram', () => {
  let h: Harness;
  let feedUrl: string;
  const admin = { chat: GROUP, from: ADMIN_USER };
  const member = { chat: GROUP, from: MEMBER_USER };
  beforeAll(async () => {
    h = await startHarness();
    h.feedServer.setItems('crypto', [
      testItem(1, 'Pakistan forms a Crypto Council'),
      testItem(2, 'Cricket scores from Lahore'),
    ]);
    feedUrl = h.feedServer.url('crypto');
  });
  afterAll(() => h.close());

  it('sets the command menus: read-only commands by default, all of them in private chats and for administrators', () => {
    const calls = h.telegram.requests.filter((r) => r.method === 'setMyCommands');
    const byScope = Object.fromEntries(
      calls.map((r) => [
        (r.params.scope as { type: string }).type,
        (r.params.commands as Array<{ command: string }>).map((c) => c.command),
      ]),
    );
    expect(byScope.default).toEqual(['feeds', 'help', 'list', 'preview']);
    expect(byScope.all_private_chats).toHaveLength(13);
    expect(byScope.all_chat_administrators).toEqual(byScope.all_private_chats);
  });

  it('subscribe by a group admin: a working message, then the result in its place', async () => {
    const answer = await tgCommand(h.telegram, `/subscribe ${feedUrl} crypto council, بٹ کوائن`, admin);
    expect(answer.deferred).toBe(true);
    expect(answer.requests.find((r) => r.method === 'sendMessage')!.params.text).toBe('⏳ Working on it…');
    const [subscription] = h.subscriptions.byScope(String(GROUP));
    expect(subscription).toMatchObject({
      query: 'crypto council, بٹ کوائن',
      destination: { platform: 'telegram', id: String(GROUP) },
    });
    expect(answer.text).toContain(`✓ Subscribed <code>${subscription!.id}</code>: <b>Test feed crypto</b>`);
    expect(answer.text).toContain('Pakistan forms a Crypto Council');
  });

  it('checks getChatMember and refuses every mutating command to a group member, changing nothing', async () => {
    const before = JSON.stringify(h.subscriptions.all());
    const id = h.subscriptions.byScope(String(GROUP))[0]!.id;
    for (const text of [
      `/subscribe ${feedUrl} cricket`,
      `/unsubscribe ${id}`,
      `/edit ${id} cricket`,
      `/pause ${id}`,
      `/resume ${id}`,
      '/export',
      '/import',
    ]) {
      const answer = await tgCommand(h.telegram, text, member);
      expect(answer.text, text).toMatch(
        /^✗ \/\w+ changes subscriptions, so it needs to be an administrator of this group\.$/,
      );
    }
    expect(
      h.telegram.requests.filter((r) => r.method === 'getChatMember' && Number(r.params.user_id) === MEMBER_USER)
        .length,
    ).toBeGreaterThanOrEqual(7);
    expect(JSON.stringify(h.subscriptions.all())).toBe(before);
  });

  it('accepts an anonymous admin writing as the group', async () => {
    const answer = await tgCommand(h.telegram, `/subscribe ${feedUrl} cricket`, { chat: GROUP, senderChat: GROUP });
    expect(answer.text).toContain('✓ Subscribed');
    expect(h.subscriptions.byScope(String(GROUP)).map((s) => s.query)).toContain('cricket');
  });

  it('lets members use list, preview, feeds and help; help shows the Telegram syntax with an Urdu example', async () => {
    const list = await tgCommand(h.telegram, '/list', member);
    expect(list.text).toContain('2 subscriptions in this chat');
    expect(list.text).toContain('<code>crypto council, بٹ کوائن</code>');
    const preview = await tgCommand(h.telegram, `/preview ${feedUrl} cricket`, member);
    expect(preview.text).toContain('1 of 2 current items matches');
    const feeds = await tgCommand(h.telegram, '/feeds', member);
    expect(feeds.text).toContain('1 feed used in this chat');
    const help = await tgCommand(h.telegram, '/help', member);
    expect(help.text).toContain('<code>/subscribe bbc-urdu بٹ کوائن, کرپٹو کونسل</code>');
    const detail = await tgCommand(h.telegram, '/help subscribe', member);
    expect(detail.text).toContain('<code>/subscribe [@channel] &lt;feed&gt; &lt;keywords&gt; [option:value …]</code>');
    expect(detail.text).toContain('<code>silent:…</code> (optional)');
    expect(detail.text).toContain('<code>every:…</code> (optional)');
    expect(detail.text).toContain(
      '<code>/subscribe &quot;news:crypto council lang:ur&quot; crypto council, bitcoin</code>',
    );
    expect(detail.text).toContain('Presets: <code>bbc-urdu</code> BBC Urdu, <code>voa-urdu</code> VOA Urdu');
    expect(help.text).toContain('<code>/import (as the caption of taza.opml, or replying to it)</code>');
  });

  it('answers /name@thisbot and ignores /name@otherbot', async () => {
    const ignored = pushCommand(h.telegram, '/list@some_other_bot', member);
    const mine = await tgCommand(h.telegram, `/list@${h.telegram.botUser.username}`, member);
    expect(mine.text).toContain('subscriptions in this chat');
    const repliesToIgnored = h.telegram.requests.filter(
      (r) => (r.params.reply_parameters as { message_id?: number } | undefined)?.message_id === ignored.messageId,
    );
    expect(repliesToIgnored).toEqual([]);
  });

  it('edit, pause, resume and unsubscribe by a group admin', async () => {
    const id = h.subscriptions.byScope(String(GROUP)).find((s) => s.query === 'cricket')!.id;
    expect((await tgCommand(h.telegram, `/edit ${id} cricket, "test match"`, admin)).text).toContain(
      `✓ <code>${id}</code> now looks for:`,
    );
    expect(h.subscriptions.get(id)!.query).toBe('cricket, "test match"');
    expect((await tgCommand(h.telegram, `/pause ${id}`, admin)).text).toContain('⏸ Paused');
    expect(h.subscriptions.get(id)!.paused).toBeDefined();
    expect((await tgCommand(h.telegram, `/resume ${id}`, admin)).text).toContain('▶ Resumed');
    expect(h.subscriptions.get(id)!.paused).toBeUndefined();
    expect((await tgCommand(h.telegram, `/unsubscribe ${id}`, admin)).text).toContain('✓ Removed');
    expect(h.subscriptions.get(id)).toBeUndefined();
  });

  it('in a private chat the user manages that chat', async () => {
    const answer = await tgCommand(h.telegram, `/subscribe ${feedUrl} bitcoin`, { chat: PRIVATE_CHAT });
    expect(answer.text).toContain('✓ Subscribed');
    expect(h.subscriptions.byScope(String(PRIVATE_CHAT))).toHaveLength(1);
    expect(
      h.telegram.requests.some(
        (r) => r.method === 'getChatMember' && String(r.params.chat_id) === String(PRIVATE_CHAT),
      ),
    ).toBe(false);
  });

  it('manages a channel from a private chat by naming it, when the user administers it and the bot can post', async () => {
    const answer = await tgCommand(h.telegram, `/subscribe @${CHANNEL_NAME} ${feedUrl} crypto council`, {
      chat: PRIVATE_CHAT,
    });
    expect(answer.text).toContain(`→ @${CHANNEL_NAME}`);
    expect(h.subscriptions.byScope(String(CHANNEL))[0]).toMatchObject({
      destination: { platform: 'telegram', id: String(CHANNEL) },
      query: 'crypto council',
    });
    const list = await tgCommand(h.telegram, `/list @${CHANNEL_NAME}`, { chat: PRIVATE_CHAT });
    expect(list.text).toContain(`1 subscription in @${CHANNEL_NAME}`);
    const refused = await tgCommand(h.telegram, `/subscribe @${CHANNEL_NAME} ${feedUrl} cricket`, {
      chat: MEMBER_USER,
    });
    expect(refused.text).toBe(
      `✗ You are not an administrator of @${CHANNEL_NAME}, so you cannot manage its subscriptions.`,
    );
    const noBot = await tgCommand(h.telegram, `/subscribe @nobothere ${feedUrl} cricket`, { chat: PRIVATE_CHAT });
    expect(noBot.text).toBe(
      '✗ Taza cannot post in @nobothere. Make the bot an administrator allowed to post messages there, then try again.',
    );
    const unknown = await tgCommand(h.telegram, `/list @nosuchchannel`, { chat: PRIVATE_CHAT });
    expect(unknown.text).toContain('✗ Taza cannot find @nosuchchannel');
    expect(h.subscriptions.byScope(String(CHANNEL))).toHaveLength(1);
  });

  it('answers, changing nothing, when Telegram cannot say who is an admin', async () => {
    const before = h.subscriptions.all().length;
    h.telegram.inject(
      'getChatMember',
      { type: 'error', status: 400, description: 'Bad Request: member list is inaccessible' },
      { times: 1 },
    );
    const answer = await tgCommand(h.telegram, `/subscribe ${feedUrl} ether`, admin);
    expect(answer.text).toBe(
      '✗ Taza could not check this command with Telegram just now; nothing was changed. Please try again.',
    );
    expect(h.subscriptions.all().length).toBe(before);
  });

  it('sends /export as an OPML document', async () => {
    const start = h.telegram.requests.length;
    const answer = await tgCommand(h.telegram, '/export', admin);
    expect(answer.text).toContain('✓ 1 subscription exported');
    const document = await h.telegram.waitFor(
      (r) => h.telegram.requests.indexOf(r) >= start && r.method === 'sendDocument' && r.status === 200,
    );
    expect(String(document.params.chat_id)).toBe(String(GROUP));
    const sent = h.telegram.messages(GROUP).find((m) => m.document)!;
    expect(sent.document!.file_name).toBe(`taza-telegram-${GROUP}.opml`);
  });
});
