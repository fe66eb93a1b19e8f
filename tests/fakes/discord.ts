/**
 * A local Discord (REST under /api/v10 and the gateway on one 127.0.0.1 port) for tests: discord.js runs unmodified
 * against it with `rest: { api: apiBase }`. Records every request and gateway frame, honours nonce + enforce_nonce,
 * checks message limits, and injects faults per route.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway, type FakeChannel, type GatewayGuild } from './discord-gateway.js';
import {
  createDiscordRoutes,
  type DiscordFakeState,
  type FakeThread,
  type SentDiscordMessage,
} from './discord-routes.js';
import { FaultTable, Recorder, parseBody, preciseNow, readBody, sendJson, type FaultHandle } from './recorder.js';

export type { FakeThread, SentDiscordMessage } from './discord-routes.js';
export type { FakeChannel } from './discord-gateway.js';

export type DiscordFault =
  /** 429 with the Retry-After header (seconds, fractions allowed) and the body's retry_after. */
  | { type: 'rate-limit'; retryAfter: number; global?: boolean }
  | { type: 'server-error'; status?: number }
  | { type: 'missing-access' }
  | { type: 'missing-permissions' }
  | { type: 'unknown-channel' }
  /** Never answers (until close). */
  | { type: 'hang' }
  /** Does the work (the message is created) but never answers: a crash between acknowledgement and mark. */
  | { type: 'accept-then-hang' }
  | { type: 'error'; status: number; code: number; message: string };

export interface DiscordRequest {
  kind: 'rest' | 'gateway';
  /** HTTP method, or 'WS' for a gateway frame. */
  method: string;
  /** Decoded path without /api/v10, e.g. '/channels/123/messages'; for gateway frames 'op:<n>'. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Gateway opcode for gateway frames. */
  op?: number;
  at: number;
  status?: number;
  answeredAt?: number;
}

export interface FakeDiscord {
  apiBase: string;
  token: string;
  botUser: Record<string, unknown> & { id: string };
  applicationId: string;
  requests: DiscordRequest[];
  /** Messages created in a channel, in order (a deduplicated nonce retry adds nothing). */
  messages(channelId: string): SentDiscordMessage[];
  /** Replies to an interaction: the callback, edits of @original and follow-ups, in order. */
  interactionReplies(
    interactionId: string,
  ): Array<{ kind: 'callback' | 'edit' | 'followup'; body: Record<string, unknown> }>;
  /** Threads the bot started: forum posts and threads from a message. */
  threads(): FakeThread[];
  /** Message edits (PATCH), in order. */
  edits(): Array<{ channelId: string; messageId: string; at: number; body: Record<string, unknown> }>;
  /** A channel as the fake holds it now (a thread's archive state, a forum's tags). */
  channel(id: string): FakeChannel | undefined;
  /** Registered application commands by scope: 'global' or the guild id. */
  commands(scope: string): unknown[];
  /** route: 'METHOD /path' where ':name' segments match anything, e.g. 'POST /channels/:id/messages'. */
  inject(route: string, fault: DiscordFault, options?: { times?: number }): FaultHandle;
  dropGateway(): void;
  /** Dispatches INTERACTION_CREATE with every field discord.js requires; `payload` fields override. */
  sendInteraction(payload?: Record<string, unknown>): { id: string; token: string };
  /** Dispatches to the connections of the shard the data's guild_id belongs to (shard 0 without one). */
  dispatch(event: string, data: unknown): void;
  /** The `shard` of every IDENTIFY received, in order ([0, 1] when a client sent none). */
  identifiedShards(): Array<[number, number]>;
  /** The shards with a live identified connection, one entry per connection. */
  connectedShards(): number[];
  waitFor(predicate: (request: DiscordRequest) => boolean, timeoutMs?: number): Promise<DiscordRequest>;
  close(): Promise<void>;
}

export const FAKE_DISCORD_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.FakeDc.discord-token-for-tests-only';

const FAULT_ERRORS: Record<string, [number, number, string]> = {
  'missing-access': [403, 50001, 'Missing Access'],
  'missing-permissions': [403, 50013, 'Missing Permissions'],
  'unknown-channel': [404, 10003, 'Unknown Channel'],
};

