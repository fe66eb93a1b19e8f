/** The Bot API methods the fake Telegram answers (everything except getUpdates, which needs the connection). */
import { preciseNow } from './recorder.js';
import type { HtmlCheck } from '../support/telegram-html.js';
import type { FakeTelegramChat, SentTelegramMessage } from './telegram.js';

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  name: string;
  data: Buffer;
}

export interface FakeTelegramState {
  botUser: { id: number; is_bot: true; first_name: string; username: string };
  chats: Map<string, FakeTelegramChat>;
  sent: Map<string, SentTelegramMessage[]>;
  files: Map<string, StoredFile>;
  commands: unknown[];
  nextFileId: number;
  checkHtml: (text: string) => HtmlCheck;
}

export type MethodOutcome = { ok: true; result: unknown } | { ok: false; status: number; description: string };
type UploadedFiles = Map<string, { name: string; data: Buffer; type: string }>;
type Handler = (params: Record<string, unknown>, files: UploadedFiles) => MethodOutcome;

const CHAT_NOT_FOUND: MethodOutcome = { ok: false, status: 400, description: 'Bad Request: chat not found' };

/** Multipart fields arrive as strings; JSON-valued ones (reply_markup, link_preview_options) are decoded. */
function decoded(value: unknown): unknown {
  if (typeof value !== 'string' || !/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function createTelegramMethods(state: FakeTelegramState): {
  handlers: Record<string, Handler>;
  storeFile: (name: string, data: Buffer) => StoredFile & { file_size: number };
} {
  let nextMessageId = 1;

  const findChat = (chatId: unknown): FakeTelegramChat | undefined => {
    const key = String(chatId);
    return (
      state.chats.get(key) ??
      [...state.chats.values()].find((c) => c.username !== undefined && `@${c.username}` === key)
    );
  };
  const chatObject = (chat: FakeTelegramChat) => ({
    id: Number(chat.id),
    type: chat.type,
    ...(chat.title !== undefined ? { title: chat.title } : { first_name: 'Test user' }),
    ...(chat.username !== undefined ? { username: chat.username } : {}),
  });
  const storeFile = (name: string, data: Buffer) => {
    const n = state.nextFileId++;
    const file: StoredFile = {
      file_id: `FILE${n}`,
      file_unique_id: `U${n}`,
      file_path: `documents/file_${n}_${name}`,
      name,
      data,
    };
    state.files.set(file.file_id, file);
    return { ...file, file_size: data.length };
  };
  const record = (chat: FakeTelegramChat, fields: Omit<SentTelegramMessage, 'message_id' | 'chatId' | 'at'>) => {
    const message: SentTelegramMessage = {
      message_id: nextMessageId++,
      chatId: String(chat.id),
      at: preciseNow(),
      ...fields,
    };
    const list = state.sent.get(message.chatId) ?? [];
    list.push(message);
    state.sent.set(message.chatId, list);
    return message;
  };
  const messageObject = (
    chat: FakeTelegramChat,
    message: SentTelegramMessage,
    extra: Record<string, unknown> = {},
  ) => ({
    message_id: message.message_id,
    date: Math.floor(Date.now() / 1000),
    chat: chatObject(chat),
    from: state.botUser,
    ...extra,
  });

  /** A message_thread_id must name an open topic of a forum chat, as Telegram answers otherwise. */
  const topicProblem = (chat: FakeTelegramChat, params: Record<string, unknown>): MethodOutcome | undefined => {
    if (params.message_thread_id === undefined) return undefined;
    const topic = chat.topics?.[String(params.message_thread_id)];
    if (topic === 'closed') return { ok: false, status: 400, description: 'Bad Request: TOPIC_CLOSED' };
    if (topic !== 'open') return { ok: false, status: 400, description: 'Bad Request: message thread not found' };
    return undefined;
  };
  const delivery = (params: Record<string, unknown>) => ({
    ...(params.message_thread_id !== undefined && { message_thread_id: Number(params.message_thread_id) }),
    ...(params.disable_notification !== undefined && {
      disable_notification: params.disable_notification === true || params.disable_notification === 'true',
    }),
  });
  const checked = (text: string, parseMode: unknown, limit: number): MethodOutcome | undefined => {
    let plain = text;
    if (parseMode === 'HTML') {
      const check = state.checkHtml(text);
      if (!check.ok) return { ok: false, status: 400, description: check.description };
      plain = check.plainText;
    }
    if (plain.length > limit)
      return {
        ok: false,
        status: 400,
        description: limit === 1024 ? 'Bad Request: message caption is too long' : 'Bad Request: message is too long',
      };
    return undefined;
  };
  const findSent = (params: Record<string, unknown>) => {
    const chat = findChat(params.chat_id);
    const message = chat
      ? state.sent.get(String(chat.id))?.find((m) => m.message_id === Number(params.message_id))
      : undefined;
    return chat && message ? { chat, message } : undefined;
  };

  const handlers: Record<string, Handler> = {
    getMe: () => ({
      ok: true,
      result: {
        ...state.botUser,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      },
    }),
    deleteWebhook: () => ({ ok: true, result: true }),
    setMyCommands: (params) => {
      state.commands = decoded(params.commands) as unknown[];
      return { ok: true, result: true };
    },
    getMyCommands: () => ({ ok: true, result: state.commands }),
    answerCallbackQuery: () => ({ ok: true, result: true }),
    getChat: (params) => {
      const chat = findChat(params.chat_id);
      return chat ? { ok: true, result: chatObject(chat) } : CHAT_NOT_FOUND;
    },
    getChatMember: (params) => {
      const chat = findChat(params.chat_id);
      if (!chat) return CHAT_NOT_FOUND;
      const userId = Number(params.user_id);
      const status = chat.admins?.includes(userId) ? 'administrator' : 'member';
      return {
        ok: true,
        result: { status, user: { id: userId, is_bot: userId === state.botUser.id, first_name: 'Test user' } },
      };
    },
    sendMessage: (params) => {
      const chat = findChat(params.chat_id);
      if (!chat) return CHAT_NOT_FOUND;
      const text = String(params.text ?? '');
      if (params.parse_mode === 'HTML') {
        const check = state.checkHtml(text);
        if (!check.ok) return { ok: false, status: 400, description: check.description };
      } else if (text.trim() === '') {
        return { ok: false, status: 400, description: 'Bad Request: message text is empty' };
      }
      const topic = topicProblem(chat, params);
      if (topic) return topic;
      const message = record(chat, {
        text,
        parse_mode: params.parse_mode,
        link_preview_options: decoded(params.link_preview_options),
        reply_markup: decoded(params.reply_markup),
        ...delivery(params),
      });
      return { ok: true, result: messageObject(chat, message, { text }) };
    },
    sendPhoto: (params) => {
      const chat = findChat(params.chat_id);
      if (!chat) return CHAT_NOT_FOUND;
      const photo = String(params.photo ?? '');
      if (!/^https?:\/\//.test(photo))
        return { ok: false, status: 400, description: 'Bad Request: wrong file identifier/HTTP URL specified' };
      const caption = String(params.caption ?? '');
      const problem = checked(caption, params.parse_mode, 1024) ?? topicProblem(chat, params);
      if (problem) return problem;
      const message = record(chat, { photo, caption, parse_mode: params.parse_mode, ...delivery(params) });
      const sizes = [
        { file_id: `PHOTO${message.message_id}`, file_unique_id: `P${message.message_id}`, width: 800, height: 450 },
      ];
      return { ok: true, result: messageObject(chat, message, { photo: sizes, caption }) };
    },
    editMessageText: (params) => {
      const found = findSent(params);
      if (!found) return { ok: false, status: 400, description: 'Bad Request: message to edit not found' };
      const { chat, message } = found;
      if (message.photo !== undefined)
        return { ok: false, status: 400, description: 'Bad Request: there is no text in the message to edit' };
      const text = String(params.text ?? '');
      const problem = checked(text, params.parse_mode, 4096);
      if (problem) return problem;
      if (text === message.text && params.reply_markup === undefined)
        return {
          ok: false,
          status: 400,
          description:
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        };
      message.text = text;
      message.reply_markup = decoded(params.reply_markup);
      message.edits = (message.edits ?? 0) + 1;
      return { ok: true, result: messageObject(chat, message, { text: message.text }) };
    },
    editMessageCaption: (params) => {
      const found = findSent(params);
      if (!found) return { ok: false, status: 400, description: 'Bad Request: message to edit not found' };
      const { chat, message } = found;
      const caption = String(params.caption ?? '');
      const problem = checked(caption, params.parse_mode, 1024);
      if (problem) return problem;
      message.caption = caption;
      message.edits = (message.edits ?? 0) + 1;
      return { ok: true, result: messageObject(chat, message, { caption }) };
    },
    sendDocument: (params, files) => {
      const chat = findChat(params.chat_id);
      if (!chat) return CHAT_NOT_FOUND;
      // grammY uploads the file as a separate part and sets `document` to "attach://<part name>".
      const reference = String(params.document ?? '');
      const upload =
        files.get('document') ??
        (reference.startsWith('attach://') ? files.get(reference.slice('attach://'.length)) : undefined);
      const stored = upload ? storeFile(upload.name, upload.data) : state.files.get(String(params.document));
      if (!stored)
        return { ok: false, status: 400, description: 'Bad Request: wrong file identifier/HTTP URL specified' };
      const document = {
        file_id: stored.file_id,
        file_unique_id: stored.file_unique_id,
        file_name: stored.name,
        file_size: stored.data.length,
      };
      const message = record(chat, { document, caption: params.caption, parse_mode: params.parse_mode });
      return { ok: true, result: messageObject(chat, message, { document }) };
    },
    getFile: (params) => {
      const file = state.files.get(String(params.file_id));
      if (!file) return { ok: false, status: 400, description: 'Bad Request: invalid file_id' };
      return {
        ok: true,
        result: {
          file_id: file.file_id,
          file_unique_id: file.file_unique_id,
          file_size: file.data.length,
          file_path: file.file_path,
        },
      };
    },
  };
  return { handlers, storeFile };
}
