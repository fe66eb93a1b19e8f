/** Turns what discord.js's REST client throws into the outbox's cases. */
import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';
import { DeliveryError } from '../../outbox/sink.js';

/** Discord's answers that mean "this channel will not take messages from the bot until a person acts". */
const CHANNEL_GONE: Partial<Record<number, string>> = {
  [RESTJSONErrorCodes.MissingAccess]:
    'the bot cannot see this channel (Missing Access): invite it or give it the View Channel permission',
  [RESTJSONErrorCodes.MissingPermissions]:
    'the bot lacks permission to post here (Missing Permissions): it needs Send Messages and Embed Links',
  [RESTJSONErrorCodes.UnknownChannel]:
    'the channel does not exist (Unknown Channel): it was deleted or the id is wrong',
  [RESTJSONErrorCodes.UnknownGuild]: 'the bot is no longer in this server (Unknown Guild)',
};

export function toDeliveryError(error: unknown, channelId: string, timeoutMs: number): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof DiscordAPIError) {
    const status = error.status;
    const code = typeof error.code === 'number' ? error.code : undefined;
    const known = code === undefined ? undefined : CHANNEL_GONE[code];
    if (known) return new DeliveryError('permanent', `Discord channel ${channelId}: ${known}`, { status });
    // A bad token is the operator's problem, not this channel's: do not pause its subscriptions.
    if (status === 401)
      return new DeliveryError('transient', 'Discord rejected the bot token (401 Unauthorized)', { status });
    if (status === 429) return new DeliveryError('transient', `Discord rate limit: ${error.message}`, { status });
    // Other 4xx (403/404 with other codes, 400 Invalid Form Body) will fail the same way every time.
    return new DeliveryError(
      'permanent',
      `Discord refused the message for channel ${channelId}: ${error.message} (code ${String(error.code)})`,
      { status },
    );
  }
  if (error instanceof RateLimitError) {
    return new DeliveryError('transient', `Discord rate limit on ${error.route}`, {
      retryAfterMs: error.retryAfter,
      status: 429,
    });
  }
  if (error instanceof HTTPError)
    return new DeliveryError('transient', `Discord server error ${error.status}: ${error.message}`, {
      status: error.status,
    });
  if (error instanceof Error && error.name === 'AbortError')
    return new DeliveryError('transient', `Discord did not answer within ${timeoutMs} ms`);
  const reason = error instanceof Error ? error.message : String(error);
  return new DeliveryError('transient', `Network error talking to Discord: ${reason}`);
}
