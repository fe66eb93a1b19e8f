/** Every command through the real discord.js client against the fake Discord: as an admin and as a member. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testItem } from '../support/feed-server.js';
import { autocomplete, slash, startSlash, type SlashValue } from '../support/discord-user.js';
import { CHANNEL_A, CHANNEL_A2, GUILD_A, startHarness, type Harness } from '../support/harness.js';

describe('commands on Discord', () => {
  let h: Harness;
  let feedUrl: string;
  beforeAll(async () => {
    h = await startHarness();
    h.feedServer.setItems('crypto', [
      testItem(1, 'Pakistan forms a Crypto Council'),
      testItem(2, 'Cricket scores from Lahore'),
    ]);
    feedUrl = h.feedServer.url('crypto');
  });
  afterAll(() => h.close());

  it('registers every command globally, mutating ones with default_member_permissions = Manage Server, guild-only', () => {
    const registered = h.discord.commands('global') as Array<{
      name: string;
      default_member_permissions: string | null;
      contexts: number[];
      options: Array<Record<string, unknown>>;
    }>;
    expect(registered.map((c) => c.name).sort()).toEqual([
      'dashboard',
      'edit',
      'export',
      'feeds',
      'help',
      'import',
      'list',
      'pause',
      'preview',
      'resume',
      'subscribe',
      'template',
      'unsubscribe',
    ]);
    const manageGuild = String(1n << 5n);
    for (const name of [
      'subscribe',
      'unsubscribe',
      'edit',
      'pause',
      'resume',
      'export',
      'import',
      'dashboard',
      'template',
    ]) {
      expect(registered.find((c) => c.name === name)!.default_member_permissions).toBe(manageGuild);
    }
    for (const name of ['list', 'preview', 'feeds', 'help'])
      expect(registered.find((c) => c.name === name)!.default_member_permissions).toBeNull();
    expect(registered.every((c) => c.contexts.length === 1 && c.contexts[0] === 0)).toBe(true);
    const subscribe = registered.find((c) => c.name === 'subscribe')!;
    expect(subscribe.options).toEqual([
      expect.objectContaining({ name: 'feed', type: 3, required: true, autocomplete: true }),
      expect.objectContaining({ name: 'keywords', type: 3, required: true, max_length: 500 }),
      expect.objectContaining({ name: 'channel', type: 7, required: false, channel_types: [0, 5, 15, 11, 12, 10] }),
      ...['delivery', 'every', 'timezone', 'quiet', 'quietmode'].map((name) =>
        expect.objectContaining({ name, type: 3, required: false }),
      ),
      ...['template', 'mention', 'silent', 'images', 'edits', 'thread', 'forum_tags', 'backfill'].map((name) =>
        expect.objectContaining({ name, required: false }),
      ),
    ]);
  });

  it('subscribe as an admin: deferred, validated, baseline taken, saved, answered privately with a sample', async () => {
    const answer = await slash(h.discord, 'subscribe', { feed: feedUrl, keywords: 'crypto council, بٹ کوائن' });
    expect(answer.deferred).toBe(true);
    expect(answer.ephemeral).toBe(true);
    const [subscription] = h.subscriptions.byScope(GUILD_A);
    expect(subscription).toMatchObject({
      query: 'crypto council, بٹ کوائن',
      destination: { platform: 'discord', id: CHANNEL_A },
      source: 'command',
    });
    expect(answer.content).toContain(
      `✓ Subscribed \`${subscription!.id}\`: **Test feed crypto** (<${feedUrl}>) → <#${CHANNEL_A}>`,
    );
    expect(answer.content).toContain('Sample: the one current item that would have matched');
    expect(answer.content).toContain('Pakistan forms a Crypto Council');
    expect(h.feeds.findByUrl(feedUrl)).toMatchObject({ baselineTaken: true, title: 'Test feed crypto' });
  });

  it('refuses every mutating command to a member without Manage Server, changing nothing', async () => {
    const before = JSON.stringify(h.subscriptions.all());
    const id = h.subscriptions.byScope(GUILD_A)[0]!.id;
    const attempts: Array<[string, Record<string, SlashValue>]> = [
      ['subscribe', { feed: feedUrl, keywords: 'cricket' }],
      ['unsubscribe', { id }],
      ['edit', { id, keywords: 'cricket' }],
      ['pause', { id }],
      ['resume', { id }],
      ['export', {}],
      ['import', { file: { attachment: { url: h.web.url('/files/none.opml'), filename: 'none.opml', size: 10 } } }],
    ];
    for (const [name, options] of attempts) {
      const answer = await slash(h.discord, name, options, { admin: false });
      expect(answer.ephemeral, name).toBe(true);
      expect(answer.content, name).toContain(
        `/${name} changes subscriptions, so it needs the Manage Server permission`,
      );
    }
    expect(JSON.stringify(h.subscriptions.all())).toBe(before);
  });

  it('lets members use list, preview, feeds and help, answered publicly', async () => {
    const list = await slash(h.discord, 'list', {}, { admin: false });
    expect(list.ephemeral).toBe(false);
    expect(list.content).toContain('1 subscription in this server');
    expect(list.content).toContain('crypto council, بٹ کوائن');
    expect(list.content).toContain(`<#${CHANNEL_A}>`);
    expect(list.content).toContain('▶ active');

    const preview = await slash(h.discord, 'preview', { feed: feedUrl, keywords: 'cricket' }, { admin: false });
    expect(preview.ephemeral).toBe(false);
    expect(preview.content).toContain('1 of 2 current items matches');
    expect(preview.content).toContain('Cricket scores from Lahore');
    expect(preview.content).toMatch(/○ Pakistan forms a Crypto Council: .+/);

    const feeds = await slash(h.discord, 'feeds', {}, { admin: false });
    expect(feeds.content).toContain('1 feed used in this server');
    expect(feeds.content).toMatch(/last success: (just now|\d+ min ago)/);
    expect(feeds.content).toMatch(/next check: in \d+ min/);

    const help = await slash(h.discord, 'help', {}, { admin: false });
    expect(help.content).toContain('/subscribe feed:bbc-urdu keywords:بٹ کوائن, کرپٹو کونسل');
    for (const name of [
      'subscribe',
      'unsubscribe',
      'edit',
      'pause',
      'resume',
      'list',
      'preview',
      'feeds',
      'export',
      'import',
      'help',
    ])
      expect(help.content).toContain(`/${name}`);
  });

  it('edit, pause, resume and unsubscribe as an admin', async () => {
    const id = h.subscriptions.byScope(GUILD_A)[0]!.id;
    const edit = await slash(h.discord, 'edit', { id, keywords: 'bitcoin -etf' });
    expect(edit.content).toContain(`✓ \`${id}\` now looks for:`);
    expect(h.subscriptions.get(id)!.query).toBe('bitcoin -etf');
    const pause = await slash(h.discord, 'pause', { id });
    expect(pause.content).toContain(`⏸ Paused \`${id}\``);
    expect(h.subscriptions.get(id)!.paused).toMatchObject({ by: 'user' });
    expect((await slash(h.discord, 'list', {})).content).toContain('⏸ paused');
    const resume = await slash(h.discord, 'resume', { id });
    expect(resume.content).toContain(`▶ Resumed \`${id}\``);
    expect(h.subscriptions.get(id)!.paused).toBeUndefined();
    const unsubscribe = await slash(h.discord, 'unsubscribe', { id });
    expect(unsubscribe.content).toContain(`✓ Removed \`${id}\``);
    expect(h.subscriptions.get(id)).toBeUndefined();
    // Its feed had no other subscription: it is no longer polled.
    expect(h.feeds.findByUrl(feedUrl)).toBeUndefined();
  });

  it('refuses commands in direct messages, privately', async () => {
    const user = { id: '1200000000000000001', username: 'admin', discriminator: '0', global_name: null, avatar: null };
    const { id, token } = h.discord.sendInteraction({
      guild_id: undefined,
      member: undefined,
      channel_id: '900000000000000001',
      channel: { id: '900000000000000001', type: 1 },
      user,
      context: 1,
      authorizing_integration_owners: { '1': user.id },
      data: { id: '400000000000000001', name: 'list', type: 1 },
    });
    await h.discord.waitFor((r) => r.status !== undefined && r.path === `/interactions/${id}/${token}/callback`);
    expect(h.discord.interactionReplies(id)).toEqual([
      {
        kind: 'callback',
        body: expect.objectContaining({
          type: 4,
          data: expect.objectContaining({
            flags: 64,
            content: "✗ Taza's commands work inside a server, not in direct messages.",
          }),
        }),
      },
    ]);
  });

  it('subscribes into another channel with the channel option', async () => {
    const answer = await slash(h.discord, 'subscribe', {
      feed: feedUrl,
      keywords: 'cricket',
      channel: { channel: CHANNEL_A2 },
    });
    expect(answer.content).toContain(`→ <#${CHANNEL_A2}>`);
    expect(h.subscriptions.byScope(GUILD_A).find((s) => s.query === 'cricket')!.destination).toEqual({
      platform: 'discord',
      id: CHANNEL_A2,
    });
  });

  it('answers autocomplete for feed (presets and feeds in use) and id (this server only) at once', async () => {
    const feed = await autocomplete(h.discord, 'subscribe', { feed: 'coind' }, 'feed');
    expect(feed.type).toBe(8);
    expect(feed.choices).toEqual([{ name: 'CoinDesk — preset coindesk', value: 'coindesk' }]);
    const inUse = await autocomplete(h.discord, 'preview', { feed: 'crypto' }, 'feed');
    expect(inUse.choices[0]).toEqual({ name: 'Test feed crypto (in use)', value: feedUrl });
    const ids = await autocomplete(h.discord, 'pause', { id: '' }, 'id');
    const mine = h.subscriptions.byScope(GUILD_A).map((s) => s.id);
    expect(ids.choices.map((c) => c.value)).toEqual(mine);
    const other = await autocomplete(h.discord, 'pause', { id: '' }, 'id', { guild: 'B' });
    expect(other.choices).toEqual([]);
  });

  it('defers a subscribe whose feed is slow, then edits the deferred reply with the result', async () => {
    h.feedServer.setItems('slowfeed', [testItem(7, 'Slow news about bitcoin')]);
    const slow = h.web.holdSlow(await (await fetch(h.feedServer.url('slowfeed'))).text());
    const running = startSlash(h.discord, 'subscribe', { feed: h.web.url('/slow.xml'), keywords: 'bitcoin' });
    await slow.arrived;
    // The feed has not answered yet, but Discord already has its acknowledgement: a deferral.
    expect(h.discord.interactionReplies(running.id)).toEqual([
      { kind: 'callback', body: expect.objectContaining({ type: 5, data: { flags: 64 } }) },
    ]);
    slow.release();
    const answer = await running.done();
    expect(answer.replies.map((r) => r.kind)).toEqual(['callback', 'edit']);
    expect(answer.content).toContain('✓ Subscribed');
    expect(answer.content).toContain('Slow news about bitcoin');
  });
});
