/**
 * Where on Discord an alert goes, by the kind of channel its destination is: a forum post (each alert a new post,
 * titled with the item), a message in a thread (unarchived first when the bot may), a message that starts a thread
 * (`thread: new`), or a plain message. Edits of an alert already posted also live here.
 */
import { ChannelType, DiscordAPIError, RESTJSONErrorCodes, Routes, type REST } from 'discord.js';
import type { Alert } from '../../core/alert.js';
import type { DiscordMessage } from '../../render/index.js';
import { threadName } from '../../render/index.js';
import { DeliveryError, type SentReceipt, type SinkLogger } from '../../outbox/sink.js';

interface ChannelInfo {
  type: number;
  availableTags: Array<{ id: string; name: string }>;
  at: number;
}

/** A forum's tags can change; the channel's kind cannot. */
const CHANNEL_INFO_TTL_MS = 10 * 60_000;
const FORUM_TYPES = new Set<number>([ChannelType.GuildForum, ChannelType.GuildMedia]);
const THREAD_TYPES = new Set<number>([
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
]);
const TEXT_TYPES = new Set<number>([ChannelType.GuildText, ChannelType.GuildAnnouncement]);

type MessageBody = DiscordMessage & { nonce?: string; enforce_nonce?: boolean };

interface RawMessage {
  id: string;
  channel_id: string;
}

export class DiscordPlacement {
  private readonly channels = new Map<string, ChannelInfo>();

  constructor(
    private readonly rest: REST,
    private readonly logger: SinkLogger | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The channel's kind and a forum's tags; undefined when Discord will not say (the post then reports why). */
  private async channel(id: string): Promise<ChannelInfo | undefined> {
    const cached = this.channels.get(id);
    if (cached && this.now() - cached.at < CHANNEL_INFO_TTL_MS) return cached;
    try {
      const raw = (await this.rest.get(Routes.channel(id))) as {
        type: number;
        available_tags?: Array<{ id: string; name: string }>;
      };
      const info = { type: raw.type, availableTags: raw.available_tags ?? [], at: this.now() };
      this.channels.set(id, info);
      return info;
    } catch {
      return undefined;
    }
  }

  async post(alert: Alert, body: MessageBody): Promise<SentReceipt> {
    const channelId = alert.destination.id;
    const info = await this.channel(channelId);
    if (info && FORUM_TYPES.has(info.type)) return this.forumPost(alert, body, info);
    const message =
      info && THREAD_TYPES.has(info.type) ? await this.inThread(channelId, body) : await this.send(channelId, body);
    if (alert.style?.thread === 'new' && (!info || TEXT_TYPES.has(info.type))) await this.startThread(alert, message);
    return { channelId: message.channel_id, messageId: message.id, kind: 'text' };
  }

  private async send(channelId: string, body: MessageBody): Promise<RawMessage> {
    return (await this.rest.post(Routes.channelMessages(channelId), { body })) as RawMessage;
  }

  /** A forum post: the item's title names it, the alert is its first message, tags chosen by name. */
  private async forumPost(alert: Alert, body: MessageBody, info: ChannelInfo): Promise<SentReceipt> {
    const wanted = new Set((alert.style?.forumTags ?? []).map((tag) => tag.trim().toLowerCase()));
    const appliedTags = info.availableTags
      .filter((tag) => wanted.has(tag.name.trim().toLowerCase()))
      .map((tag) => tag.id)
      .slice(0, 5);
    const message = { ...body };
    delete message.nonce;
    delete message.enforce_nonce;
    const thread = (await this.rest.post(Routes.threads(alert.destination.id), {
      body: { name: threadName(alert), message, ...(appliedTags.length > 0 && { applied_tags: appliedTags }) },
    })) as { id: string; message?: { id: string } };
    // A forum post's first message has the thread's id.
    return { channelId: thread.id, messageId: thread.message?.id ?? thread.id, kind: 'text' };
  }

  /** Posts in a thread; one archived meanwhile is unarchived (it needs Manage Threads when locked), else the reason. */
  private async inThread(threadId: string, body: MessageBody): Promise<RawMessage> {
    try {
      return await this.send(threadId, body);
    } catch (error) {
      if (!(error instanceof DiscordAPIError) || error.code !== RESTJSONErrorCodes.InvalidActionOnArchivedThread)
        throw error;
    }
    try {
      await this.rest.patch(Routes.channel(threadId), { body: { archived: false } });
    } catch (error) {
      const why = error instanceof DiscordAPIError ? `${error.message}` : String(error);
      throw new DeliveryError(
        'permanent',
        `Discord thread ${threadId} is archived and the bot may not unarchive it (${why}): unarchive it, or give the bot Manage Threads`,
        { status: error instanceof DiscordAPIError ? error.status : undefined },
      );
    }
    this.logger?.info(
      { platform: 'discord', channelId: threadId, event: 'discord.thread-unarchived' },
      'thread unarchived',
    );
    return this.send(threadId, body);
  }

  /** `thread: new`: a thread from the alert message. The alert is already posted, so a failure here is only logged. */
  private async startThread(alert: Alert, message: RawMessage): Promise<void> {
    try {
      await this.rest.post(Routes.threads(message.channel_id, message.id), {
        body: { name: threadName(alert), auto_archive_duration: 1440 },
      });
    } catch (error) {
      this.logger?.warn(
        {
          platform: 'discord',
          event: 'discord.thread-failed',
          channelId: message.channel_id,
          alertId: alert.id,
          reason: error instanceof Error ? error.message : String(error),
        },
        'alert posted; its thread could not be started',
      );
    }
  }

  /**
   * Edits the alert's message in place. A message that is gone, or that Discord will not let the bot edit any more,
   * is left as it is: an edit never becomes a second post, and never pauses the subscription.
   */
  async edit(alert: Alert, body: DiscordMessage): Promise<SentReceipt> {
    const target = alert.edit!.message;
    const patch = { content: body.content ?? '', embeds: body.embeds, allowed_mentions: body.allowed_mentions };
    try {
      await this.rest.patch(Routes.channelMessage(target.channelId, target.messageId), { body: patch });
      // A forum post is named after the item: the name follows the title.
      if (target.channelId !== alert.destination.id && target.channelId === target.messageId)
        await this.rest.patch(Routes.channel(target.channelId), { body: { name: threadName(alert) } }).catch(() => {});
    } catch (error) {
      if (!(error instanceof DiscordAPIError) || error.status >= 500 || error.status === 429) throw error;
      this.logger?.warn(
        {
          platform: 'discord',
          event: 'alert.edit-skipped',
          alertId: alert.id,
          channelId: target.channelId,
          messageId: target.messageId,
          reason: error.message,
        },
        'the alert message could not be edited; left as it is',
      );
    }
    return target;
  }
}
