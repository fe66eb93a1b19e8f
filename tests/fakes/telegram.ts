/**
 * A local Telegram Bot API on 127.0.0.1 for tests: grammY runs unmodified against it with `client: { apiRoot }`.
 * Real long-poll semantics (offset confirms, a held getUpdates is released by pushUpdate), Bot API error shape
 * `{ok:false,error_code,description,parameters}` with HTTP status = error_code, and injectable faults.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  FaultTable,
  Recorder,
  parseBody,
  preciseNow,
  readBody,
  realClearTimeout,
  realSetTimeout,
  sendJson,
  type FaultHandle,
} from './recorder.js';
import { checkTelegramHtml } from '../support/telegram-html.js';
import { createTelegramMethods, type FakeTelegramState } from './telegram-methods.js';

export type TelegramChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface FakeTelegramChat {
  id: number | string;
  type: TelegramChatType;
  title?: string;
  username?: string;
  /** User ids reported as administrators by getChatMember. */
  admins?: number[];
  /** A forum supergroup's topics by message_thread_id: open, closed (TOPIC_CLOSED) or deleted (thread not found). */
  topics?: Record<string, 'open' | 'closed' | 'deleted'>;
}

export type TelegramFault =
  | { type: 'rate-limit'; retryAfter: number }
  | { type: 'server-error'; status?: number }
  | { type: 'kicked' }
  | { type: 'blocked' }
  | { type: 'not-enough-rights' }
  | { type: 'chat-not-found' }
  /** The group was upgraded to a supergroup: the target chat is created when the fault first answers. */
  | { type: 'migrate'; toChatId: number }
  /** Never answers (until close). */
  | { type: 'hang' }
  /** Does the work (the message is sent) but never answers: a crash between acknowledgement and mark. */
  | { type: 'accept-then-hang' }
  | { type: 'error'; status: number; description: string; parameters?: Record<string, unknown> };

export interface TelegramRequest {
  /** Bot API method name, e.g. 'sendMessage'. */
  method: string;
  params: Record<string, unknown>;
  at: number;
  status?: number;
  answeredAt?: number;
}

export interface SentTelegramMessage {
  message_id: number;
  chatId: string;
  text?: string;
  parse_mode?: unknown;
  link_preview_options?: unknown;
  reply_markup?: unknown;
  document?: { file_id: string; file_name?: string };
  caption?: unknown;
  /** sendPhoto: the photo as sent (a URL). */
  photo?: string;
  message_thread_id?: number;
  disable_notification?: boolean;
  /** How often the text or caption was edited. */
  edits?: number;
  at: number;
}

export interface FakeTelegram {
  apiRoot: string;
  token: string;
  botUser: { id: number; is_bot: true; first_name: string; username: string };
  requests: TelegramRequest[];
  messages(chatId: number | string): SentTelegramMessage[];
  inject(method: string, fault: TelegramFault, options?: { times?: number; chatId?: number | string }): FaultHandle;
  /** Queues an update (update_id assigned when missing) and releases a held getUpdates. Returns the update_id. */
  pushUpdate(update: Record<string, unknown>): number;
  /** Stores a file that updates may reference (e.g. a document a user sent); getFile and the download route serve it. */
  addFile(name: string, content: string | Buffer): { file_id: string; file_unique_id: string; file_size: number };
  waitFor(predicate: (request: TelegramRequest) => boolean, timeoutMs?: number): Promise<TelegramRequest>;
  /**
   * How often a getUpdates arrived while another one from a live connection was held: two readers at once. The
   * held one is then ended with 409 Conflict, as on Telegram (a poll whose client already went away is not counted).
   */
  readonly pollOverlaps: number;
  close(): Promise<void>;
}

export const FAKE_TELEGRAM_TOKEN = '7000000001:AAFakeTelegramTokenForTests_0123456789';

