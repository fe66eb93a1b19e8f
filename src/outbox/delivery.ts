/**
 * Sends what the outbox holds. Per destination: oldest first, one send in flight (across every instance on a
 * shared store, through the destination's lease), so order is kept and a burst is queued rather than dropped.
 * Transient failures wait (the platform's Retry-After when it gave one) while other destinations keep moving;
 * permanent failures pause the destination's subscriptions once.
 */
import type { Alert } from '../core/alert.js';
import type { Coordinator, Lease } from '../coordination/coordinator.js';
import { formatDestination, type Destination, type Platform } from '../core/destination.js';
import type { Logger } from '../log/logger.js';
import type { StoreHealth } from '../store/health.js';
import { DeliveryError, type SentReceipt, type Sink } from './sink.js';
import type { OutboxEntry } from '../core/records.js';
import { buildDigest } from './digest.js';
import type { Outbox } from './outbox.js';

export interface DeliveryHooks {
  /** A permanent error: pause every subscription that posts to this destination. */
  onPermanentFailure(destination: Destination, reason: string): Promise<void>;
  /** A Telegram group became a supergroup: move the subscriptions to the new chat id. */
  onMoved(from: Destination, to: Destination): Promise<void>;
  onSent?(alert: Alert, entry: OutboxEntry): void;
  onFailed?(alert: Alert, error: DeliveryError): void;
  /** After each delivery attempt has been recorded (sent and marked, or rescheduled): metrics and tests. */
  onSettled?(): void;
}

export interface DeliveryOptions {
  outbox: Outbox;
  sinks: Partial<Record<Platform, Sink>>;
  logger: Logger;
  hooks: DeliveryHooks;
  /** Beyond this many alerts to one destination in `digestWindowMs`, pending alerts go out as one digest. 0 = never. */
  digestThreshold?: number;
  digestWindowMs?: number;
  /** Once a destination is in digest mode, wait this long after an alert arrives so the rest of a burst joins it. */
  digestGatherMs?: number;
  maxBackoffMs?: number;
  /**
   * The store's health. While it is down nothing is sent (a send whose mark-done cannot be saved would be sent
   * again); before each send a round-trip confirms it; a StoreError during a delivery marks it down instead of
   * counting as a failed attempt.
   */
  health?: Pick<StoreHealth, 'isUp' | 'report' | 'onChange' | 'check'>;
  /**
   * Shared (Redis, Postgres): a send to a destination happens under its lease 'delivery:<destination>', so one
   * is in flight across every instance, and an instance that dies mid-send lets go when the lease expires.
   */
  coordinator?: Coordinator;
  /** How long a delivery lease lasts unless renewed (it is renewed while a send is slow). Default 15 s. */
  leaseTtlMs?: number;
  /** How soon a destination whose lease another instance holds is tried again. Default 1 s. */
  leaseRetryMs?: number;
  now?: () => number;
}

const DEFAULT_LEASE_TTL_MS = 15_000;
const DEFAULT_LEASE_RETRY_MS = 1000;
/** The most alerts one digest lists. */
const DIGEST_MAX_ALERTS = 25;

