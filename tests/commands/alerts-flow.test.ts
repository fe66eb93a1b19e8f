/**
 * From command to alert on both platforms: subscribe → a matching item is published → the alert arrives in that
 * channel or chat; pause → nothing arrives; resume → what arrived while paused stays unposted and new items arrive;
 * resume missed:yes → the matching items published during the pause are posted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testItem } from '../support/feed-server.js';
import { slash } from '../support/discord-user.js';
import { ADMIN_USER, CHANNEL_A, GROUP, GUILD_A, startHarness, type Harness } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

interface Platform {
  name: string;
  run(command: string, options: Record<string, string | boolean>): Promise<string>;
  /** Alert texts delivered so far to the subscribed channel or chat (command replies excluded). */
  alerts(): string[];
  scope: string;
}

describe.each(['discord', 'telegram'])('alerts after commands on %s', (platformName) => {
  let h: Harness;
  let platform: Platform;
  const feed = () => h.feedServer.url(`flow-${platformName}`);
  let n = 100;
  /** Feed dates have whole seconds; `later` rounds up so the item reads as published after this moment. */
  const publish = (title: string, later = false) =>
    h.feedServer.publish(`flow-${platformName}`, {
      ...testItem(n++, title),
      ...(later ? { pubDate: new Date(Math.ceil((Date.now() + 1) / 1000) * 1000) } : {}),
    });

  beforeAll(async () => {
    h = await startHarness();
    h.feedServer.setItems(`flow-${platformName}`, [testItem(1, 'An older crypto council story')]);
    platform =
      platformName === 'discord'
        ? {
            name: 'discord',
            scope: GUILD_A,
            run: async (command, options) => (await slash(h.discord, command, options)).content,
            alerts: () => h.discord.messages(CHANNEL_A).map((m) => JSON.stringify(m.body.embeds)),
          }
        : {
            name: 'telegram',
            scope: String(GROUP),
            run: async (command, options) => {
              const args = Object.entries(options).map(([k, v]) =>
                k === 'keywords' || k === 'feed' || k === 'id' ? String(v) : `${k}:${v === true ? 'yes' : String(v)}`,
              );
              return (await tgCommand(h.telegram, `/${command} ${args.join(' ')}`, { chat: GROUP, from: ADMIN_USER }))
                .text;
            },
            alerts: () =>
              h.telegram
                .messages(GROUP)
                .filter(
                  (m) =>
                    m.text &&
                    !m.text.startsWith('✓') &&
                    !m.text.startsWith('⏸') &&
                    !m.text.startsWith('▶') &&
                    !m.text.startsWith('⏳'),
                )
                .map((m) => m.text!),
          };
  });
  afterAll(() => h.close());

  it('subscribe, then a matching item is published: the alert arrives there, a non-matching one does not', async () => {
    expect(await platform.run('subscribe', { feed: feed(), keywords: 'crypto council' })).toContain('✓ Subscribed');
    publish('Rain expected in Lahore');
    publish('Pakistan forms a Crypto Council');
    await h.check(feed());
    await h.drained();
    expect(platform.alerts()).toHaveLength(1);
    expect(platform.alerts()[0]).toContain('Pakistan forms a Crypto Council');
    expect(platform.alerts().join()).not.toContain('An older crypto council story');
  });

  it('pause: a matching item publishes and nothing arrives; resume: it stays unposted, and new items arrive again', async () => {
    const id = h.subscriptions.byScope(platform.scope)[0]!.id;
    expect(await platform.run('pause', { id })).toContain('⏸ Paused');
    publish('Crypto council meets while paused');
    await h.check(feed());
    expect(h.outbox.depth()).toBe(0);
    expect(await platform.run('resume', { id })).toContain('▶ Resumed');
    await h.check(feed());
    expect(h.outbox.depth()).toBe(0);
    publish('Crypto council approves the plan');
    await h.check(feed());
    await h.drained();
    const alerts = platform.alerts();
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toContain('Crypto council approves the plan');
    expect(alerts.join()).not.toContain('meets while paused');
  });

  it('resume missed:yes posts the matching items published during the pause', async () => {
    const id = h.subscriptions.byScope(platform.scope)[0]!.id;
    await platform.run('pause', { id });
    publish('Crypto council report published during the pause', true);
    publish('Weather during the pause', true);
    await h.check(feed());
    expect(await platform.run('resume', { id, missed: true })).toContain(
      'Posting 1 matching item published while it was paused.',
    );
    await h.drained();
    const alerts = platform.alerts();
    expect(alerts).toHaveLength(3);
    expect(alerts[2]).toContain('Crypto council report published during the pause');
  });
});
