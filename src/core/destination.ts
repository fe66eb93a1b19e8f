/**
 * Where alerts go. Written as `console`, `discord:<channelId>` (a text, announcement or forum channel, or a
 * thread), `telegram:<chatId>` or `telegram:<chatId>/<topicId>` (a topic of a forum supergroup).
 */

export type Platform = 'console' | 'discord' | 'telegram';

export interface Destination {
  platform: Platform;
  /** Channel id (Discord) or chat id (Telegram); '' for the console. */
  id: string;
  /** Telegram: the forum topic (message_thread_id) inside the chat; absent for the chat's general flow. */
  topicId?: string;
}

export function parseDestination(text: string): Destination | { error: string } {
  const value = text.trim();
  if (value === 'console') return { platform: 'console', id: '' };
  const match = /^(discord|telegram):(.+)$/.exec(value);
  if (!match)
    return { error: `"${text}" is not a destination: expected console, discord:<channelId> or telegram:<chatId>` };
  const platform = match[1] as 'discord' | 'telegram';
  const id = match[2]!.trim();
  if (platform === 'discord' && !/^\d{15,22}$/.test(id))
    return { error: `"${id}" is not a Discord channel id (a snowflake of 15 to 22 digits)` };
  if (platform === 'telegram') {
    const [chat = '', topic, ...rest] = id.split('/');
    if (!/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/.test(chat))
      return { error: `"${chat}" is not a Telegram chat id (a number such as -1001234567890, or @channelname)` };
    if (topic === undefined) return { platform, id: chat };
    if (rest.length > 0 || !/^\d{1,12}$/.test(topic))
      return {
        error: `"${topic}" is not a Telegram topic id (the number after the chat id: telegram:<chatId>/<topicId>)`,
      };
    return { platform, id: chat, topicId: topic };
  }
  return { platform, id };
}

export function formatDestination(destination: Destination): string {
  if (destination.platform === 'console') return 'console';
  const topic = destination.topicId ? `/${destination.topicId}` : '';
  return `${destination.platform}:${destination.id}${topic}`;
}
