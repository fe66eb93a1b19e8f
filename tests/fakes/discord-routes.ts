/** The REST routes of the fake Discord (paths without /api/v10, already URL-decoded). */
import { checkMessageBody } from './discord-checks.js';
import type { FakeChannel, GatewayGuild } from './discord-gateway.js';
import { preciseNow } from './recorder.js';

export interface SentDiscordMessage {
  id: string;
  channelId: string;
  at: number;
  body: Record<string, unknown>;
}

type Reply = { kind: 'callback' | 'edit' | 'followup'; body: Record<string, unknown> };

export interface DiscordFakeState {
  botUser: Record<string, unknown> & { id: string };
  applicationId: string;
  guilds: GatewayGuild[];
  /** What GET /gateway/bot recommends. */
  shards: number;
  channelMessages: Map<string, SentDiscordMessage[]>;
  /** nonce -> the message it created and when, for enforce_nonce. */
  nonces: Map<string, { message: SentDiscordMessage; at: number }>;
  interactions: Map<string, { token: string; replies: Reply[] }>;
  commands: Map<string, unknown[]>;
  /** Threads started by the bot: forum posts and threads from a message, in order. */
  threads: FakeThread[];
  /** Every message edit (PATCH), in order, with the body as sent. */
  edits: Array<{ channelId: string; messageId: string; at: number; body: Record<string, unknown> }>;
}

export interface FakeThread {
  id: string;
  parentId: string;
  name: string;
  /** The message it was started from (`thread: new`), or its own first message (a forum post). */
  messageId: string;
  appliedTags: string[];
  kind: 'forum-post' | 'from-message';
}

type Outcome = { status: number; body?: unknown };

/** Discord keeps a nonce for "a few minutes"; the fake uses five. */
const NONCE_WINDOW_MS = 5 * 60_000;
const DISCORD_EPOCH = 1_420_070_400_000n;
const ALL_PERMISSIONS = '2199023255551';

