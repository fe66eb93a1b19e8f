/**
 * Taza's commands as Telegram bot commands: `/name args` and `/name@botname args` in messages are parsed into the
 * definitions' options (src/chat/text-arguments.ts). In groups only administrators may change subscriptions
 * (getChatMember: creator or administrator; an anonymous admin writing as the group counts); in a private chat the
 * user manages that chat, and may manage a channel by naming it (`/subscribe @channel …`) when they administer it
 * and the bot can post there. Files travel as documents (export sends one; import reads the attached or replied one).
 */
import { InputFile, type Bot, type Context } from 'grammy';
import type { Chat, Message } from 'grammy/types';
import { UserError } from '../../replies/errors.js';
import { code, esc, splitText, toTelegramHtml } from '../../replies/markup.js';
import { refusal, runCommand } from '../../chat/run.js';
import type { CommandServices } from '../../chat/services.js';
import { parseTextArguments } from '../../chat/text-arguments.js';
import type { AttachmentValue, CommandDefinition, CommandTarget, Reply } from '../../chat/definition.js';
import type { CommandAdapter } from '../../chat/adapter.js';
import type { SinkLogger } from '../../outbox/sink.js';
import type { TelegramSink } from './sink.js';

export interface TelegramCommandOptions {
  sink: TelegramSink;
  commands: readonly CommandDefinition[];
  services: CommandServices;
  /** Bot API root, for downloading documents (…/file/bot<token>/<path>). */
  apiRoot: string;
  logger?: SinkLogger;
  maxFileBytes?: number;
}

/** Text is split below 4096 characters (the limit counts the text after HTML entities are read). */
const MESSAGE_LIMIT = 3500;
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/;
const ADMIN_STATUSES = new Set(['creator', 'administrator']);

/** setMyCommands: read-only commands for everyone, all of them in private chats and for group administrators. */
async function registerTelegramCommands(bot: Bot, commands: readonly CommandDefinition[]): Promise<void> {
  const list = (all: boolean) =>
    commands
      .filter((c) => all || c.access === 'everyone')
      .map((c) => ({ command: c.name, description: c.description }));
  await bot.api.setMyCommands(list(false), { scope: { type: 'default' } });
  await bot.api.setMyCommands(list(true), { scope: { type: 'all_private_chats' } });
  await bot.api.setMyCommands(list(true), { scope: { type: 'all_chat_administrators' } });
}

/** The command adapter the Telegram platform module hands to the app. */
export function telegramCommands(
  sink: TelegramSink,
  options: Omit<TelegramCommandOptions, 'sink' | 'commands' | 'services'>,
): CommandAdapter {
  let running: { stop(): void } | undefined;
  return {
    platform: 'telegram',
    async start(commands, services) {
      running = await startTelegramCommands({ ...options, sink, commands, services });
    },
    async stop() {
      running?.stop();
      running = undefined;
    },
  };
}

