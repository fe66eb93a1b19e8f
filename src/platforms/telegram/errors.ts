/** Turns what grammY throws into the outbox's three cases, and bounds each API call in time. */
import { GrammyError, HttpError, type Transformer } from 'grammy';
import { DeliveryError } from '../../outbox/sink.js';

/** Thrown by the timeout transformer; a hung request is a transient failure. */
class TelegramTimeoutError extends Error {
  constructor(method: string, ms: number) {
    super(`Telegram did not answer ${method} within ${ms} ms`);
    this.name = 'TelegramTimeoutError';
  }
}

/**
 * Aborts a call that has not been answered in `ms`. getUpdates is exempt: a long poll is held open on purpose
 * (grammY's own client timeout covers it).
 */
export function requestTimeout(ms: number): Transformer {
  return async (prev, method, payload, signal) => {
    if (method === 'getUpdates') return prev(method, payload, signal);
    const controller = new AbortController();
    const forward = () => controller.abort();
    signal?.addEventListener('abort', forward);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, ms);
    try {
      // grammY types signals with the abort-controller polyfill; at run time it only calls addEventListener.
      return await prev(method, payload, controller.signal as unknown as typeof signal);
    } catch (error) {
      if (timedOut) throw new TelegramTimeoutError(method, ms);
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    }
  };
}

export function toDeliveryError(error: unknown, chatId: string, redact: (text: string) => string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof GrammyError) {
    const status = error.error_code;
    const description = redact(error.description);
    const movedTo = error.parameters.migrate_to_chat_id;
    if (movedTo !== undefined) {
      return new DeliveryError('moved', `Telegram chat ${chatId} became supergroup ${movedTo}`, {
        movedTo: String(movedTo),
        status,
      });
    }
    if (status === 429) {
      const retryAfterMs = (error.parameters.retry_after ?? 1) * 1000;
      return new DeliveryError('transient', `Telegram rate limit: ${description}`, { retryAfterMs, status });
    }
    if (status >= 500) return new DeliveryError('transient', `Telegram server error: ${description}`, { status });
    // 401/404 mean the bot token itself is wrong: the operator's problem, not this chat's, so do not pause it.
    if (status === 401 || status === 404)
      return new DeliveryError('transient', `Telegram rejected the bot token (${status} ${description})`, { status });
    // 403 (kicked, blocked, not a member) and 400 (chat not found, no rights, a message Telegram refuses) do not heal by retrying.
    return new DeliveryError('permanent', `Telegram refused chat ${chatId}: ${description}`, { status });
  }
  if (error instanceof TelegramTimeoutError) return new DeliveryError('transient', error.message);
  if (error instanceof HttpError)
    return new DeliveryError('transient', `Network error talking to Telegram: ${redact(error.message)}`);
  return new DeliveryError(
    'transient',
    `Telegram send failed: ${redact(error instanceof Error ? error.message : String(error))}`,
  );
}
