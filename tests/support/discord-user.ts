/**
 * Acts as a Discord member: dispatches INTERACTION_CREATE through the fake gateway (discord.js handles it for
 * real) and waits for the answer the fake received: the reply, or the edit of a deferred reply.
 */
import type { FakeDiscord } from '../fakes/discord.js';
import { CHANNEL_A, CHANNEL_B, GUILD_A, GUILD_B } from './harness.js';

export type SlashValue =
  string | number | boolean | { channel: string } | { attachment: { url: string; filename: string; size: number } };

export interface DiscordAnswer {
  id: string;
  content: string;
  ephemeral: boolean;
  /** Whether the first answer was a deferral (type 5) later edited. */
  deferred: boolean;
  replies: Array<{ kind: string; body: Record<string, unknown> }>;
}

export interface Member {
  admin?: boolean;
  guild?: 'A' | 'B';
  /** Permissions bit string; overrides `admin`. */
  permissions?: string;
}

const ALL = '2199023255551';
const VIEW_AND_SEND = String((1n << 10n) | (1n << 11n));
const TYPES = { string: 3, number: 4, boolean: 5, channel: 7, attachment: 11 } as const;

function where(member: Member) {
  return member.guild === 'B' ? { guildId: GUILD_B, channelId: CHANNEL_B } : { guildId: GUILD_A, channelId: CHANNEL_A };
}

function interactionBase(member: Member, type: number, data: Record<string, unknown>) {
  const { guildId, channelId } = where(member);
  const user = {
    id: member.admin === false ? '1200000000000000002' : '1200000000000000001',
    username: member.admin === false ? 'member' : 'admin',
    discriminator: '0',
    global_name: null,
    avatar: null,
  };
  const permissions = member.permissions ?? (member.admin === false ? VIEW_AND_SEND : ALL);
  return {
    type,
    guild_id: guildId,
    channel_id: channelId,
    channel: { id: channelId, type: 0, name: 'general', guild_id: guildId },
    member: { user, roles: [], permissions, joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 },
    authorizing_integration_owners: { '0': guildId },
    data,
  };
}

function commandData(name: string, options: Record<string, SlashValue>, focused?: string) {
  const resolved: { channels?: Record<string, unknown>; attachments?: Record<string, unknown> } = {};
  const list = Object.entries(options).map(([optionName, value]) => {
    if (typeof value === 'object' && 'channel' in value) {
      resolved.channels = {
        ...resolved.channels,
        [value.channel]: { id: value.channel, type: 0, name: 'news', permissions: ALL },
      };
      return { name: optionName, type: TYPES.channel, value: value.channel };
    }
    if (typeof value === 'object') {
      const id = '300000000000000001';
      resolved.attachments = {
        [id]: {
          id,
          filename: value.attachment.filename,
          size: value.attachment.size,
          url: value.attachment.url,
          proxy_url: value.attachment.url,
          content_type: 'text/x-opml',
        },
      };
      return { name: optionName, type: TYPES.attachment, value: id };
    }
    const type = typeof value === 'number' ? TYPES.number : typeof value === 'boolean' ? TYPES.boolean : TYPES.string;
    return { name: optionName, type, value, ...(focused === optionName ? { focused: true } : {}) };
  });
  return {
    id: '400000000000000001',
    name,
    type: 1,
    options: list,
    ...(Object.keys(resolved).length ? { resolved } : {}),
  };
}

function isFinal(fake: FakeDiscord, id: string, token: string) {
  return (r: { kind: string; method: string; path: string; status?: number; body: unknown }) => {
    if (r.kind !== 'rest' || r.status === undefined) return false;
    if (r.method === 'POST' && r.path.startsWith(`/interactions/${id}/`))
      return (r.body as { type?: number }).type === 4;
    // A progress edit ("⏳ Importing …") is not the answer: the answer is the edit after it.
    if (r.method === 'PATCH' && String((r.body as { content?: string }).content ?? '').startsWith('⏳')) return false;
    return r.path.includes(token) && (r.method === 'PATCH' || r.method === 'POST');
  };
}

export async function slash(
  fake: FakeDiscord,
  name: string,
  options: Record<string, SlashValue> = {},
  member: Member = {},
): Promise<DiscordAnswer> {
  const { id, token } = fake.sendInteraction(interactionBase(member, 2, commandData(name, options)));
  await fake.waitFor(isFinal(fake, id, token));
  return answerOf(fake, id);
}

/** Starts a command without waiting for its answer. */
export function startSlash(
  fake: FakeDiscord,
  name: string,
  options: Record<string, SlashValue> = {},
  member: Member = {},
) {
  const { id, token } = fake.sendInteraction(interactionBase(member, 2, commandData(name, options)));
  return { id, done: () => fake.waitFor(isFinal(fake, id, token)).then(() => answerOf(fake, id)) };
}

export function answerOf(fake: FakeDiscord, id: string): DiscordAnswer {
  const replies = fake.interactionReplies(id);
  const first = replies[0]?.body as { type?: number; data?: { content?: string; flags?: number } } | undefined;
  const deferred = first?.type === 5;
  const last = replies[replies.length - 1]?.body as
    { content?: string; flags?: number; data?: { content?: string; flags?: number } } | undefined;
  const content = last?.data?.content ?? last?.content ?? '';
  const followup = replies[replies.length - 1]?.kind === 'followup';
  const flags = followup ? (last?.flags ?? 0) : (first?.data?.flags ?? 0);
  return { id, content, ephemeral: (flags & 64) === 64, deferred, replies };
}

/** Sends an autocomplete interaction and returns the choices Taza answered with. */
export async function autocomplete(
  fake: FakeDiscord,
  name: string,
  options: Record<string, SlashValue>,
  focused: string,
  member: Member = {},
) {
  const { id } = fake.sendInteraction(interactionBase(member, 4, commandData(name, options, focused)));
  const request = await fake.waitFor(
    (r) => r.kind === 'rest' && r.status !== undefined && r.path.startsWith(`/interactions/${id}/`),
  );
  const body = request.body as { type: number; data: { choices: Array<{ name: string; value: string }> } };
  return { type: body.type, choices: body.data.choices };
}