const FAULT_ERRORS: Record<string, [number, string]> = {
  kicked: [403, 'Forbidden: bot was kicked from the group chat'],
  blocked: [403, 'Forbidden: bot was blocked by the user'],
  'not-enough-rights': [400, 'Bad Request: not enough rights to send text messages to the chat'],
  'chat-not-found': [400, 'Bad Request: chat not found'],
};

interface PendingPoll {
  req: IncomingMessage;
  res: ServerResponse;
  record: TelegramRequest;
  offset: number;
  limit: number;
  timer: ReturnType<typeof setTimeout>;
}

export async function startFakeTelegram(
  options: { token?: string; chats?: FakeTelegramChat[] } = {},
): Promise<FakeTelegram> {
  const token = options.token ?? FAKE_TELEGRAM_TOKEN;
  const recorder = new Recorder<TelegramRequest>();
  const faults = new FaultTable<TelegramFault, { method: string; chatId?: string }>();
  const hung = new Set<ServerResponse>();
  const updates: Array<Record<string, unknown> & { update_id: number }> = [];
  let nextUpdateId = 1;
  let poll: PendingPoll | undefined;
  let pollOverlaps = 0;

  const state: FakeTelegramState = {
    botUser: {
      id: Number(token.split(':')[0]) || 7000000001,
      is_bot: true,
      first_name: 'Taza Test',
      username: 'taza_test_bot',
    },
    chats: new Map(),
    sent: new Map(),
    files: new Map(),
    commands: [],
    nextFileId: 1,
    checkHtml: checkTelegramHtml,
  };
  for (const chat of options.chats ?? []) state.chats.set(String(chat.id), { ...chat });
  const { handlers, storeFile } = createTelegramMethods(state);

  const answer = (
    record: TelegramRequest,
    res: ServerResponse,
    status: number,
    body: unknown,
    headers?: Record<string, string>,
  ) => {
    sendJson(res, status, body, headers);
    record.status = status;
    record.answeredAt = preciseNow();
    recorder.notify(record);
  };
  const fail = (
    record: TelegramRequest,
    res: ServerResponse,
    status: number,
    description: string,
    parameters?: Record<string, unknown>,
  ) =>
    answer(record, res, status, { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) });

  const applyFault = (fault: TelegramFault, record: TelegramRequest, res: ServerResponse) => {
    switch (fault.type) {
      case 'hang':
      case 'accept-then-hang':
        hung.add(res);
        return;
      case 'rate-limit':
        return fail(record, res, 429, `Too Many Requests: retry after ${fault.retryAfter}`, {
          retry_after: fault.retryAfter,
        });
      case 'server-error':
        return fail(record, res, fault.status ?? 500, 'Internal Server Error');
      case 'migrate': {
        const key = String(fault.toChatId);
        if (!state.chats.has(key))
          state.chats.set(key, { id: fault.toChatId, type: 'supergroup', title: 'Migrated group' });
        return fail(record, res, 400, 'Bad Request: group chat was upgraded to a supergroup chat', {
          migrate_to_chat_id: fault.toChatId,
        });
      }
      case 'error':
        return fail(record, res, fault.status, fault.description, fault.parameters);
      default: {
        const [status, description] = FAULT_ERRORS[fault.type]!;
        return fail(record, res, status, description);
      }
    }
  };

  const releasePoll = () => {
    if (!poll) return;
    const batch = updates.filter((u) => u.update_id >= poll!.offset).slice(0, poll.limit);
    if (batch.length === 0) return;
    const { res, record, timer } = poll;
    poll = undefined;
    realClearTimeout(timer);
    answer(record, res, 200, { ok: true, result: batch });
  };

  const getUpdates = async (record: TelegramRequest, req: IncomingMessage, res: ServerResponse) => {
    // A client that just gave up its poll (grammY aborts it, then confirms the offset on a new connection) may not
    // have been heard closing yet: a moment's grace, so only two live readers count as an overlap.
    if (poll && !poll.req.socket.destroyed) await new Promise((resolve) => realSetTimeout(resolve, 25));
    const offset = Number(record.params.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(record.params.limit ?? 100)));
    const timeoutSeconds = Number(record.params.timeout ?? 0);
    // An offset confirms every update before it: they are forgotten, as on Telegram.
    if (offset > 0) updates.splice(0, updates.length, ...updates.filter((u) => u.update_id >= offset));
    if (poll) {
      const previous = poll;
      poll = undefined;
      if (!previous.req.socket.destroyed) pollOverlaps++;
      realClearTimeout(previous.timer);
      fail(
        previous.record,
        previous.res,
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      );
    }
    const batch = updates.filter((u) => u.update_id >= offset).slice(0, limit);
    if (batch.length > 0 || timeoutSeconds <= 0) return answer(record, res, 200, { ok: true, result: batch });
    const timer = realSetTimeout(() => {
      if (poll?.res !== res) return;
      poll = undefined;
      answer(record, res, 200, { ok: true, result: [] });
    }, timeoutSeconds * 1000);
    poll = { req, res, record, offset, limit, timer };
    // The client gave up (grammY aborts the poll on stop): forget it so a later update is not lost on a dead socket.
    req.socket.once('close', () => {
      if (poll?.res === res) {
        realClearTimeout(poll.timer);
        poll = undefined;
      }
    });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (file) {
        const stored = [...state.files.values()].find((f) => f.file_path === decodeURIComponent(file[2]!));
        if (file[1] !== token || !stored)
          return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': stored.data.length.toString(),
        });
        return res.end(stored.data);
      }
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      const body = await parseBody(req.headers['content-type'], await readBody(req));
      const params: Record<string, unknown> = { ...Object.fromEntries(url.searchParams), ...body.fields };
      const record = recorder.add({ method: match?.[2] ?? url.pathname, params, at: preciseNow() });
      if (!match) return fail(record, res, 404, 'Not Found');
      if (match[1] !== token) return fail(record, res, 401, 'Unauthorized');
      const method = match[2]!;
      const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
      const fault = faults.take({ method, chatId });
      if (fault?.type === 'accept-then-hang') {
        handlers[method]?.(params, body.files);
        hung.add(res);
        return;
      }
      if (fault) return applyFault(fault, record, res);
      if (method === 'getUpdates') return getUpdates(record, req, res);
      const handler = handlers[method];
      if (!handler) return fail(record, res, 404, 'Not Found: method not found');
      const outcome = handler(params, body.files);
      if (outcome.ok) return answer(record, res, 200, { ok: true, result: outcome.result });
      return fail(record, res, outcome.status, outcome.description);
    })().catch((error: unknown) =>
      sendJson(res, 500, { ok: false, error_code: 500, description: `fake crashed: ${String(error)}` }),
    );
  });
  // Real platforms keep idle connections open for about a minute; Node's 5 s default races clients that reuse them.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botUser: state.botUser,
    requests: recorder.items,
    messages: (chatId) => state.sent.get(String(chatId)) ?? [],
    inject: (method, fault, injectOptions = {}) => {
      const onlyChat = injectOptions.chatId === undefined ? undefined : String(injectOptions.chatId);
      return faults.add(
        (c) => c.method === method && (onlyChat === undefined || c.chatId === onlyChat),
        fault,
        injectOptions.times,
      );
    },
    pushUpdate(update) {
      const update_id = typeof update.update_id === 'number' ? update.update_id : nextUpdateId;
      nextUpdateId = Math.max(nextUpdateId, update_id + 1);
      updates.push({ ...update, update_id });
      releasePoll();
      return update_id;
    },
    addFile: (name, content) => storeFile(name, Buffer.from(content)),
    waitFor: (predicate, timeoutMs) => recorder.waitFor(predicate, timeoutMs),
    get pollOverlaps() {
      return pollOverlaps;
    },
    async close() {
      if (poll) realClearTimeout(poll.timer);
      poll = undefined;
      for (const res of hung) res.destroy();
      hung.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
