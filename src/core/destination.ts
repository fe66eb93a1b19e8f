/** Where alerts go. Written as `console`, `discord:<channelId>` or `telegram:<chatId>`. */

export type Platform = 'console' | 'discord' | 'telegram';

export interface Destination {
  platform: Platform;
  /** Channel id (Discord) or chat id (Telegram); '' for the console. */
  id: string;
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
  if (platform === 'telegram' && !/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/.test(id)) {
    return { error: `"${id}" is not a Telegram chat id (a number such as -1001234567890, or @channelname)` };
  }
  return { platform, id };
}

export function formatDestination(destination: Destination): string {
  return destination.platform === 'console' ? 'console' : `${destination.platform}:${destination.id}`;
}
