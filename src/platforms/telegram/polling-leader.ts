/**
 * One `getUpdates` reader across every instance of the bot. Telegram answers a second concurrent long poll with
 * 409 Conflict and ends the first, so instances take turns through the lease 'telegram:poller': only its holder
 * runs grammY's long polling, and every instance keeps sending. The holder renews the lease while it polls and
 * stops polling as soon as the lease is lost; a holder that dies without releasing it (SIGKILL) is replaced once
 * the lease expires, and a clean stop releases it and says so on a channel, so another instance takes over at once.
 */
import type { Bot } from 'grammy';
import type { Coordinator, Lease } from '../../coordination/coordinator.js';
import type { SinkLogger } from '../../outbox/sink.js';

export const POLLER_LEASE = 'telegram:poller';
/** Where a leader that stops cleanly tells the others the lease is free. */
export const POLLER_CHANNEL = 'taza:telegram-poller';

export interface PollingLeaderTimings {
  /** How long a hold lasts without renewal: the takeover time after a holder dies. Default 10 s. */
  leaseTtlMs: number;
  /** How often the holder renews and the others try to take the lease. Default 3 s. */
  renewMs: number;
}

export interface PollingLeaderOptions extends Partial<PollingLeaderTimings> {
  coordinator: Coordinator;
  /** The bot whose long polling the leader runs (its handlers are registered before start). */
  bot: Pick<Bot, 'start' | 'stop' | 'isRunning'>;
  logger?: SinkLogger;
  /** Removes the token from error text that may be logged. */
  redact?: (text: string) => string;
}

export interface PollingLeader {
  /** Starts taking part: resolves after the first attempt (this instance polls, or another one does). */
  start(): Promise<void>;
  /** Stops polling if this instance leads, then releases the lease and tells the others. Idempotent. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

export function createPollingLeader(options: PollingLeaderOptions): PollingLeader {
  const { coordinator, bot, logger } = options;
  const ttlMs = options.leaseTtlMs ?? 10_000;
  const renewMs = options.renewMs ?? 3_000;
  const redact = options.redact ?? ((text: string) => text);
  const fields = { platform: 'telegram', instanceId: coordinator.instanceId, lease: POLLER_LEASE };
  let lease: Lease | undefined;
  let lastRenewedAt = 0;
  let polling: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let unsubscribe: (() => Promise<void>) | undefined;

  const errorText = (error: unknown) => redact(error instanceof Error ? error.message : String(error));

  const startPolling = () => {
    polling = bot
      .start({ drop_pending_updates: false })
      .catch((error: unknown) => {
        // A 409 means a reader outside the lease (another deployment with this token): the next renewal retries.
        logger?.error(
          { ...fields, event: 'telegram.polling-failed', err: errorText(error) },
          'telegram polling stopped',
        );
      })
      .finally(() => {
        polling = undefined;
      });
  };

  const stopPolling = async () => {
    try {
      // Aborts the long poll and confirms the handled updates, so the next leader does not see them again.
      if (bot.isRunning()) await bot.stop();
    } catch (error) {
      logger?.warn({ ...fields, event: 'telegram.polling-stop-failed', err: errorText(error) }, 'stopping failed');
    }
    await polling;
  };

  const campaign = async () => {
    if (stopped) return;
    if (!lease) {
      lease = await coordinator.tryLease(POLLER_LEASE, ttlMs);
      if (!lease || stopped) return;
      lastRenewedAt = Date.now();
      logger?.info({ ...fields, event: 'telegram.poller-acquired' }, 'this instance reads Telegram updates');
      startPolling();
      return;
    }
    let kept: boolean;
    try {
      kept = await lease.renew(ttlMs);
      if (kept) lastRenewedAt = Date.now();
    } catch (error) {
      // The backend did not answer: the hold is still ours until it would have expired, minus one renewal.
      kept = Date.now() - lastRenewedAt < ttlMs - renewMs;
      logger?.warn({ ...fields, event: 'telegram.poller-renew-failed', err: errorText(error) }, 'lease renewal failed');
    }
    if (!kept) {
      lease = undefined;
      logger?.warn({ ...fields, event: 'telegram.poller-lost' }, 'lost the Telegram poller lease; polling stops');
      await stopPolling();
      return;
    }
    if (!bot.isRunning() && !polling) startPolling();
  };

  /** Runs one attempt at a time; a wake-up during one runs another right after it. */
  const step = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await campaign();
        } catch (error) {
          logger?.warn({ ...fields, event: 'telegram.poller-attempt-failed', err: errorText(error) }, 'lease failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(() => void step(), renewMs);
    });
    return running;
  };

  return {
    async start() {
      if (stopped || unsubscribe) return;
      unsubscribe = await coordinator.subscribe(POLLER_CHANNEL, () => {
        if (!lease && !stopped) {
          clearTimeout(timer);
          void step();
        }
      });
      await step();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await running;
      clearTimeout(timer);
      await unsubscribe?.().catch(() => undefined);
      const held = lease;
      lease = undefined;
      await stopPolling();
      if (!held) return;
      try {
        await held.release();
        await coordinator.publish(POLLER_CHANNEL, 'released');
        logger?.info({ ...fields, event: 'telegram.poller-released' }, 'released the Telegram poller lease');
      } catch (error) {
        logger?.warn({ ...fields, event: 'telegram.poller-release-failed', err: errorText(error) }, 'release failed');
      }
    },
    isLeader: () => lease !== undefined,
  };
}
