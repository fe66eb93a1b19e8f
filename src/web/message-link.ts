/**
 * Where a sent alert can be opened, when the platform gives it an address: a Discord message in a server's channel
 * or thread, a Telegram message in a supergroup or channel (`t.me/c/…` opens for its members, `t.me/<name>/…` for
 * anyone in a public channel). Private chats and basic groups have none.
 */
import type { OutboxEntry } from '../core/records.js';

export function messageLink(entry: OutboxEntry, guildId: string | undefined): string | undefined {
  const sent = entry.sent;
  if (!sent) return undefined;
  const { destination } = entry.alert;
  if (destination.platform === 'discord') {
    if (!guildId || !/^\d{15,22}$/.test(guildId)) return undefined;
    return `https://discord.com/channels/${guildId}/${sent.channelId}/${sent.messageId}`;
  }
  if (destination.platform === 'telegram') {
    const chat = sent.channelId || destination.id;
    if (chat.startsWith('@')) return `https://t.me/${chat.slice(1)}/${sent.messageId}`;
    const internal = /^-100(\d+)$/.exec(chat)?.[1];
    return internal ? `https://t.me/c/${internal}/${sent.messageId}` : undefined;
  }
  return undefined;
}
