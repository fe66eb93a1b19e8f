/**
 * How an alert reaches a Telegram chat: as a message or, with an image, a photo whose caption is the alert; into
 * a forum topic (message_thread_id) when the destination names one; without a sound when silent. Edits of an
 * alert already posted (its text, or its caption) also live here.
 */
import { GrammyError, type Api } from 'grammy';
import type { Alert } from '../../core/alert.js';
import type { TelegramMessage } from '../../render/index.js';
import { DeliveryError, type SentReceipt, type SinkLogger } from '../../outbox/sink.js';

/** Telegram could not use the photo URL: the alert goes out as a text message instead. */
const PHOTO_REFUSED =
  /wrong file identifier|failed to get HTTP URL content|wrong type of the web page content|IMAGE_PROCESS_FAILED|PHOTO_INVALID_DIMENSIONS|WEBPAGE_MEDIA_EMPTY|wrong remote file/i;
const TOPIC_CLOSED = /TOPIC_CLOSED/i;
const TOPIC_GONE = /TOPIC_DELETED|message thread not found|TOPIC_ID_INVALID/i;
const NOT_MODIFIED = /message is not modified/i;

export async function postToTelegram(
  api: Api,
  alert: Alert,
  message: TelegramMessage,
  renderWithoutPhoto: () => TelegramMessage,
): Promise<SentReceipt> {
  const chatId = alert.destination.id;
  const topicId = alert.destination.topicId;
  const common = {
    parse_mode: message.parse_mode,
    ...(topicId && { message_thread_id: Number(topicId) }),
    ...(message.disable_notification && { disable_notification: true }),
  };
  try {
    if (message.photo) {
      try {
        const sent = await api.sendPhoto(chatId, message.photo, { ...common, caption: message.text });
        return { channelId: chatId, messageId: String(sent.message_id), kind: 'photo' };
      } catch (error) {
        if (!(error instanceof GrammyError && error.error_code === 400 && PHOTO_REFUSED.test(error.description)))
          throw error;
      }
      message = renderWithoutPhoto();
    }
    const sent = await api.sendMessage(chatId, message.text, {
      ...common,
      link_preview_options: message.link_preview_options,
    });
    return { channelId: chatId, messageId: String(sent.message_id), kind: 'text' };
  } catch (error) {
    throw topicError(error, chatId, topicId) ?? error;
  }
}

/** A closed or deleted topic pauses the subscription with a reason an admin can act on. */
function topicError(error: unknown, chatId: string, topicId: string | undefined): DeliveryError | undefined {
  if (!topicId || !(error instanceof GrammyError) || error.error_code !== 400) return undefined;
  if (TOPIC_CLOSED.test(error.description))
    return new DeliveryError(
      'permanent',
      `Telegram topic ${topicId} of chat ${chatId} is closed: reopen it (or subscribe another topic), then resume`,
      { status: 400 },
    );
  if (TOPIC_GONE.test(error.description))
    return new DeliveryError(
      'permanent',
      `Telegram topic ${topicId} of chat ${chatId} was deleted: subscribe another topic`,
      { status: 400 },
    );
  return undefined;
}

/**
 * Edits the alert's message in place: its text, or a photo's caption. "Not modified" is success; a message that is
 * gone or too old to edit is left as it is (an edit never becomes a second post, and never pauses the subscription).
 */
export async function editOnTelegram(
  api: Api,
  alert: Alert,
  message: TelegramMessage,
  logger: SinkLogger | undefined,
): Promise<SentReceipt> {
  const target = alert.edit!.message;
  const messageId = Number(target.messageId);
  try {
    if (target.kind === 'photo') {
      await api.editMessageCaption(target.channelId, messageId, {
        caption: message.text,
        parse_mode: message.parse_mode,
      });
    } else {
      await api.editMessageText(target.channelId, messageId, message.text, {
        parse_mode: message.parse_mode,
        link_preview_options: message.link_preview_options,
      });
    }
  } catch (error) {
    if (!(error instanceof GrammyError) || error.error_code === 429 || error.error_code >= 500) throw error;
    if (!NOT_MODIFIED.test(error.description))
      logger?.warn(
        {
          platform: 'telegram',
          event: 'alert.edit-skipped',
          alertId: alert.id,
          chatId: target.channelId,
          messageId: target.messageId,
          reason: error.description,
        },
        'the alert message could not be edited; left as it is',
      );
  }
  return target;
}
