/** Acts as a Telegram user: pushes a message update to the fake Bot API and waits for Taza's final answer. */
import type { FakeTelegram, TelegramRequest } from '../fakes/telegram.js';

export interface Sender {
  chat: number;
  chatType?: 'private' | 'group' | 'supergroup' | 'channel';
  from?: number;
  /** The chat the message is sent as (an anonymous admin writes as the group itself). */
  senderChat?: number;
  document?: { file_id: string; file_unique_id: string; file_name: string; file_size: number };
  replyToDocument?: { file_id: string; file_unique_id: string; file_name: string; file_size: number };
}

export interface TelegramAnswer {
  text: string;
  /** Whether a "working" message was posted first and then edited into the answer. */
  deferred: boolean;
  requests: TelegramRequest[];
}

let nextMessageId = 1000;

function sameChat(r: TelegramRequest, chat: number): boolean {
  return String(r.params.chat_id) === String(chat);
}

export function pushCommand(fake: FakeTelegram, text: string, sender: Sender): { messageId: number; from: number } {
  const messageId = nextMessageId++;
  const chatType = sender.chatType ?? (sender.chat > 0 ? 'private' : 'supergroup');
  const from = sender.from ?? sender.chat;
  const message: Record<string, unknown> = {
    message_id: messageId,
    date: Math.floor(Date.now() / 1000),
    chat:
      chatType === 'private'
        ? { id: sender.chat, type: 'private', first_name: 'User' }
        : { id: sender.chat, type: chatType, title: 'Group' },
    ...(sender.senderChat
      ? {
          sender_chat: { id: sender.senderChat, type: chatType, title: 'Group' },
          from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
        }
      : { from: { id: from, is_bot: false, first_name: 'User', username: `user${from}` } }),
    ...(sender.document ? { document: sender.document, caption: text } : { text }),
    ...(sender.replyToDocument
      ? {
          reply_to_message: {
            message_id: messageId - 500,
            date: 0,
            chat: { id: sender.chat, type: chatType },
            document: sender.replyToDocument,
          },
        }
      : {}),
  };
  fake.pushUpdate({ message });
  return { messageId, from };
}

/** Sends `text` and resolves with Taza's answer: a reply to the message, or the edit of its "working" message. */
export async function tgCommand(fake: FakeTelegram, text: string, sender: Sender): Promise<TelegramAnswer> {
  const start = fake.requests.length;
  const { messageId } = pushCommand(fake, text, sender);
  return tgAnswer(fake, sender.chat, messageId, start);
}

export async function tgAnswer(
  fake: FakeTelegram,
  chat: number,
  messageId: number,
  start: number,
): Promise<TelegramAnswer> {
  const mine = (r: TelegramRequest) => fake.requests.indexOf(r) >= start && r.status !== undefined && sameChat(r, chat);
  const isReply = (r: TelegramRequest) => {
    const reply = r.params.reply_parameters as { message_id?: number } | string | undefined;
    const id =
      typeof reply === 'string' ? (JSON.parse(reply) as { message_id?: number }).message_id : reply?.message_id;
    return id === messageId;
  };
  const final = await fake.waitFor(
    (r) =>
      mine(r) &&
      !String(r.params.text).startsWith('⏳') &&
      ((r.method === 'sendMessage' && isReply(r)) || r.method === 'editMessageText'),
  );
  const requests = fake.requests.slice(start).filter((r) => sameChat(r, chat));
  return { text: String(final.params.text ?? ''), deferred: final.method === 'editMessageText', requests };
}
