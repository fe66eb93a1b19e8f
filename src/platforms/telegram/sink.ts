/**
 * The Telegram sink: a grammY Bot whose API calls pass through a per-call timeout and @grammyjs/auto-retry
 * (which waits out `retry_after` and retries 5xx a few times), with sends paced inside Telegram's limits.
 * It does not poll for updates by itself: the command layer calls startPolling() when it has handlers.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError } from 'grammy';
import type { Alert } from '../../core/alert.js';
import type { TelegramMessage } from '../../render/index.js';
import { DeliveryError, type ConnectionState, type Sink, type SinkLogger } from '../../outbox/sink.js';
import { requestTimeout, toDeliveryError } from './errors.js';
import { editOnTelegram, postToTelegram } from './placement.js';
import { TELEGRAM_LIMITS, TelegramPacer, type PacingLimits } from './pacing.js';

export interface TelegramSinkOptions {
  token: string;
  /** Bot API root without a trailing slash, e.g. https://api.telegram.org. */
  apiRoot: string;
  render: (alert: Alert) => TelegramMessage;
  logger?: SinkLogger;
  pacing?: Partial<PacingLimits>;
  /** Each API call (except the long poll) fails as transient after this long. Default 15 s. */
  requestTimeoutMs?: number;
  /** A `retry_after` longer than this is not waited for inside send(): it fails as transient with retryAfterMs. Default 60 s. */
  maxRetryAfterSeconds?: number;
  /**
   * How often a 5xx answer is retried inside send(), with growing pauses (3 s, 6 s, …), before it fails as transient
   * and the outbox retries with its own backoff. Default 2.
   */
  serverErrorRetries?: number;
}

export interface TelegramSink extends Sink {
  readonly platform: 'telegram';
  /** The grammY bot, for the command layer to register handlers on. */
  readonly bot: Bot;
  /** Starts long polling (keeping pending updates); resolves once polling has begun. */
  startPolling(): Promise<void>;
}

export function createTelegramSink(options: TelegramSinkOptions): TelegramSink {
  const logger = options.logger;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const redact = redactor(options.token);
  const serverErrorRetries = options.serverErrorRetries ?? 2;
  // A long poll holds the request for 30 s, so grammY's own timeout must sit above it; sends use requestTimeout.
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot, timeoutSeconds: 60 } });
  bot.api.config.use(requestTimeout(requestTimeoutMs));
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: serverErrorRetries,
      maxDelaySeconds: options.maxRetryAfterSeconds ?? 60,
      rethrowInternalServerErrors: serverErrorRetries === 0,
      // Network errors and timeouts go straight back to the outbox, which retries with its own backoff.
      rethrowHttpErrors: true,
    }),
  );
  const pacer = new TelegramPacer({ ...TELEGRAM_LIMITS, ...options.pacing });
  let state: ConnectionState = 'disconnected';
  let polling: Promise<void> | undefined;

  const sendNow = async (alert: Alert) => {
    // Checked when the send's turn comes, so sends queued before stop() do not go out after it.
    if (state !== 'connected') throw new DeliveryError('transient', `Telegram sink is ${state}`);
    const message = options.render(alert);
    if (alert.edit) return editOnTelegram(bot.api, alert, message, logger);
    // Telegram fetches the photo itself; when it cannot, the alert goes out as text, laid out for a message.
    const withoutPhoto = () => options.render({ ...alert, style: { ...alert.style, images: false } });
    return postToTelegram(bot.api, alert, message, withoutPhoto);
  };

  return {
    platform: 'telegram',
    bot,
    async start() {
      state = 'connecting';
      try {
        bot.botInfo = await bot.api.getMe();
      } catch (error) {
        state = 'disconnected';
        throw startError(error, options.apiRoot, redact);
      }
      state = 'connected';
      logger?.info({ platform: 'telegram', username: bot.botInfo.username }, 'telegram bot connected');
    },
    async startPolling() {
      if (state !== 'connected') throw new Error('start() the Telegram sink before startPolling()');
      if (polling) return;
      await new Promise<void>((resolve, reject) => {
        polling = bot.start({ drop_pending_updates: false, onStart: () => resolve() }).catch((error: unknown) => {
          polling = undefined;
          logger?.error({ platform: 'telegram', err: redact(String(error)) }, 'telegram polling stopped with an error');
          reject(error instanceof Error ? new Error(redact(error.message)) : error);
        });
      });
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      if (bot.isRunning()) await bot.stop();
      await polling;
      logger?.info({ platform: 'telegram' }, 'telegram sink stopped');
    },
    state: () => state,
    async send(alert) {
      const chatId = alert.destination.id;
      if (alert.destination.platform !== 'telegram')
        throw new DeliveryError('permanent', `not a Telegram destination: ${alert.destination.platform}`);
      try {
        return await pacer.run(chatId, () => sendNow(alert));
      } catch (error) {
        const failure = toDeliveryError(error, chatId, redact);
        logger?.warn(
          {
            platform: 'telegram',
            chatId,
            alertId: alert.id,
            kind: failure.kind,
            status: failure.details.status,
            reason: failure.message,
          },
          'telegram send failed',
        );
        throw failure;
      }
    },
  };
}

function startError(error: unknown, apiRoot: string, redact: (text: string) => string): Error {
  if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
    return new Error(
      `Telegram rejected the bot token (${error.error_code} ${error.description}): check the token BotFather gave you`,
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`Could not reach the Telegram Bot API at ${apiRoot}: ${redact(reason)}`);
}

/** Removes the token (and its secret half) from text that may be logged: grammY puts the token in request URLs. */
function redactor(token: string): (text: string) => string {
  const secrets = [token, token.split(':')[1] ?? ''].filter((s) => s.length >= 8);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}
