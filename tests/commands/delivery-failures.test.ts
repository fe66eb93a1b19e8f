/**
 * What the wired app does when a platform refuses or moves a destination: the delivery worker's hooks reach the
 * subscription rules (pauseDestination, moveDestination), and the admins see the result in /list.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testItem } from '../support/feed-server.js';
import { ADMIN_USER, GROUP, OTHER_GROUP, startHarness, type Harness } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

describe('delivery failures through the app', () => {
  let h: Harness;
  let n = 10;
  const subscribe = async (chat: number, feed: string, keywords: string) => {
    const answer = await tgCommand(h.telegram, `/subscribe ${h.feedServer.url(feed)} ${keywords}`, {
      chat,
      from: ADMIN_USER,
    });
    expect(answer.text).toContain('✓ Subscribed');
  };
  const publishAndDeliver = async (feed: string, title: string) => {
    h.feedServer.publish(feed, testItem(n++, title));
    await h.check(h.feedServer.url(feed));
    await h.drained();
  };

  beforeEach(async () => {
    h = await startHarness();
    h.feedServer.setItems('news', [testItem(1, 'An older bitcoin story')]);
  });
  afterEach(() => h.close());

  it('a chat that removed the bot: each of its subscriptions is paused once, with the reason, and no other', async () => {
    await subscribe(GROUP, 'news', 'bitcoin');
    await subscribe(GROUP, 'news', 'crypto council');
    await subscribe(OTHER_GROUP, 'news', 'bitcoin');
    const kicked = h.telegram.inject('sendMessage', { type: 'kicked' }, { chatId: GROUP });

    await publishAndDeliver('news', 'Bitcoin and the crypto council');

    // Two alerts were due in the group; the first refusal pauses both, so the second is never tried.
    expect(kicked.hits).toBe(1);
    const [first, second] = h.subscriptions.byScope(String(GROUP));
    expect(first!.paused).toEqual({
      reason: expect.stringContaining('bot was kicked from the group chat'),
      at: expect.any(String),
      by: 'delivery',
    });
    expect(second!.paused).toEqual(first!.paused);
    expect(h.subscriptions.byScope(String(OTHER_GROUP))[0]!.paused).toBeUndefined();
    expect(h.telegram.messages(OTHER_GROUP).some((m) => m.text?.includes('Bitcoin and the crypto council'))).toBe(true);

    // Nothing more is sent there while it is paused, and the admins can see why.
    await publishAndDeliver('news', 'More bitcoin news');
    expect(kicked.hits).toBe(1);
    kicked.remove();
    const list = await tgCommand(h.telegram, '/list', { chat: GROUP, from: ADMIN_USER });
    expect(list.text).toContain('Taza could not post there: Telegram refused chat');
  });

  it('a group that became a supergroup: its subscriptions, and their scope, move to the new chat', async () => {
    const SUPERGROUP = -1009990001;
    await subscribe(OTHER_GROUP, 'news', 'bitcoin');
    h.telegram.inject('sendMessage', { type: 'migrate', toChatId: SUPERGROUP }, { chatId: OTHER_GROUP, times: 1 });

    await publishAndDeliver('news', 'Bitcoin office opens');

    expect(h.subscriptions.byScope(String(OTHER_GROUP))).toEqual([]);
    const [moved] = h.subscriptions.byScope(String(SUPERGROUP));
    expect(moved).toMatchObject({ destination: { platform: 'telegram', id: String(SUPERGROUP) } });
    expect(moved!.paused).toBeUndefined();
    expect(h.telegram.messages(SUPERGROUP).map((m) => m.text?.includes('Bitcoin office opens'))).toEqual([true]);

    // The next alert goes straight to the new chat, and /list there shows the subscription.
    await publishAndDeliver('news', 'Bitcoin price rises');
    expect(h.telegram.messages(SUPERGROUP)).toHaveLength(2);
    const list = await tgCommand(h.telegram, '/list', { chat: SUPERGROUP, from: ADMIN_USER });
    expect(list.text).toContain(moved!.id);
  });
});