export function createDiscordRoutes(state: DiscordFakeState, gatewayUrl: () => string) {
  let increment = 0n;
  const snowflake = () => (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (increment++ & 0xfffn)).toString();
  const findRaw = (id: string): { channel: FakeChannel; guild: GatewayGuild } | undefined => {
    for (const guild of state.guilds) {
      const channel = guild.channels.find((c) => c.id === id);
      if (channel) return { channel, guild };
    }
    return undefined;
  };
  const findChannel = (id: string) => {
    const found = findRaw(id);
    return found ? { ...found.channel, guild_id: found.guild.id, type: found.channel.type ?? 0 } : undefined;
  };
  const addThread = (parent: string, name: string, type: number): FakeChannel => {
    const found = findRaw(parent)!;
    const thread: FakeChannel = {
      id: snowflake(),
      name,
      type,
      parent_id: parent,
      thread_metadata: { archived: false },
    };
    found.guild.channels.push(thread);
    return thread;
  };
  const notFound = (code: number, message: string): Outcome => ({ status: 404, body: { message, code } });
  const messageObject = (message: SentDiscordMessage) => ({
    type: 0,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    pinned: false,
    flags: 0,
    components: [],
    embeds: [],
    content: '',
    ...message.body,
    id: message.id,
    channel_id: message.channelId,
    author: state.botUser,
    timestamp: new Date(message.at).toISOString(),
    edited_timestamp: null,
  });

  const createMessage = (channelId: string, body: Record<string, unknown>): Outcome => {
    const channel = findChannel(channelId);
    if (!channel) return notFound(10003, 'Unknown Channel');
    if (channel.type === 15 || channel.type === 16)
      return { status: 400, body: { message: 'Cannot send messages in a forum channel', code: 50008 } };
    if (channel.thread_metadata?.archived) return { status: 400, body: { message: 'Thread is archived', code: 50083 } };
    const invalid = checkMessageBody(body);
    if (invalid)
      return {
        status: invalid.status,
        body: { message: invalid.message, code: invalid.code, ...(invalid.errors ? { errors: invalid.errors } : {}) },
      };
    const nonce = body.nonce === undefined ? undefined : String(body.nonce);
    if (nonce !== undefined && body.enforce_nonce === true) {
      const seen = state.nonces.get(nonce);
      if (seen && Date.now() - seen.at < NONCE_WINDOW_MS) return { status: 200, body: messageObject(seen.message) };
    }
    const message: SentDiscordMessage = { id: snowflake(), channelId, at: preciseNow(), body };
    state.channelMessages.set(channelId, [...(state.channelMessages.get(channelId) ?? []), message]);
    if (nonce !== undefined) state.nonces.set(nonce, { message, at: Date.now() });
    return { status: 200, body: messageObject(message) };
  };

  /** POST /channels/{forum}/threads: a forum post, its first message the body's `message`. */
  const forumPost = (forumId: string, body: Record<string, unknown>): Outcome => {
    const forum = findChannel(forumId);
    if (!forum) return notFound(10003, 'Unknown Channel');
    if (forum.type !== 15 && forum.type !== 16)
      return { status: 400, body: { message: 'Invalid Form Body: message_id required outside forums', code: 50035 } };
    const name = String(body.name ?? '');
    if (name === '' || [...name].length > 100)
      return { status: 400, body: { message: 'Invalid Form Body: name', code: 50035 } };
    const tags = Array.isArray(body.applied_tags) ? body.applied_tags.map(String) : [];
    const known = new Set((forum.available_tags ?? []).map((tag) => tag.id));
    if (tags.some((tag) => !known.has(tag)))
      return { status: 400, body: { message: 'Invalid Form Body: applied_tags', code: 50035 } };
    const message = (body.message ?? {}) as Record<string, unknown>;
    const invalid = checkMessageBody(message);
    if (invalid) return { status: invalid.status, body: { message: invalid.message, code: invalid.code } };
    const thread = addThread(forumId, name, 11);
    // A forum post's first message has the thread's id.
    const first: SentDiscordMessage = { id: thread.id, channelId: thread.id, at: preciseNow(), body: message };
    state.channelMessages.set(thread.id, [first]);
    state.threads.push({
      id: thread.id,
      parentId: forumId,
      name,
      messageId: first.id,
      appliedTags: tags,
      kind: 'forum-post',
    });
    return {
      status: 201,
      body: {
        ...thread,
        guild_id: forum.guild_id,
        applied_tags: tags,
        message: messageObject(first),
        message_count: 1,
      },
    };
  };

  /** POST /channels/{channel}/messages/{message}/threads: a thread started from a message. */
  const threadFromMessage = (channelId: string, messageId: string, body: Record<string, unknown>): Outcome => {
    const message = (state.channelMessages.get(channelId) ?? []).find((m) => m.id === messageId);
    if (!message) return notFound(10008, 'Unknown Message');
    if (state.threads.some((t) => t.messageId === messageId && t.kind === 'from-message'))
      return { status: 400, body: { message: 'A thread has already been created for this message', code: 160004 } };
    const name = String(body.name ?? '');
    const thread = addThread(channelId, name, 11);
    state.threads.push({ id: thread.id, parentId: channelId, name, messageId, appliedTags: [], kind: 'from-message' });
    return { status: 201, body: { ...thread, guild_id: findChannel(channelId)?.guild_id } };
  };

  /** PATCH /channels/{id}: unarchive (refused for a locked thread, as for a bot without Manage Threads) or rename. */
  const modifyChannel = (channelId: string, body: Record<string, unknown>): Outcome => {
    const found = findRaw(channelId);
    if (!found) return notFound(10003, 'Unknown Channel');
    const { channel } = found;
    if (body.archived === false && channel.thread_metadata) {
      if (channel.thread_metadata.locked) return { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
      channel.thread_metadata = { ...channel.thread_metadata, archived: false };
    }
    if (typeof body.name === 'string') {
      channel.name = body.name;
      const thread = state.threads.find((t) => t.id === channelId);
      if (thread) thread.name = body.name;
    }
    return { status: 200, body: findChannel(channelId) };
  };

  /** PATCH /channels/{id}/messages/{id}: the message's content and embeds replaced, the edit recorded. */
  const editMessage = (channelId: string, messageId: string, body: Record<string, unknown>): Outcome => {
    const message = (state.channelMessages.get(channelId) ?? []).find((m) => m.id === messageId);
    if (!message) return notFound(10008, 'Unknown Message');
    const invalid = checkMessageBody({ ...message.body, ...body });
    if (invalid) return { status: invalid.status, body: { message: invalid.message, code: invalid.code } };
    message.body = { ...message.body, ...body };
    state.edits.push({ channelId, messageId, at: preciseNow(), body });
    return { status: 200, body: { ...messageObject(message), edited_timestamp: new Date().toISOString() } };
  };

  const reply = (
    interactionId: string,
    token: string,
    kind: Reply['kind'],
    body: Record<string, unknown>,
  ): Outcome | undefined => {
    const interaction = state.interactions.get(interactionId);
    if (!interaction || interaction.token !== token) return notFound(10062, 'Unknown interaction');
    interaction.replies.push({ kind, body });
    return undefined;
  };
  const interactionByToken = (token: string) =>
    [...state.interactions.entries()].find(([, i]) => i.token === token)?.[0];
  const webhookMessage = (body: Record<string, unknown>, channelId = '0') =>
    messageObject({ id: snowflake(), channelId, at: preciseNow(), body });

  const putCommands = (scope: string, body: unknown): Outcome => {
    const list = (Array.isArray(body) ? body : []).map((c: Record<string, unknown>) => ({
      id: snowflake(),
      application_id: state.applicationId,
      version: snowflake(),
      type: 1,
      ...c,
    }));
    state.commands.set(scope, list);
    return { status: 200, body: list };
  };

  function handle(method: string, path: string, body: unknown, query: Record<string, string>): Outcome {
    const json = (body ?? {}) as Record<string, unknown>;
    const parts = path.split('/').filter(Boolean);
    const route = `${method} /${parts.map((p, i) => (/^\d+$/.test(p) || (parts[0] === 'interactions' && i === 2) || (parts[0] === 'webhooks' && i === 2) ? ':' : p)).join('/')}`;
    switch (route) {
      case 'GET /gateway':
        return { status: 200, body: { url: gatewayUrl() } };
      case 'GET /gateway/bot':
        return {
          status: 200,
          body: {
            url: gatewayUrl(),
            shards: state.shards,
            session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
          },
        };
      case 'GET /users/@me':
        return { status: 200, body: state.botUser };
      case 'GET /applications/@me':
        return {
          status: 200,
          body: {
            id: state.applicationId,
            name: 'Taza',
            flags: 0,
            bot_public: false,
            bot_require_code_grant: false,
            description: '',
            icon: null,
          },
        };
      case 'GET /channels/:': {
        const channel = findChannel(parts[1]!);
        return channel ? { status: 200, body: channel } : notFound(10003, 'Unknown Channel');
      }
      case 'GET /guilds/:': {
        const guild = state.guilds.find((g) => g.id === parts[1]);
        return guild
          ? { status: 200, body: { id: guild.id, name: guild.name, roles: [], emojis: [], features: [] } }
          : notFound(10004, 'Unknown Guild');
      }
      case 'GET /guilds/:/channels': {
        const guild = state.guilds.find((g) => g.id === parts[1]);
        return guild
          ? { status: 200, body: guild.channels.map((c) => ({ ...c, type: c.type ?? 0, guild_id: guild.id })) }
          : notFound(10004, 'Unknown Guild');
      }
      case 'POST /channels/:/messages':
        return createMessage(parts[1]!, json);
      case 'POST /channels/:/threads':
        return forumPost(parts[1]!, json);
      case 'POST /channels/:/messages/:/threads':
        return threadFromMessage(parts[1]!, parts[3]!, json);
      case 'PATCH /channels/:':
        return modifyChannel(parts[1]!, json);
      case 'PATCH /channels/:/messages/:':
        return editMessage(parts[1]!, parts[3]!, json);
      case 'POST /interactions/:/:/callback': {
        const failed = reply(parts[1]!, parts[2]!, 'callback', json);
        if (failed) return failed;
        if (query.with_response !== 'true') return { status: 204 };
        const data = (json.data ?? {}) as Record<string, unknown>;
        return {
          status: 200,
          body: {
            interaction: { id: parts[1], type: 2 },
            resource: { type: json.type, message: webhookMessage(data) },
          },
        };
      }
      case 'GET /webhooks/:/:/messages/@original':
      case 'PATCH /webhooks/:/:/messages/@original':
      case 'POST /webhooks/:/:': {
        const interactionId = interactionByToken(parts[2]!);
        if (!interactionId) return notFound(10015, 'Unknown Webhook');
        if (method !== 'GET') reply(interactionId, parts[2]!, method === 'PATCH' ? 'edit' : 'followup', json);
        return { status: 200, body: webhookMessage(json) };
      }
      case 'DELETE /webhooks/:/:/messages/@original':
        return { status: 204 };
      case 'GET /applications/:/commands':
        return { status: 200, body: state.commands.get('global') ?? [] };
      case 'PUT /applications/:/commands':
        return putCommands('global', body);
      case 'GET /applications/:/guilds/:/commands':
        return { status: 200, body: state.commands.get(parts[3]!) ?? [] };
      case 'PUT /applications/:/guilds/:/commands':
        return putCommands(parts[3]!, body);
      default:
        return { status: 404, body: { message: '404: Not Found', code: 0 } };
    }
  }

  function buildInteraction(payload: Record<string, unknown>): Record<string, unknown> & { id: string; token: string } {
    const guild = state.guilds[0];
    const channel = guild?.channels[0];
    const id = snowflake();
    const token = `interaction-token-${id}`;
    const user = {
      id: '1200000000000000001',
      username: 'tester',
      discriminator: '0',
      global_name: 'Tester',
      avatar: null,
    };
    const interaction = {
      id,
      token,
      application_id: state.applicationId,
      type: 2,
      version: 1,
      ...(guild
        ? {
            guild_id: guild.id,
            guild_locale: 'en-US',
            member: {
              user,
              roles: [],
              permissions: ALL_PERMISSIONS,
              joined_at: new Date(0).toISOString(),
              deaf: false,
              mute: false,
              flags: 0,
            },
          }
        : { user }),
      ...(channel && guild
        ? { channel_id: channel.id, channel: { id: channel.id, type: 0, name: channel.name, guild_id: guild.id } }
        : {}),
      app_permissions: ALL_PERMISSIONS,
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: guild ? { '0': guild.id } : { '1': user.id },
      context: guild ? 0 : 1,
      attachment_size_limit: 10_485_760,
      data: { id: snowflake(), name: 'ping', type: 1 },
      ...payload,
    };
    state.interactions.set(String(interaction.id), { token: String(interaction.token), replies: [] });
    return interaction as typeof interaction & { id: string; token: string };
  }

  return { handle, buildInteraction };
}