async function startTelegramCommands(options: TelegramCommandOptions): Promise<{ stop(): void }> {
  const { bot } = options.sink;
  const byName = new Map(options.commands.map((c) => [c.name, c]));
  const logger = options.logger;
  let stopped = false;

  const handle = async (ctx: Context, message: Message) => {
    const text = message.text ?? message.caption ?? '';
    const match = COMMAND.exec(text.trim());
    if (!match) return;
    const [, rawName = '', addressee, args = ''] = match;
    const botName = bot.botInfo.username;
    if (addressee && addressee.toLowerCase() !== botName.toLowerCase()) return; // meant for another bot
    const name = rawName.toLowerCase() === 'start' ? 'help' : rawName.toLowerCase();
    const definition = byName.get(name);
    const chat = message.chat;
    if (!definition) {
      // In groups, other bots' commands are not ours to answer unless addressed to us.
      if (chat.type === 'private' || addressee)
        await send(ctx, message, refusal(`There is no command /${esc(rawName)}. Send /help for the list.`));
      return;
    }
    let reply: Reply;
    let working: Message | undefined;
    let posting: Promise<Message> | undefined;
    // Shared by defer and progress: one "working" message, however many ask for it at once.
    const defer = async () => {
      posting ??= ctx.api.sendMessage(chat.id, '⏳ Working on it…', replyTo(message));
      working = await posting;
    };
    try {
      const parsed = parseTextArguments(definition, args);
      const document = message.document ?? message.reply_to_message?.document;
      const attachmentOption = definition.options.find((o) => o.type === 'attachment');
      if (attachmentOption && document)
        parsed.values.set(
          attachmentOption.name,
          documentValue(bot, options.apiRoot, document, options.maxFileBytes ?? 1024 * 1024),
        );
      const { target, admin } = await resolveTarget(bot, message, parsed.target, definition.access === 'admin');
      reply = await runCommand({
        platform: 'telegram',
        definition,
        raw: parsed.values,
        target,
        user: { id: String(message.from?.id ?? chat.id), name: message.from?.username ?? message.from?.first_name },
        admin,
        services: options.services,
        commands: options.commands,
        defer,
        edit: async (progress) => {
          await defer();
          const [first = ''] = splitText(progress, MESSAGE_LIMIT).map(toTelegramHtml);
          await ctx.api.editMessageText(chat.id, working!.message_id, first, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
          });
        },
      });
    } catch (error) {
      if (error instanceof UserError) {
        logger?.info(
          { platform: 'telegram', command: name, chatId: chat.id, reason: error.message },
          `/${name} refused`,
        );
        reply = refusal(error.message);
      } else {
        // Reading the arguments or asking Telegram who is an admin failed: say so rather than stay silent.
        logger?.warn(
          {
            platform: 'telegram',
            command: name,
            chatId: chat.id,
            err: error instanceof Error ? error.message : String(error),
          },
          `/${name} could not start`,
        );
        reply = refusal(
          'Taza could not check this command with Telegram just now; nothing was changed. Please try again.',
        );
      }
    }
    await send(ctx, message, reply, working);
  };

  bot.on(['message', 'channel_post'], (ctx, next) => {
    const message = ctx.message ?? ctx.channelPost;
    // Detached: a slow subscribe must not hold up the updates behind it (grammY handles updates one at a time).
    if (message && !stopped) {
      handle(ctx, message).catch((error: unknown) =>
        logger?.error(
          { platform: 'telegram', err: error instanceof Error ? error.message : String(error) },
          'telegram command could not be answered',
        ),
      );
    }
    return next();
  });
  await registerTelegramCommands(bot, options.commands);
  await options.sink.startPolling();
  logger?.info({ platform: 'telegram', commands: options.commands.length }, 'telegram commands ready');
  return {
    stop: () => {
      stopped = true;
    },
  };
}

function replyTo(message: Message) {
  return { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } };
}