function routeMatcher(route: string): (method: string, path: string) => boolean {
  const [method, template] = route.trim().split(/\s+/, 2) as [string, string | undefined];
  if (template === undefined) throw new Error(`route "${route}" must look like "POST /channels/:id/messages"`);
  const pattern = new RegExp(
    `^${template
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );
  return (m, path) => m === method.toUpperCase() && pattern.test(path);
}

export async function startFakeDiscord(
  options: {
    guilds?: GatewayGuild[];
    botUser?: Record<string, unknown> & { id: string };
    applicationId?: string;
    token?: string;
    /** The shard count GET /gateway/bot recommends (default 1); each guild belongs to shard (id >> 22) % shards. */
    shards?: number;
  } = {},
): Promise<FakeDiscord> {
  const token = options.token ?? FAKE_DISCORD_TOKEN;
  const applicationId = options.applicationId ?? '1100000000000000001';
  const botUser = options.botUser ?? {
    id: applicationId,
    username: 'Taza',
    discriminator: '0',
    global_name: 'Taza',
    avatar: null,
    bot: true,
  };
  const guilds = options.guilds ?? [];
  const recorder = new Recorder<DiscordRequest>();
  const faults = new FaultTable<DiscordFault, { method: string; path: string }>();
  const hung = new Set<ServerResponse>();
  let port = 0;

  const state: DiscordFakeState = {
    botUser,
    applicationId,
    guilds,
    shards: options.shards ?? 1,
    channelMessages: new Map(),
    nonces: new Map(),
    interactions: new Map(),
    commands: new Map(),
    threads: [],
    edits: [],
  };
  const routes = createDiscordRoutes(state, () => `ws://127.0.0.1:${port}/gateway`);
  const gateway = new FakeGateway({
    token,
    botUser,
    applicationId,
    guilds,
    url: () => `ws://127.0.0.1:${port}/gateway`,
    onFrame: (frame) =>
      recorder.add({
        kind: 'gateway',
        method: 'WS',
        path: `op:${frame.op}`,
        op: frame.op,
        query: {},
        headers: {},
        body: frame.d,
        at: preciseNow(),
      }),
  });

  const answer = (
    record: DiscordRequest,
    res: ServerResponse,
    status: number,
    body: unknown,
    headers?: Record<string, string>,
  ) => {
    if (status === 204) {
      res.writeHead(204).end();
    } else {
      sendJson(res, status, body, headers);
    }
    record.status = status;
    record.answeredAt = preciseNow();
    recorder.notify(record);
  };

  const applyFault = (fault: DiscordFault, record: DiscordRequest, res: ServerResponse) => {
    switch (fault.type) {
      case 'hang':
      case 'accept-then-hang':
        hung.add(res);
        return;
      case 'rate-limit':
        return answer(
          record,
          res,
          429,
          { message: 'You are being rate limited.', retry_after: fault.retryAfter, global: fault.global ?? false },
          {
            'retry-after': String(fault.retryAfter),
            'x-ratelimit-scope': fault.global ? 'global' : 'user',
            ...(fault.global ? { 'x-ratelimit-global': 'true' } : {}),
          },
        );
      case 'server-error': {
        const status = fault.status ?? 500;
        return answer(record, res, status, { message: `${status}: Internal Server Error`, code: 0 });
      }
      case 'error':
        return answer(record, res, fault.status, { message: fault.message, code: fault.code });
      default: {
        const [status, code, message] = FAULT_ERRORS[fault.type]!;
        return answer(record, res, status, { message, code });
      }
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const path = decodeURIComponent(url.pathname.replace(/^\/api\/v\d+/, ''));
      const raw = await readBody(req);
      const parsed = await parseBody(req.headers['content-type'], raw);
      // discord.js sends files as multipart with the JSON part in payload_json.
      const body =
        typeof parsed.fields.payload_json === 'string'
          ? (JSON.parse(parsed.fields.payload_json) as Record<string, unknown>)
          : parsed.fields;
      const method = req.method ?? 'GET';
      const record = recorder.add({
        kind: 'rest',
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        at: preciseNow(),
      });
      // Interaction callbacks and webhooks authenticate by their token in the path, not the bot token.
      const needsAuth = !/^\/(interactions|webhooks)\//.test(path);
      if (needsAuth && req.headers.authorization !== `Bot ${token}`)
        return answer(record, res, 401, { message: '401: Unauthorized', code: 0 });
      const fault = faults.take({ method, path });
      if (fault?.type === 'accept-then-hang') {
        routes.handle(method, path, body, Object.fromEntries(url.searchParams));
        hung.add(res);
        return;
      }
      if (fault) return applyFault(fault, record, res);
      const outcome = routes.handle(method, path, body, Object.fromEntries(url.searchParams));
      answer(record, res, outcome.status, outcome.body);
    })().catch((error: unknown) => sendJson(res, 500, { message: `fake crashed: ${String(error)}`, code: 0 }));
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://fake').pathname.replace(/\/$/, '') === '/gateway')
      gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  // Real platforms keep idle connections open for about a minute; Node's 5 s default races clients that reuse them.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    apiBase: `http://127.0.0.1:${port}/api`,
    token,
    botUser,
    applicationId,
    requests: recorder.items,
    messages: (channelId) => state.channelMessages.get(channelId) ?? [],
    interactionReplies: (id) => state.interactions.get(id)?.replies ?? [],
    commands: (scope) => state.commands.get(scope) ?? [],
    threads: () => state.threads,
    edits: () => state.edits,
    channel: (id) => guilds.flatMap((g) => g.channels).find((c) => c.id === id),
    inject: (route, fault, injectOptions = {}) => {
      const matches = routeMatcher(route);
      return faults.add((c) => matches(c.method, c.path), fault, injectOptions.times);
    },
    dropGateway: () => gateway.drop(),
    sendInteraction(payload = {}) {
      const interaction = routes.buildInteraction(payload);
      gateway.dispatch('INTERACTION_CREATE', interaction);
      return { id: interaction.id, token: interaction.token };
    },
    dispatch: (event, data) => gateway.dispatch(event, data),
    identifiedShards: () =>
      recorder.items
        .filter((r) => r.kind === 'gateway' && r.op === 2)
        .map((r) => ((r.body as { shard?: [number, number] }).shard ?? [0, 1]) as [number, number]),
    connectedShards: () => gateway.connectedShards(),
    waitFor: (predicate, timeoutMs) => recorder.waitFor(predicate, timeoutMs),
    async close() {
      gateway.close();
      for (const res of hung) res.destroy();
      hung.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