export class DeliveryWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Destinations another instance is sending to: when to try their lease again. */
  private readonly busyUntil = new Map<string, number>();
  /** The delivery leases this instance holds (shared store), each renewed until let go. */
  private readonly held = new Map<string, { lease: Lease; renewal: NodeJS.Timeout }>();
  private readonly recentSends = new Map<string, number[]>();
  private readonly warnedMissingSink = new Set<Platform>();
  /** Chats that moved (Telegram group → supergroup): alerts still addressed to the old id follow them. */
  private readonly moved = new Map<string, Destination>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private unsubscribeHealth: (() => void) | undefined;
  private stopped = true;
  private readonly now: () => number;

  constructor(private readonly options: DeliveryOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.options.outbox.onEnqueue(() => this.kick());
    this.unsubscribeHealth = this.options.health?.onChange((up) => {
      if (up) this.kick();
    });
    this.kick();
  }

  /** Stops taking new work and waits for the sends already under way (each is bounded by the sink's timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribeHealth?.();
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight.values()]);
    await Promise.all([...this.held.keys()].map((key) => this.letGo(key)));
  }

  /** Looks at every destination and starts a send wherever one is due and none is in flight. */
  kick(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // Paused while the store is down: the health's onChange kicks again when it is back.
    if (this.options.health && !this.options.health.isUp()) return;
    const now = this.now();
    let earliest = Infinity;
    const groups = this.options.outbox.byDestination();
    // A destination emptied meanwhile (by a permanent failure, say): its lease goes back.
    for (const key of this.held.keys()) if (!groups.has(key) && !this.inFlight.has(key)) void this.letGo(key);
    for (const [key, entries] of groups) {
      if (this.inFlight.has(key)) continue;
      const busyUntil = this.busyUntil.get(key);
      if (busyUntil !== undefined && busyUntil > now) {
        earliest = Math.min(earliest, busyUntil);
        continue;
      }
      this.busyUntil.delete(key);
      const head = entries[0]!;
      const sink = this.options.sinks[head.alert.destination.platform];
      if (!sink) {
        this.warnMissingSink(head.alert.destination.platform);
        continue;
      }
      const gather =
        head.attempts === 0 && this.shouldDigest(key, Infinity) ? (this.options.digestGatherMs ?? 2000) : 0;
      const dueAt = Date.parse(head.nextAttemptAt) + gather;
      if (dueAt > now) {
        earliest = Math.min(earliest, dueAt);
        continue;
      }
      const due = entries.filter((entry) => Date.parse(entry.nextAttemptAt) <= now);
      const task = this.deliverAlone(key, sink, due)
        .catch((error: unknown) => {
          // The store failing is logged once by the health; the alert stays pending as it was.
          if (this.options.health?.report(error)) return;
          this.options.logger.error(
            { event: 'delivery.crashed', destination: key, err: error },
            'delivery failed unexpectedly',
          );
        })
        .finally(() => {
          this.inFlight.delete(key);
          this.kick();
          this.options.hooks.onSettled?.();
        });
      this.inFlight.set(key, task);
    }
    if (earliest !== Infinity) {
      this.timer = setTimeout(() => this.kick(), Math.max(0, earliest - now));
      this.timer.unref?.();
    }
  }

  /**
   * Alone on the store, the in-flight map is enough. Shared, the destination's lease says who sends; once it is
   * taken the entries are read again, since another instance may have sent some of them meanwhile. The lease is
   * kept while the destination has alerts waiting (renewed, so a slow send keeps it too): a burst is sent by one
   * instance, in order, and counted there for the digest.
   */
  private async deliverAlone(key: string, sink: Sink, due: OutboxEntry[]): Promise<void> {
    const coordinator = this.options.coordinator;
    if (!coordinator?.shared) return this.deliver(key, sink, due);
    if (!(await this.hold(coordinator, key))) {
      this.busyUntil.set(key, this.now() + (this.options.leaseRetryMs ?? DEFAULT_LEASE_RETRY_MS));
      return;
    }
    const now = this.now();
    // Only as many as one send can carry: a long backlog is not read again for every send.
    const current = (await this.options.outbox.fresh(due.slice(0, DIGEST_MAX_ALERTS))).filter(
      (entry) => Date.parse(entry.nextAttemptAt) <= now,
    );
    if (current.length > 0) await this.deliver(key, sink, current);
    if (!this.options.outbox.byDestination().has(key)) await this.letGo(key);
  }

  /** True when this instance holds the destination's lease (still, checked by a renewal, or taken now). */
  private async hold(coordinator: Coordinator, key: string): Promise<boolean> {
    const ttlMs = this.options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const holding = this.held.get(key);
    if (holding) {
      if (await holding.lease.renew(ttlMs)) return true;
      // Lost since the last renewal (this process stalled longer than its life): taken again below, if free.
      clearInterval(holding.renewal);
      this.held.delete(key);
    }
    const lease = await coordinator.tryLease(`delivery:${key}`, ttlMs);
    if (!lease) return false;
    // Renewed at a third of its life, so one late renewal does not lose it.
    const renewal = setInterval(() => {
      lease.renew(ttlMs).then(
        (kept) => {
          if (kept || this.held.get(key)?.lease !== lease) return;
          clearInterval(renewal);
          this.held.delete(key);
          this.options.logger.warn(
            { event: 'delivery.lease-lost', destination: key },
            'delivery lease expired; another instance may send to this destination',
          );
        },
        (error: unknown) =>
          this.options.logger.warn(
            { event: 'delivery.renew-failed', destination: key, err: error },
            'delivery lease renewal failed',
          ),
      );
    }, ttlMs / 3);
    renewal.unref();
    this.held.set(key, { lease, renewal });
    return true;
  }

  /** Gives the destination's lease back: nothing waits for it here any more. */
  private async letGo(key: string): Promise<void> {
    const holding = this.held.get(key);
    if (!holding) return;
    this.held.delete(key);
    clearInterval(holding.renewal);
    await holding.lease.release().catch((error: unknown) => {
      // It expires on its own; meanwhile the destination waits.
      this.options.logger.warn(
        { event: 'delivery.release-failed', destination: key, err: error },
        'delivery lease release failed',
      );
    });
  }

  private async deliver(key: string, sink: Sink, due: OutboxEntry[]): Promise<void> {
    const { outbox, logger } = this.options;
    const movedTo = this.moved.get(key);
    if (movedTo) {
      await this.redirect(key, movedTo);
      return;
    }
    // An edit changes one message in place, so it never joins a digest (which would be a second post).
    const digestable = due[0]!.alert.edit ? [] : due.filter((entry) => !entry.alert.edit);
    const batch = this.shouldDigest(key, digestable.length) ? digestable.slice(0, DIGEST_MAX_ALERTS) : due.slice(0, 1);
    const head = batch[0]!;
    const alert = batch.length > 1 ? buildDigest(batch.map((entry) => entry.alert)) : head.alert;
    // A real round-trip first: a send that could not be marked done afterwards must not happen.
    if (this.options.health && !(await this.options.health.check())) return;
    let receipt: SentReceipt | void;
    try {
      receipt = await sink.send(alert);
    } catch (error) {
      await this.handleFailure(head, toDeliveryError(error));
      return;
    }
    this.noteSend(key);
    // Where a single alert's message is, so a later change of the item edits it (a digest's lines are not edited).
    const sent = receipt && batch.length === 1 ? { ...receipt, at: new Date(this.now()).toISOString() } : undefined;
    for (const entry of batch) {
      await outbox.markDone(entry.alert.id, sent);
      logger.info(
        {
          event: 'alert.sent',
          alertId: entry.alert.id,
          subscriptionId: entry.alert.subscriptionId,
          destination: key,
          feedId: entry.alert.feed.id,
          feedUrl: entry.alert.feed.url,
          itemId: entry.alert.item.key,
          itemLink: entry.alert.item.link,
          matchedTerms: entry.alert.matchedTerms,
          digest: batch.length > 1 ? batch.length : undefined,
          attempts: entry.attempts + 1,
        },
        'alert sent',
      );
      this.options.hooks.onSent?.(entry.alert, entry);
    }
  }

  private async handleFailure(entry: OutboxEntry, error: DeliveryError): Promise<void> {
    const { outbox, logger, hooks } = this.options;
    const alert = entry.alert;
    const context = {
      alertId: alert.id,
      subscriptionId: alert.subscriptionId,
      destination: formatDestination(alert.destination),
      feedId: alert.feed.id,
    };
    hooks.onFailed?.(alert, error);
    if (error.kind === 'moved' && error.details.movedTo) {
      const to: Destination = { platform: alert.destination.platform, id: error.details.movedTo };
      logger.warn({ event: 'destination.moved', ...context, to: formatDestination(to) }, 'chat moved; following it');
      await hooks.onMoved(alert.destination, to);
      this.moved.set(formatDestination(alert.destination), to);
      await this.redirect(formatDestination(alert.destination), to);
      return;
    }
    if (error.kind === 'permanent') {
      logger.warn(
        { event: 'destination.failed', ...context, reason: error.message },
        'destination refused the alert; its subscriptions are paused',
      );
      await hooks.onPermanentFailure(alert.destination, error.message);
      // Nothing is retried in a loop: the destination's pending alerts are dropped with the reason recorded.
      const dropped = await outbox.fresh(outbox.byDestination().get(formatDestination(alert.destination)) ?? []);
      for (const pending of dropped) {
        await outbox.reschedule(pending.alert.id, new Date(this.now()), error.message);
        await outbox.markDone(pending.alert.id);
      }
      return;
    }
    const backoff = Math.min(1000 * 2 ** entry.attempts, this.options.maxBackoffMs ?? 300_000);
    const waitMs = error.details.retryAfterMs ?? backoff;
    logger.warn(
      { event: 'alert.retry', ...context, reason: error.message, attempts: entry.attempts + 1, retryInMs: waitMs },
      'send failed; will retry',
    );
    await outbox.reschedule(alert.id, new Date(this.now() + waitMs), error.message);
  }

  /** Every pending alert for a chat that moved follows it, in its original order. */
  private async redirect(fromKey: string, to: Destination): Promise<void> {
    // As the store has them: an alert another instance already sent must not be put back as pending.
    const following = await this.options.outbox.fresh(this.options.outbox.byDestination().get(fromKey) ?? []);
    for (const pending of following) {
      await this.options.outbox.replace(pending.alert.id, { ...pending.alert, destination: to });
    }
  }

  private shouldDigest(key: string, dueCount: number): boolean {
    const threshold = this.options.digestThreshold ?? 10;
    if (threshold <= 0 || dueCount < 2) return false;
    return this.sendsInWindow(key) >= threshold;
  }

  private sendsInWindow(key: string): number {
    const windowStart = this.now() - (this.options.digestWindowMs ?? 300_000);
    const recent = (this.recentSends.get(key) ?? []).filter((t) => t >= windowStart);
    this.recentSends.set(key, recent);
    return recent.length;
  }

  private noteSend(key: string): void {
    const recent = this.recentSends.get(key) ?? [];
    recent.push(this.now());
    this.recentSends.set(key, recent);
  }

  private warnMissingSink(platform: Platform): void {
    if (this.warnedMissingSink.has(platform)) return;
    this.warnedMissingSink.add(platform);
    const variable = platform === 'discord' ? 'DISCORD_TOKEN' : 'TELEGRAM_TOKEN';
    this.options.logger.warn(
      { event: 'sink.missing', platform },
      `alerts for ${platform} are kept in the outbox until ${variable} is set`,
    );
  }
}

function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  return new DeliveryError('transient', error instanceof Error ? error.message : String(error));
}
