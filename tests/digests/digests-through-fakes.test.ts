/**
 * Digests and quiet hours from command to chat, through the real grammY code and the fake Telegram, on an injected
 * clock in Asia/Karachi: subscribe with a digest, matching items are held (also across a restart of the app on the
 * same store) and posted as one message at the boundary, nothing at a boundary with nothing held; quiet hours hold
 * alerts and release one digest when they end; silent quiet hours post at once with the silent flag set, as does a
 * digest of a subscription with the silent option, whose backfill posts at once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { allValues } from '../../src/store/open.js';
import { testItem } from '../support/feed-server.js';
import { ADMIN_USER, GROUP, startHarness, type Harness } from '../support/harness.js';
import { slash } from '../support/discord-user.js';
import { tgCommand } from '../support/telegram-user.js';

describe('digests and quiet hours through the fake Telegram', () => {
  let h: Harness;
  let clock = Date.parse('2026-05-01T10:20:00Z'); // 15:20 in Karachi
  let n = 100;
  /** Taza's answer as the user reads it (Telegram HTML without tags and entities). */
  const run = async (text: string) =>
    (await tgCommand(h.telegram, text, { chat: GROUP, from: ADMIN_USER })).text
      .replace(/<[^>]*>/g, '')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  /** What Taza posted to the group on its own (alerts and digests, not answers to commands). */
  const posted = () =>
    h.telegram.requests
      .filter(
        (r) =>
          r.method === 'sendMessage' &&
          String(r.params.chat_id) === String(GROUP) &&
          r.params.reply_parameters === undefined &&
          !String(r.params.text).startsWith('⏳'),
      )
      .map((r) => String(r.params.text));
  const lastPost = () => h.telegram.requests.filter((r) => r.method === 'sendMessage').at(-1)!;
  const publish = (feed: string, title: string) =>
    h.feedServer.publish(feed, { ...testItem(n++, title), pubDate: new Date(clock - 60_000) });
  const heldCount = async () => (await allValues(h.app.store.digests)).filter((r) => r.kind === 'held').length;

  beforeAll(async () => {
    h = await startHarness({ now: () => new Date(clock) });
    h.feedServer.setItems('digest-feed', [testItem(1, 'An older bitcoin story')]);
    h.feedServer.setItems('quiet-feed', [testItem(2, 'An older council story')]);
  });
  afterAll(() => h.close());

  it('an hourly digest: held, kept across a restart, one message with the titles at the boundary, none when none', async () => {
    const reply = await run(`/subscribe ${h.feedServer.url('digest-feed')} bitcoin every:1h timezone:asia/karachi`);
    expect(reply).toContain('Delivery: digest every 1h · Asia/Karachi');
    expect(await run('/list')).toContain('delivery: digest every 1h · Asia/Karachi');

    publish('digest-feed', 'Bitcoin rises in Karachi trading');
    publish('digest-feed', 'Rain expected in Lahore');
    publish('digest-feed', 'Council studies bitcoin rules');
    await h.check(h.feedServer.url('digest-feed'));
    expect(await heldCount()).toBe(2);
    expect(posted()).toEqual([]);

    await h.restart();
    expect(await heldCount()).toBe(2);
    clock = Date.parse('2026-05-01T10:59:00Z');
    expect(await h.app.digests.releaseDue()).toBe(0);
    expect(posted()).toEqual([]);

    clock = Date.parse('2026-05-01T11:00:00Z'); // 16:00 in Karachi
    expect(await h.app.digests.releaseDue()).toBe(1);
    await h.drained();
    expect(posted()).toHaveLength(1);
    const digest = posted()[0]!;
    expect(digest).toContain('Digest: 2 new alerts');
    expect(digest).toContain('Bitcoin rises in Karachi trading');
    expect(digest).toContain('Council studies bitcoin rules');
    expect(digest).not.toContain('Rain expected in Lahore');
    expect(await heldCount()).toBe(0);

    clock = Date.parse('2026-05-01T12:00:00Z');
    await h.check(h.feedServer.url('digest-feed'));
    expect(await h.app.digests.releaseDue()).toBe(0);
    expect(posted()).toHaveLength(1);
  });

  it('quiet hours 22:00-07:00 in Karachi hold alerts and release one digest when they end', async () => {
    clock = Date.parse('2026-05-01T16:00:00Z'); // 21:00 in Karachi
    const reply = await run(
      `/subscribe ${h.feedServer.url('quiet-feed')} council quiet:22:00-07:00 timezone:Asia/Karachi`,
    );
    expect(reply).toContain('Delivery: instant · quiet 22:00-07:00 (held until it ends) · Asia/Karachi');
    const before = posted().length;

    clock = Date.parse('2026-05-01T18:00:00Z'); // 23:00
    publish('quiet-feed', 'Council meets at night');
    await h.check(h.feedServer.url('quiet-feed'));
    clock = Date.parse('2026-05-01T21:00:00Z'); // 02:00
    publish('quiet-feed', 'Council adjourns');
    await h.check(h.feedServer.url('quiet-feed'));
    await h.drained();
    expect(posted()).toHaveLength(before);

    clock = Date.parse('2026-05-02T02:00:00Z'); // 07:00
    expect(await h.app.digests.releaseDue()).toBe(1);
    await h.drained();
    const released = posted().slice(before);
    expect(released).toHaveLength(1);
    expect(released[0]).toContain('Held during quiet hours: 2 new alerts');
    expect(released[0]).toContain('Council meets at night');
    expect(released[0]).toContain('Council adjourns');
  });

  it('silent quiet hours: the alert goes out at once, marked silent for the sink', async () => {
    const id = h.subscriptions.all().find((s) => s.query === 'council')!.id;
    expect(await run(`/edit ${id} quietmode:silent`)).toContain('quiet 22:00-07:00 (sent silently)');
    const sent: Alert[] = [];
    const send = h.telegramSink.send.bind(h.telegramSink);
    vi.spyOn(h.telegramSink, 'send').mockImplementation(async (alert) => {
      sent.push(alert);
      await send(alert);
    });
    const before = posted().length;
    clock = Date.parse('2026-05-02T18:30:00Z'); // 23:30
    publish('quiet-feed', 'Council votes late');
    await h.check(h.feedServer.url('quiet-feed'));
    await h.drained();
    expect(posted().slice(before).join()).toContain('Council votes late');
    expect(sent.map((alert) => [alert.item.title, alert.silent])).toEqual([['Council votes late', true]]);
    // …and the sink honours the mark: Telegram is asked not to notify.
    expect(lastPost().params.disable_notification).toBe(true);
    expect(await heldCount()).toBe(0);
  });

  it('with the silent option a digest posts without a notification; backfill posts at once, not at the digest', async () => {
    clock = Date.parse('2026-05-03T06:10:00Z'); // 11:10 in Karachi
    const url = h.feedServer.url('silent-digest-feed');
    h.feedServer.setItems('silent-digest-feed', [
      { ...testItem(n++, 'ETF story already there'), pubDate: new Date(clock) },
    ]);
    const heldBefore = await heldCount();
    const reply = await run(`/subscribe ${url} etf every:1h silent:yes backfill:1`);
    expect(reply).toContain('Delivery: digest every 1h');
    expect(reply).toContain('Alerts: silent');
    expect(reply).toContain('Posting the 1 newest matching item now');
    await h.drained();
    expect(lastPost().params.text).toContain('ETF story already there');
    expect(lastPost().params.disable_notification).toBe(true);
    expect(await heldCount()).toBe(heldBefore);

    publish('silent-digest-feed', 'ETF flows rise');
    await h.check(url);
    expect(await heldCount()).toBe(heldBefore + 1);
    clock = Date.parse('2026-05-03T07:00:00Z');
    expect(await h.app.digests.releaseDue()).toBeGreaterThanOrEqual(1);
    await h.drained();
    expect(lastPost().params.text).toContain('Digest: 1 new alert');
    expect(lastPost().params.text).toContain('ETF flows rise');
    expect(lastPost().params.disable_notification).toBe(true);
  });

  it('edit changes the delivery and the alert options in one command; list shows both', async () => {
    const id = h.subscriptions.all().find((s) => s.query === 'bitcoin')!.id;
    const reply = await run(`/edit ${id} every:6h silent:yes template:{title} {link}`);
    expect(reply).toContain(`✓ ${id} delivery: digest every 6h`);
    expect(reply).toContain(`✓ ${id} alerts: template {title} {link} · silent`);
    const saved = h.subscriptions.get(id)!;
    expect([saved.schedule?.every, saved.silent, saved.template]).toEqual(['6h', true, '{title} {link}']);
    const list = await run('/list');
    expect(list).toContain('delivery: digest every 6h');
    expect(list).toContain('silent');
    expect(await run(`/edit ${id}`)).toContain('Say what to change');
  });

  it('refuses an unknown zone, a bad time and a bad window with a clear message', async () => {
    const url = h.feedServer.url('digest-feed');
    expect(await run(`/subscribe ${url} etf every:1h timezone:Asia/Lahore`)).toContain(
      '"Asia/Lahore" is not a time zone Taza knows',
    );
    expect(await run(`/subscribe ${url} etf every:daily 9:75`)).toContain('has no valid time');
    expect(await run(`/subscribe ${url} etf quiet:22-07`)).toContain('"quiet" must be a window "HH:MM-HH:MM"');
  });

  it('the same options as Discord slash command options', async () => {
    const answer = await slash(h.discord, 'subscribe', {
      feed: h.feedServer.url('digest-feed'),
      keywords: 'etf',
      every: 'daily 09:00',
      timezone: 'Europe/London',
      quiet: '23:00-06:00',
    });
    expect(answer.content).toContain(
      'Delivery: digest every daily 09:00 · quiet 23:00-06:00 (held until it ends) · Europe/London',
    );
  });
});
