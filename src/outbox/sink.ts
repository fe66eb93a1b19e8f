/** The boundary between the outbox and a platform. Adapters implement it; the core only knows this file. */
import type { Alert } from '../core/alert.js';
import type { Platform } from '../core/destination.js';
import type { SentMessage } from '../core/records.js';

/** Where the platform put the alert, so a later edit finds it: the outbox keeps it with the sent entry. */
export type SentReceipt = Pick<SentMessage, 'channelId' | 'messageId' | 'kind'>;

/** The logging the adapters need: pino's shape, so the app passes a child logger. */
export interface SinkLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface Sink {
  readonly platform: Platform;
  /** Connect (log in, open the gateway). Resolves once ready to send. */
  start(): Promise<void>;
  /** Disconnect cleanly. Idempotent. */
  stop(): Promise<void>;
  state(): ConnectionState;
  /**
   * Send one alert (or, when `alert.edit` is set, edit the message it names in place: never a new post).
   * Resolves only after the platform acknowledged it, with where the message is when the platform says.
   * Fails with a DeliveryError that says whether to retry.
   */
  send(alert: Alert): Promise<SentReceipt | void>;
}

/**
 * transient: network, timeout, 5xx, 429: retry later (after retryAfterMs when the platform said so).
 * permanent: 403, 404, chat not found, bot kicked: pause the destination's subscriptions with `message` as the reason.
 * moved: Telegram group upgraded to a supergroup: resend to `movedTo` and move the subscriptions there.
 */
export type DeliveryErrorKind = 'transient' | 'permanent' | 'moved';

export class DeliveryError extends Error {
  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    readonly details: { retryAfterMs?: number; movedTo?: string; status?: number } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
