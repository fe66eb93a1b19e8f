/**
 * Digests and quiet hours. Where alerts are enqueued, `route()` asks the subscription's schedule what to do with
 * one: post it now (silently during quiet hours in `silent` mode), or hold it in the store's `digests` namespace
 * until its release time (the next digest boundary, or the end of the quiet window). `releaseDue()` posts what is
 * due: per subscription and release time one claim, taken with the store's atomic insertIfAbsent, so with several
 * instances exactly one composes the digest and puts it in the outbox; the held alerts are deleted after. The
 * digest's id is fixed by subscription and release time, so a release retried after a crash is not posted twice
 * (the outbox drops an id it already has). The claimer reads the held alerts again after claiming, so one written
 * before the claim is in it; one written after (a straggler) finds the claim done at a later pass and is moved to
 * a late release of its own (release time + 1 ms: one key whichever instance moves it).
 */
import { randomUUID } from 'node:crypto';
import type { Alert } from '../core/alert.js';
import { planDelivery } from '../core/delivery-schedule.js';
import type { Subscription } from '../core/records.js';
import type { Logger } from '../log/logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { StoreHealth } from '../store/health.js';
import { allValues, type Store } from '../store/open.js';
import { composeRelease, type HeldAlert } from './compose.js';

/** A claim outlives any release; an instance that died holding it leaves it to expire, and another retries. */
const CLAIM_TTL_MS = 5 * 60_000;
/**
 * A finished release's claim is kept as long as the outbox keeps its done entries: an alert held for that release
 * after it was composed (another instance's clock a little behind, a slow write at the boundary) must not be taken
 * for a new release under the same digest id, which the outbox would drop as a repeat.
 */
const DONE_CLAIM_TTL_MS = 7 * 24 * 60 * 60_000;
/** Held alerts of other instances, and releases that failed, are looked for at least this often. */
const DEFAULT_SWEEP_MS = 60_000;

export interface DigestBufferOptions {
  store: Store;
  outbox: Outbox;
  subscriptions: { get(id: string): Subscription | undefined };
  logger: Logger;
  now?: () => Date;
  sweepMs?: number;
  health?: Pick<StoreHealth, 'report' | 'isUp'>;
  /** Names this instance in its claims (for logs); random by default. */
  instanceId?: string;
}

export function heldKey(subscriptionId: string, releaseAt: number, alertId: string): string {
  return `held:${subscriptionId}:${releaseAt}:${alertId}`;
}

function claimKey(subscriptionId: string, releaseAt: number): string {
  return `claim:${subscriptionId}:${releaseAt}`;
}

export class DigestBuffer {
  private readonly now: () => Date;
  private readonly instanceId: string;
  private sweepTimer: NodeJS.Timeout | undefined;
  private releaseTimer: NodeJS.Timeout | undefined;
  private releaseTimerAt = Infinity;
  private passes: Promise<unknown> = Promise.resolve();
  private stopped = true;
  /** Alerts held by this instance, for their `order` within one millisecond. */
  private held = 0;

  constructor(private readonly options: DigestBufferOptions) {
    this.now = options.now ?? (() => new Date());
    this.instanceId = options.instanceId ?? randomUUID().slice(0, 8);
  }

  /**
   * The hook where alerts are enqueued: the alert to put in the outbox now (marked silent in silent quiet hours),
   * or undefined when it is held for a digest or until quiet hours end.
   */
  async route(alert: Alert, now: Date): Promise<Alert | undefined> {
    const schedule = this.options.subscriptions.get(alert.subscriptionId)?.schedule;
    const plan = planDelivery(schedule, now.getTime());
    if (plan.action === 'send') return plan.silent ? { ...alert, silent: true } : alert;
    const record: HeldAlert = {
      kind: 'held',
      alert,
      releaseAt: new Date(plan.releaseAt).toISOString(),
      reason: plan.kind,
      order: now.getTime() * 1000 + (this.held++ % 1000),
      ...(plan.silent ? { silent: true } : {}),
    };
    await this.options.store.digests.set(heldKey(alert.subscriptionId, plan.releaseAt, alert.id), record);
    this.options.logger.info(
      {
        event: 'alert.held',
        alertId: alert.id,
        subscriptionId: alert.subscriptionId,
        feedId: alert.feed.id,
        reason: plan.kind,
        releaseAt: record.releaseAt,
      },
      plan.kind === 'digest' ? 'alert held for the next digest' : 'alert held until quiet hours end',
    );
    this.wakeAt(plan.releaseAt);
    return undefined;
  }

  /** Posts (puts in the outbox) every release that is due; resolves with how many messages were enqueued. */
  releaseDue(): Promise<number> {
    // One pass at a time in this instance, each after the one before (which may have read an earlier clock).
    const pass = this.passes.then(() => this.releasePass());
    this.passes = pass.catch(() => undefined);
    return pass;
  }

  start(): void {
    this.stopped = false;
    const sweep = () => {
      this.sweepTimer = setTimeout(() => {
        this.runInBackground();
        sweep();
      }, this.options.sweepMs ?? DEFAULT_SWEEP_MS);
      this.sweepTimer.unref?.();
    };
    sweep();
    // What fell due while Taza was stopped goes out now.
    this.runInBackground();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    clearTimeout(this.releaseTimer);
    this.releaseTimerAt = Infinity;
    await this.passes;
  }