async function send(ctx: Context, message: Message, reply: Reply, working?: Message): Promise<void> {
  if (reply.private && message.chat.type !== 'private') return sendPrivately(ctx, message, reply, working);
  const chatId = message.chat.id;
  const pieces = splitText(reply.text, MESSAGE_LIMIT).map(toTelegramHtml);
  const [first = '', ...rest] = pieces;
  if (working)
    await ctx.api.editMessageText(chatId, working.message_id, first, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  else
    await ctx.api.sendMessage(chatId, first, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...replyTo(message),
    });
  for (const piece of rest)
    await ctx.api.sendMessage(chatId, piece, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
  if (reply.file)
    await ctx.api.sendDocument(chatId, new InputFile(reply.file.content, reply.file.name), replyTo(message));
}

/**
 * A reply only its asker may see (a login link) goes to their private chat with the bot; the group is told where it
 * went. Telegram lets a bot write to someone only after they started it, so the refusal says to do that first.
 */
async function sendPrivately(ctx: Context, message: Message, reply: Reply, working?: Message): Promise<void> {
  const userId = message.from?.id;
  let note: Reply;
  if (userId === undefined) {
    note = refusal('Send this command as yourself (not as the channel or anonymously): its answer is private.');
  } else {
    try {
      for (const piece of splitText(reply.text, MESSAGE_LIMIT).map(toTelegramHtml))
        await ctx.api.sendMessage(userId, piece, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
      note = { ok: true, text: '✓ Sent you a private message.' };
    } catch {
      note = refusal(
        'Taza cannot write to you privately yet: open a private chat with it, press Start, and ask again.',
      );
    }
  }
  await send(ctx, message, note, working);
}

function documentValue(
  bot: Bot,
  apiRoot: string,
  document: NonNullable<Message['document']>,
  maxBytes: number,
): AttachmentValue {
  return {
    name: document.file_name ?? 'file',
    size: document.file_size,
    async read() {
      const file = await bot.api.getFile(document.file_id);
      if (!file.file_path) throw new UserError('Telegram did not give Taza the file (it may be larger than 20 MB).');
      const response = await fetch(`${apiRoot}/file/bot${bot.token}/${file.file_path}`, {
        signal: AbortSignal.timeout(15_000),
      });
      if (!response.ok) throw new Error(`document download failed: HTTP ${response.status}`);
      const body = Buffer.from(await response.arrayBuffer());
      if (body.length > maxBytes) throw new UserError(`The file is larger than ${Math.round(maxBytes / 1024)} KB.`);
      return body;
    },
  };
}

async function isAdmin(bot: Bot, chatId: number, userId: number): Promise<boolean> {
  const member = await bot.api.getChatMember(chatId, userId);
  return ADMIN_STATUSES.has(member.status);
}

function chatLabel(chat: Pick<Chat, 'id' | 'type'> & { username?: string; title?: string }): string {
  return chat.username
    ? esc(`@${chat.username}`)
    : chat.title
      ? `“${esc(chat.title)}”`
      : `chat ${code(String(chat.id))}`;
}

/** Where the command acts and whether the sender may change subscriptions there. */
async function resolveTarget(
  bot: Bot,
  message: Message,
  named: string | undefined,
  needsAdmin: boolean,
): Promise<{ target: CommandTarget; admin: { allowed: boolean; requirement: string } }> {
  const chat = message.chat;
  const userId = message.from?.id;
  if (named === undefined) {
    // Sent inside a forum topic: the topic is where alerts go (the chat is still whose subscriptions they are).
    const topicId =
      message.is_topic_message && message.message_thread_id ? String(message.message_thread_id) : undefined;
    const target: CommandTarget = {
      scope: String(chat.id),
      destination: { platform: 'telegram', id: String(chat.id), ...(topicId && { topicId }) },
      label: 'this chat',
      destinationLabel: topicId ? 'this topic' : 'this chat',
    };
    if (chat.type === 'private' || chat.type === 'channel')
      return { target, admin: { allowed: true, requirement: '' } };
    // An anonymous admin posts as the group itself; only admins can do that.
    const anonymousAdmin = message.sender_chat?.id === chat.id;
    const allowed = needsAdmin && !anonymousAdmin && userId !== undefined ? await isAdmin(bot, chat.id, userId) : true;
    return { target, admin: { allowed, requirement: 'to be an administrator of this group' } };
  }
  if (userId === undefined) throw new UserError('Name another chat from a private chat with Taza.');
  let other: Chat;
  try {
    other = (await bot.api.getChat(named)) as Chat;
  } catch {
    throw new UserError(
      `Taza cannot find ${esc(named)}. Add the bot to that channel or group as an administrator first, then try again.`,
    );
  }
  const label = chatLabel(other as Chat & { username?: string; title?: string });
  if (!(await isAdmin(bot, other.id, userId).catch(() => false))) {
    throw new UserError(`You are not an administrator of ${label}, so you cannot manage its subscriptions.`);
  }
  const botMember = await bot.api.getChatMember(other.id, bot.botInfo.id).catch(() => undefined);
  const canPost =
    botMember !== undefined &&
    (other.type === 'channel'
      ? botMember.status === 'administrator' && botMember.can_post_messages !== false
      : !['left', 'kicked', 'restricted'].includes(botMember.status));
  if (!canPost)
    throw new UserError(
      `Taza cannot post in ${label}. Make the bot an administrator allowed to post messages there, then try again.`,
    );
  const target: CommandTarget = {
    scope: String(other.id),
    destination: { platform: 'telegram', id: String(other.id) },
    label,
    destinationLabel: label,
  };
  return { target, admin: { allowed: true, requirement: '' } };
}
