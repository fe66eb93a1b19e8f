/**
 * One `getUpdates` reader across every instance of the bot. Telegram answers a second concurrent long poll with
 * 409 Conflict and ends the first, so instances take turns through the lease 'telegram:poller': only its holder
 * runs grammY's long polling, and every instance keeps sending. The holder renews the lease while it polls and
 * stops polling as soon as the lease is lost; a holder that dies without releasing it (SIGKILL) is replaced once
 * the lease expires, and a clean stop releases it and says so on a channel, so another instance takes over at once.
 */
import type { Bot } from 'grammy';
import type { Coordinator } from '../../coordination/coordinator.js';
import { createLeaseLoop, HeldLease } from '../../coordination/lease-loop.js';
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
  let held: HeldLease | undefined;
  let polling: Promise<void> | undefined;

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
    if (!held) {
      const lease = await coordinator.tryLease(POLLER_LEASE, ttlMs);
      if (!lease || loop.stopped) return;
      held = new HeldLease(lease);
      logger?.info({ ...fields, event: 'telegram.poller-acquired' }, 'this instance reads Telegram updates');
      startPolling();
      return;
    }
    const kept = await held.keep(ttlMs, renewMs, (error) =>
      logger?.warn({ ...fields, event: 'telegram.poller-renew-failed', err: errorText(error) }, 'lease renewal failed'),
    );
    if (!kept) {
      held = undefined;
      logger?.warn({ ...fields, event: 'telegram.poller-lost' }, 'lost the Telegram poller lease; polling stops');
      await stopPolling();
      return;
    }
    if (!bot.isRunning() && !polling) startPolling();
  };

  const loop = createLeaseLoop({
    coordinator,
    channel: POLLER_CHANNEL,
    everyMs: renewMs,
    attempt: campaign,
    onError: (error) =>
      logger?.warn({ ...fields, event: 'telegram.poller-attempt-failed', err: errorText(error) }, 'lease failed'),
    wakeOnMessage: () => !held,
  });

  return {
    start: () => loop.start(),
    async stop() {
      if (loop.stopped) return;
      await loop.stop();
      const lease = held?.lease;
      held = undefined;
      await stopPolling();
      if (!lease) return;
      try {
        await lease.release();
        await coordinator.publish(POLLER_CHANNEL, 'released');
        logger?.info({ ...fields, event: 'telegram.poller-released' }, 'released the Telegram poller lease');
      } catch (error) {
        logger?.warn({ ...fields, event: 'telegram.poller-release-failed', err: errorText(error) }, 'release failed');
      }
    },
    isLeader: () => held !== undefined,
  };
}
