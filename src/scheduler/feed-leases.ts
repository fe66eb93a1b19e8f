/**
 * The lease that keeps a feed's checks (and pushes) apart across instances when its host has more than one slot.
 * With one slot per host the host lease does this already (see EngineScheduler) and none is taken.
 */
import type { Coordinator, Lease } from '../coordination/coordinator.js';

/** How long a take waits for a feed another instance holds: a check of one feed, at the most. */
const TAKE_TIMEOUT_MS = 60_000;

const feedLeaseName = (feedId: string): string => `feed:${feedId}`;

export class FeedLeases {
  constructor(
    private readonly coordinator: Coordinator,
    /** How long a lease lasts if its holder dies (renewed while its task runs). */
    private readonly ttlMs: number,
    /** False once this instance is gone (abandoned): its leases are no longer renewed, as after a crash. */
    private readonly alive: () => boolean,
  ) {}

  /** The feed's lease now, or undefined when another check holds it. */
  tryTake(feedId: string): Promise<Lease | undefined> {
    return this.coordinator.tryLease(feedLeaseName(feedId), this.ttlMs);
  }

  /** The feed's lease, waiting for the check that holds it; rejects with a LeaseTimeout after a minute. */
  take(feedId: string): Promise<Lease> {
    return this.coordinator.lease(feedLeaseName(feedId), this.ttlMs, { timeoutMs: TAKE_TIMEOUT_MS });
  }

  /** Runs `task` holding the feed's lease, then releases it. */
  async hold<T>(feedId: string, task: () => Promise<T>): Promise<T> {
    const lease = await this.take(feedId);
    try {
      return await this.renewing(lease, task);
    } finally {
      await lease.release().catch(() => {});
    }
  }

  /** Runs `task`, renewing `lease` meanwhile so a slow check keeps it. */
  async renewing<T>(lease: Lease, task: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      if (this.alive()) void lease.renew(this.ttlMs).catch(() => {});
    }, this.ttlMs / 3);
    try {
      return await task();
    } finally {
      clearInterval(timer);
    }
  }
}
