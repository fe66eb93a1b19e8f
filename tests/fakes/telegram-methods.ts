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
      const message = record(chat, {
        text,
        parse_mode: params.parse_mode,
        link_preview_options: decoded(params.link_preview_options),
        reply_markup: decoded(params.reply_markup),
      });
      return { ok: true, result: messageObject(chat, message, { text }) };
    },
    editMessageText: (params) => {
      const chat = findChat(params.chat_id);
      const message = chat
        ? state.sent.get(String(chat.id))?.find((m) => m.message_id === Number(params.message_id))
        : undefined;
      if (!chat || !message) return { ok: false, status: 400, description: 'Bad Request: message to edit not found' };
      message.text = String(params.text ?? '');
      message.reply_markup = decoded(params.reply_markup);
      return { ok: true, result: messageObject(chat, message, { text: message.text }) };
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
