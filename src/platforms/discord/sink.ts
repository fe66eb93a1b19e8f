/**
 * The Discord sink: a discord.js Client (Guilds intent only) whose gateway gives the connection state, and whose
 * REST client posts each alert to its channel id. discord.js waits out short 429s itself (a longer one goes back to
 * the outbox as transient, with its Retry-After) and retries 5xx and timeouts a few times; every create carries a
 * nonce derived from the alert id with enforce_nonce, so a repeated create (a retry after a lost answer, or a resend
 * after a crash) returns the first message instead of posting twice. Where in the channel it goes (a forum post, a
 * thread) and edits in place are placement.ts.
 */
import { Client, Events, GatewayIntentBits, Routes, Status, type RESTOptions } from 'discord.js';
import type { Alert } from '../../core/alert.js';
import { shortHash } from '../../core/hash.js';
import { allowedMentions, type DiscordMessage } from '../../render/index.js';
import { DeliveryError, type ConnectionState, type Sink, type SinkLogger } from '../../outbox/sink.js';
import { toDeliveryError } from './errors.js';
import { DiscordPlacement } from './placement.js';

export interface DiscordSinkOptions {
  token: string;
  /** REST base without the version, e.g. https://discord.com/api (discord.js appends /v10). */
  apiBase: string;
  render: (alert: Alert) => DiscordMessage;
  logger?: SinkLogger;
  /** A REST request unanswered for this long is aborted (and retried by discord.js, then transient). Default 15 s. */
  requestTimeoutMs?: number;
  /**
   * A rate limit on posting longer than this is not waited out inside send(): it fails as transient with
   * retryAfterMs, and the outbox waits instead while other channels move on. Default 60 s.
   */
  maxRetryAfterMs?: number;
  /** Post over REST only, with no gateway connection of its own (with several instances, shards.ts connects them). */
  restOnly?: boolean;
  /** Performs each REST request instead of discord.js's default (global-rate.ts wraps it in the shared rate). */
  makeRequest?: RESTOptions['makeRequest'];
}

export interface DiscordSink extends Sink {
  readonly platform: 'discord';
  /** The discord.js client, for the command layer to listen for interactions on. */
  readonly client: Client;
}

/** The REST route alerts are posted on, as discord.js names it in rate-limit data. */
const MESSAGES_ROUTE = '/channels/:id/messages';

/** Discord accepts nonces of at most 25 characters; the digest is 24 and the same for every resend of one alert. */
export function discordNonce(alertId: string): string {
  return shortHash('discord-nonce', alertId);
}

export function createDiscordSink(options: DiscordSinkOptions): DiscordSink {
  const logger = options.logger;
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const redact = (text: string) => text.split(options.token).join('[redacted]');
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    rest: {
      api: options.apiBase,
      timeout: timeoutMs,
      rejectOnRateLimit: (limit) => limit.route === MESSAGES_ROUTE && limit.retryAfter > maxRetryAfterMs,
      ...(options.makeRequest ? { makeRequest: options.makeRequest } : {}),
    },
  });
  let phase: 'idle' | 'starting' | 'ready' | 'stopped' = 'idle';
  const placement = new DiscordPlacement(client.rest, logger);

  client.on(Events.ShardReconnecting, (shardId) =>
    logger?.warn({ platform: 'discord', shardId }, 'discord gateway connection lost; reconnecting'),
  );
  client.on(Events.ShardResume, (shardId) => logger?.info({ platform: 'discord', shardId }, 'discord gateway resumed'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    logger?.error({ platform: 'discord', shardId, code: event.code }, 'discord gateway closed and will not reconnect'),
  );
  client.on(Events.Error, (error) =>
    logger?.error({ platform: 'discord', err: redact(error.message) }, 'discord client error'),
  );
  client.on(Events.Warn, (message) => logger?.warn({ platform: 'discord' }, redact(message)));
  client.on(Events.Debug, (message) => logger?.debug({ platform: 'discord' }, redact(message)));
  client.rest.on('rateLimited', (info) =>
    logger?.debug(
      { platform: 'discord', route: info.route, retryAfterMs: info.retryAfter },
      'discord rate limit: waiting',
    ),
  );

  const gatewayState = (): ConnectionState => {
    const shards = [...client.ws.shards.values()];
    return shards.length > 0 && shards.every((shard) => shard.status === Status.Ready) ? 'connected' : 'disconnected';
  };

  return {
    platform: 'discord',
    client,
    async start() {
      if (phase === 'stopped') throw new Error('a stopped Discord sink cannot be restarted; create a new one');
      phase = 'starting';
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      try {
        if (options.restOnly) {
          client.rest.setToken(options.token);
          await client.rest.get(Routes.user()); // checks the token as logging in would
        } else {
          await client.login(options.token);
          await ready;
        }
      } catch (error) {
        phase = 'idle';
        await client.destroy();
        const reason = redact(error instanceof Error ? error.message : String(error));
        throw new Error(`Could not connect to Discord at ${options.apiBase}: ${reason}`);
      }
      phase = 'ready';
      logger?.info(
        { platform: 'discord', user: client.user?.tag, guilds: client.guilds.cache.size },
        'discord bot connected',
      );
    },
    async stop() {
      if (phase === 'stopped') return;
      phase = 'stopped';
      await client.destroy();
      logger?.info({ platform: 'discord' }, 'discord sink stopped');
    },
    state() {
      if (phase === 'stopped') return 'stopped';
      if (phase === 'idle') return 'disconnected';
      if (phase === 'starting') return 'connecting';
      return options.restOnly ? 'connected' : gatewayState();
    },
    async send(alert) {
      const channelId = alert.destination.id;
      if (alert.destination.platform !== 'discord')
        throw new DeliveryError('permanent', `not a Discord destination: ${alert.destination.platform}`);
      if (phase !== 'ready') throw new DeliveryError('transient', `Discord sink is not running (${phase})`);
      // Whatever the renderer says, the message may ping only the subscription's own mention target (or no one).
      const message = { ...options.render(alert), allowed_mentions: allowedMentions(alert.style?.mention) };
      try {
        if (alert.edit) return await placement.edit(alert, message);
        return await placement.post(alert, { ...message, nonce: discordNonce(alert.id), enforce_nonce: true });
      } catch (error) {
        const failure = toDeliveryError(error, channelId, timeoutMs);
        failure.message = redact(failure.message);
        logger?.warn(
          {
            platform: 'discord',
            channelId,
            alertId: alert.id,
            kind: failure.kind,
            status: failure.details.status,
            reason: failure.message,
          },
          'discord send failed',
        );
        throw failure;
      }
    },
  };
}
