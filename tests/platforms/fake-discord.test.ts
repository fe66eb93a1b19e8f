/** The fake Discord's own semantics, which every Discord test depends on. */
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';

const GUILD = '1300000000000000001';
const CHANNEL = '1300000000000000002';

describe('fake Discord', () => {
  let fake: FakeDiscord;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${fake.apiBase}/v10${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bot ${fake.token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeEach(async () => {
    fake = await startFakeDiscord({ guilds: [{ id: GUILD, name: 'G', channels: [{ id: CHANNEL, name: 'news' }] }] });
  });
  afterEach(async () => fake.close());

  it('returns the first message for a repeated nonce only when enforce_nonce is set', async () => {
    const first = await post(`/channels/${CHANNEL}/messages`, { content: 'a', nonce: 'n-1', enforce_nonce: true });
    const again = await post(`/channels/${CHANNEL}/messages`, { content: 'a', nonce: 'n-1', enforce_nonce: true });
    expect(again.body.id).toBe(first.body.id);
    expect(fake.messages(CHANNEL)).toHaveLength(1);
    await post(`/channels/${CHANNEL}/messages`, { content: 'b', nonce: 'n-2' });
    await post(`/channels/${CHANNEL}/messages`, { content: 'b', nonce: 'n-2' });
    expect(fake.messages(CHANNEL)).toHaveLength(3);
  });

  it('rejects messages beyond Discord limits with 50035, and empty ones with 50006', async () => {
    const long = await post(`/channels/${CHANNEL}/messages`, {
      embeds: [{ title: 't', description: 'x'.repeat(4097) }],
    });
    expect(long).toMatchObject({ status: 400, body: { code: 50035, message: 'Invalid Form Body' } });
    expect(JSON.stringify(long.body.errors)).toContain('embeds.0.description');
    const badUrl = await post(`/channels/${CHANNEL}/messages`, { embeds: [{ title: 't', url: 'not a url' }] });
    expect(badUrl.status).toBe(400);
    const empty = await post(`/channels/${CHANNEL}/messages`, { embeds: [] });
    expect(empty.body.code).toBe(50006);
    expect(fake.messages(CHANNEL)).toHaveLength(0);
  });

  it('requires the bot token on bot routes', async () => {
    const res = await fetch(`${fake.apiBase}/v10/channels/${CHANNEL}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bot nope' },
      body: '{}',
    });
    expect(res.status).toBe(401);
  });

  it('dispatches interactions that discord.js accepts, and records the reply and follow-up', async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiBase } });
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
    try {
      client.on(Events.InteractionCreate, (interaction: Interaction) => {
        if (!interaction.isChatInputCommand()) return;
        void interaction
          .deferReply()
          .then(() => interaction.editReply('done'))
          .then(() => interaction.followUp('more'));
      });
      const { id } = fake.sendInteraction({ data: { id: '1300000000000000009', name: 'list', type: 1 } });
      await fake.waitFor((r) => r.method === 'POST' && r.path.startsWith('/webhooks/') && r.status === 200);
      expect(fake.interactionReplies(id).map((r) => r.kind)).toEqual(['callback', 'edit', 'followup']);
      expect(fake.interactionReplies(id)[1]!.body.content).toBe('done');
      expect(fake.requests.some((r) => r.path.endsWith('/messages/@original') && r.method === 'PATCH')).toBe(true);

      await client.application!.commands.set([{ name: 'list', description: 'List subscriptions' }]);
      expect(fake.commands('global')).toMatchObject([{ name: 'list', description: 'List subscriptions' }]);
    } finally {
      await client.destroy();
    }
  });
});
