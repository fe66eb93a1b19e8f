/**
 * A server's or chat's default template, through /template on the real discord.js and grammY against the fakes: kept
 * in the store, used by every alert of a subscription there without a template of its own, shown by preview, cleared
 * back to the built-in layout; admin-only, and checked exactly as a subscription's template.
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
  MEMBER_USER,
  startHarness,
  type Harness,
} from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

type Embed = { title?: string; description?: string };
const embedOf = (body: Record<string, unknown>) => (body.embeds as Embed[])[0]!;

describe('the default template of a server or chat', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('Discord: set once, used by a subscription without its own, not by one with its own; cleared: built-in', async () => {
    h.feedServer.setItems('plain', [testItem(1, 'Weather today')]);
    h.feedServer.setItems('own', [testItem(1, 'Weather today')]);
    const plain = h.feedServer.url('plain');
    const own = h.feedServer.url('own');
    await slash(h.discord, 'subscribe', { feed: plain, keywords: 'bitcoin' });
    await slash(h.discord, 'subscribe', {
      feed: own,
      keywords: 'bitcoin',
      template: 'own: {title}',
      channel: { channel: CHANNEL_A2 },
    });

    const set = await slash(h.discord, 'template', { template: '★ {title} ★ {link}' });
    expect(set.content).toContain('✓ Default template of this server: `★ {title} ★ {link}`');
    // In the store, where every instance reads it.
    expect(await h.app.store.scopes.get(GUILD_A)).toEqual({ template: '★ {title} ★ {link}' });
    const shown = await slash(h.discord, 'template', {});
    expect(shown.content).toContain('Default template of this server: `★ {title} ★ {link}`');

    h.feedServer.publish('plain', testItem(2, 'Bitcoin climbs'));
    h.feedServer.publish('own', testItem(2, 'Bitcoin climbs'));
    await h.check(plain);
    await h.check(own);
    await h.drained();
    expect(embedOf(h.discord.messages(CHANNEL_A)[0]!.body).description).toBe(
      '★ Bitcoin climbs ★ https://news.example/2',
    );
    expect(embedOf(h.discord.messages(CHANNEL_A2)[0]!.body).description).toBe('own: Bitcoin climbs');

    const preview = await slash(h.discord, 'preview', { feed: plain, keywords: 'bitcoin' });
    expect(preview.content).toContain('With the default template, the newest match would read:');
    expect(preview.content).toContain('> ★ Bitcoin climbs ★ https://news.example/2');

    const cleared = await slash(h.discord, 'template', { template: 'off' });
    expect(cleared.content).toContain('✓ No default template in this server now');
    expect(await h.app.store.scopes.get(GUILD_A)).toBeUndefined();
    h.feedServer.publish('plain', testItem(3, 'Bitcoin falls'));
    await h.check(plain);
    await h.drained();
    const builtIn = embedOf(h.discord.messages(CHANNEL_A)[1]!.body);
    expect(builtIn.title).toBe('Bitcoin falls');
    expect(builtIn.description ?? '').not.toContain('★');
  });

  it('Discord: a member is refused, and a bad placeholder gets the message a subscription gets', async () => {
    const refused = await slash(h.discord, 'template', { template: '{title}' }, { admin: false });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('/template changes subscriptions, so it needs the Manage Server permission');
    expect(await h.app.store.scopes.get(GUILD_A)).toBeUndefined();

    const bad = await slash(h.discord, 'template', { template: '{titel} {link}' });
    expect(bad.ephemeral).toBe(true);
    expect(bad.content).toContain('{titel} is not a placeholder');
    const [subscription] = h.subscriptions.byScope(GUILD_A);
    const fromEdit = await slash(h.discord, 'edit', { id: subscription!.id, template: '{titel} {link}' });
    expect(bad.content).toBe(fromEdit.content);
    expect(await h.app.store.scopes.get(GUILD_A)).toBeUndefined();
  });

  it('Telegram: set in a group, used by its alerts, refused to a member and for a bad placeholder, cleared', async () => {
    h.feedServer.setItems('tg', [testItem(1, 'Weather today')]);
    const feed = h.feedServer.url('tg');
    const admin = { chat: GROUP, from: ADMIN_USER };
    await tgCommand(h.telegram, `/subscribe ${feed} bitcoin`, admin);

    const refused = await tgCommand(h.telegram, '/template template:{title}', { chat: GROUP, from: MEMBER_USER });
    expect(refused.text).toContain('administrator');
    expect(await h.app.store.scopes.get(String(GROUP))).toBeUndefined();

    const bad = await tgCommand(h.telegram, '/template template:{titel} {link}', admin);
    const fromSubscribe = await tgCommand(h.telegram, `/subscribe ${feed} cricket template:{titel} {link}`, admin);
    expect(bad.text).toContain('{titel} is not a placeholder');
    expect(bad.text).toBe(fromSubscribe.text);

    const set = await tgCommand(h.telegram, '/template template:★ {title} ★', admin);
    expect(set.text).toContain('✓ Default template of this chat');
    expect(await h.app.store.scopes.get(String(GROUP))).toEqual({ template: '★ {title} ★' });
    h.feedServer.publish('tg', testItem(2, 'Bitcoin climbs'));
    await h.check(feed);
    await h.drained();
    expect(h.telegram.messages(GROUP).some((m) => m.text === '★ Bitcoin climbs ★')).toBe(true);

    const cleared = await tgCommand(h.telegram, '/template template:off', admin);
    expect(cleared.text).toContain('✓ No default template in this chat now');
    h.feedServer.publish('tg', testItem(3, 'Bitcoin falls'));
    await h.check(feed);
    await h.drained();
    const builtIn = h.telegram.messages(GROUP).filter((m) => m.text?.includes('Bitcoin falls'));
    expect(builtIn).toHaveLength(1);
    expect(builtIn[0]!.text).toContain('<b><a href="https://news.example/3">Bitcoin falls</a></b>');
    expect(builtIn[0]!.text).not.toContain('★');
  });
});