  private runInBackground(): void {
    if (this.stopped) return;
    if (this.options.health && !this.options.health.isUp()) return;
    this.releaseDue().catch((error: unknown) => {
      if (this.options.health?.report(error)) return;
      this.options.logger.error({ event: 'digest.release-failed', err: error }, 'could not release held alerts');
    });
  }

  /** Runs a pass at `releaseAt`, unless one is already set for sooner. */
  private wakeAt(releaseAt: number): void {
    if (this.stopped || releaseAt >= this.releaseTimerAt) return;
    clearTimeout(this.releaseTimer);
    this.releaseTimerAt = releaseAt;
    // setTimeout's longest wait is about 24.8 days; the sweep sets the timer again well before.
    const delay = Math.min(Math.max(0, releaseAt - this.now().getTime()), 2 ** 31 - 1);
    this.releaseTimer = setTimeout(() => {
      this.releaseTimerAt = Infinity;
      this.runInBackground();
    }, delay);
    this.releaseTimer.unref?.();
  }

  private async releasePass(): Promise<number> {
    const now = this.now();
    const due = new Map<string, { subscriptionId: string; releaseAt: number; held: HeldAlert[] }>();
    let next = Infinity;
    for (const record of await allValues(this.options.store.digests)) {
      if (record.kind !== 'held') continue;
      const releaseAt = Date.parse(record.releaseAt);
      if (releaseAt > now.getTime()) {
        next = Math.min(next, releaseAt);
        continue;
      }
      const key = claimKey(record.alert.subscriptionId, releaseAt);
      const group = due.get(key) ?? { subscriptionId: record.alert.subscriptionId, releaseAt, held: [] };
      group.held.push(record);
      due.set(key, group);
    }
    let enqueued = 0;
    for (const group of due.values()) {
      // A paused subscription posts nothing: what it held waits, and goes out at the first pass after the resume.
      if (this.options.subscriptions.get(group.subscriptionId)?.paused) continue;
      enqueued += await this.release(group.subscriptionId, group.releaseAt, group.held, now);
    }
    if (next !== Infinity) this.wakeAt(next);
    return enqueued;
  }

  private async release(subscriptionId: string, releaseAt: number, listed: HeldAlert[], now: Date): Promise<number> {
    const { store, outbox, logger } = this.options;
    const claim = claimKey(subscriptionId, releaseAt);
    const claimed = await store.insertIfAbsent(
      'digests',
      claim,
      { kind: 'claim', by: this.instanceId, at: now.toISOString() },
      CLAIM_TTL_MS,
    );
    if (!claimed) {
      // Another instance is releasing it (then nothing to do), or did: what is still held for it came too late.
      const existing = await store.digests.get(claim);
      if (existing?.kind === 'claim' && existing.done) await this.moveStragglers(subscriptionId, releaseAt, listed);
      return 0;
    }
    // Read again now that the release is ours: an alert held after the listing, before the claim, goes with it.
    const held = (await allValues(store.digests)).filter(
      (record): record is HeldAlert =>
        record.kind === 'held' &&
        record.alert.subscriptionId === subscriptionId &&
        Date.parse(record.releaseAt) === releaseAt,
    );
    const context = { subscriptionId, releaseAt: new Date(releaseAt).toISOString(), alerts: held.length };
    try {
      const subscription = this.options.subscriptions.get(subscriptionId);
      let enqueued = 0;
      if (subscription) {
        if (held.length > 0)
          for (const message of composeRelease(subscription, releaseAt, held, now))
            if (await outbox.enqueue(message, now)) enqueued++;
        logger.info({ event: 'digest.released', ...context, messages: enqueued }, 'held alerts released');
      } else {
        logger.info({ event: 'digest.dropped', ...context }, 'held alerts dropped: the subscription was removed');
      }
      await Promise.all(
        held.map((record) => store.digests.delete(heldKey(subscriptionId, releaseAt, record.alert.id))),
      );
      // Marked done only after the deletes: an instance that sees it done and still finds an alert held is sure
      // that alert was not in this release.
      await store.digests.set(
        claim,
        { kind: 'claim', by: this.instanceId, at: now.toISOString(), done: true },
        DONE_CLAIM_TTL_MS,
      );
      return enqueued;
    } catch (error) {
      // Given back, so the next pass (here or in another instance) tries again rather than after the claim's TTL.
      await store.digests.delete(claim).catch(() => undefined);
      throw error;
    }
  }

  /** Alerts held for a release already posted: each goes to the late release 1 ms after it, posted at a next pass. */
  private async moveStragglers(subscriptionId: string, releaseAt: number, listed: HeldAlert[]): Promise<void> {
    const { store, logger } = this.options;
    const late = new Date(releaseAt + 1).toISOString();
    for (const record of listed) {
      const key = heldKey(subscriptionId, releaseAt, record.alert.id);
      // Gone: the release took it after all (this pass listed it before the claimer deleted it).
      if (!(await store.digests.get(key))) continue;
      await store.digests.set(heldKey(subscriptionId, releaseAt + 1, record.alert.id), { ...record, releaseAt: late });
      await store.digests.delete(key);
      logger.info(
        { event: 'digest.straggler', subscriptionId, alertId: record.alert.id, releaseAt: late },
        'alert held after its digest was posted: it goes out in a late one',
      );
    }
    this.wakeAt(releaseAt + 1);
  }
}
