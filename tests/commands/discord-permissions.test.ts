/**
 * The Discord permission model, exactly as the README's "Admins" paragraph says: admin commands need Manage Server
 * (Administrator includes it); Manage Channels alone is enough only for naming a channel with the `channel` option
 * of /subscribe and /import. Every mutating command, with each permission set, through real discord.js.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testItem } from '../support/feed-server.js';
import { slash, type SlashValue } from '../support/discord-user.js';
import { CHANNEL_A2, GUILD_A, startHarness, type Harness } from '../support/harness.js';

const VIEW_AND_SEND = (1n << 10n) | (1n << 11n);
const MANAGE_CHANNELS = 1n << 4n;
const MANAGE_GUILD = 1n << 5n;
const ADMINISTRATOR = 1n << 3n;
const SETS = {
  none: VIEW_AND_SEND,
  'Manage Channels only': VIEW_AND_SEND | MANAGE_CHANNELS,
  'Manage Server': VIEW_AND_SEND | MANAGE_GUILD,
  Administrator: VIEW_AND_SEND | ADMINISTRATOR,
} as const;
type SetName = keyof typeof SETS;

/** Who may run what: [command, options, whether the channel option is given]. */
type Attempt = { name: string; options: Record<string, SlashValue>; channel?: boolean };

function allowed(set: SetName, attempt: Attempt): boolean {
  if (set === 'Manage Server' || set === 'Administrator') return true;
  return set === 'Manage Channels only' && attempt.channel === true;
}

describe('Discord permissions for admin commands', () => {
  let h: Harness;
  let feedUrl: string;
  let opmlUrl: string;
  beforeAll(async () => {
    h = await startHarness();
    h.feedServer.setItems('news', [testItem(1, 'Bitcoin rises')]);
    feedUrl = h.feedServer.url('news');
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
      <outline type="rss" text="News" xmlUrl="${feedUrl}"/></body></opml>`;
    opmlUrl = h.web.addFile('perm.opml', opml);
  });
  afterAll(() => h.close());

  it('registers every admin command with default_member_permissions = Manage Server, the others with none', () => {
    const registered = h.discord.commands('global') as Array<{ name: string; default_member_permissions: string }>;
    const admin = ['subscribe', 'unsubscribe', 'edit', 'pause', 'resume', 'import', 'export', 'dashboard', 'template'];
    for (const command of registered)
      expect(command.default_member_permissions, command.name).toBe(
        admin.includes(command.name) ? String(MANAGE_GUILD) : null,
      );
  });

  for (const set of Object.keys(SETS) as SetName[]) {
    it(`${set}: allowed and refused as the README says`, async () => {
      const permissions = String(SETS[set]);
      const keywords = set.toLowerCase().replace(/\s+/g, '-');
      // A subscription to act on, made by an admin.
      await slash(h.discord, 'subscribe', { feed: feedUrl, keywords: `target ${keywords}` });
      const target = h.subscriptions.byScope(GUILD_A).find((s) => s.query === `target ${keywords}`)!;
      const file = { attachment: { url: opmlUrl, filename: 'perm.opml', size: 200 } };
      const attempts: Attempt[] = [
        { name: 'subscribe', options: { feed: feedUrl, keywords: `here ${keywords}` } },
        {
          name: 'subscribe',
          options: { feed: feedUrl, keywords: `there ${keywords}`, channel: { channel: CHANNEL_A2 } },
          channel: true,
        },
        { name: 'edit', options: { id: target.id, keywords: `edited ${keywords}` } },
        { name: 'pause', options: { id: target.id } },
        { name: 'resume', options: { id: target.id } },
        { name: 'export', options: {} },
        { name: 'import', options: { file } },
        { name: 'import', options: { file, channel: { channel: CHANNEL_A2 } }, channel: true },
        { name: 'unsubscribe', options: { id: target.id } },
      ];
      for (const attempt of attempts) {
        const before = JSON.stringify(h.subscriptions.all());
        const answer = await slash(h.discord, attempt.name, attempt.options, { permissions });
        const label = `${set}: /${attempt.name}${attempt.channel ? ' channel:' : ''}`;
        const refusal = `✗ /${attempt.name} changes subscriptions, so it needs the Manage Server permission`;
        if (allowed(set, attempt)) {
          expect(answer.content, label).not.toContain('changes subscriptions, so it needs');
          expect(answer.content, label).not.toContain('Something went wrong');
        } else {
          expect(answer.ephemeral, label).toBe(true);
          expect(answer.content, label).toContain(refusal);
          expect(JSON.stringify(h.subscriptions.all()), label).toBe(before);
        }
      }
    });
  }
});
