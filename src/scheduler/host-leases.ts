/**
 * Per-host politeness across instances: a lease per host slot (`host:<host>:<slot>`, slot < PER_HOST_CONCURRENCY)
 * in the shared backend, held during the request and released with PER_HOST_GAP more, so the next request to the
 * host, from any instance, starts at least the gap later. The job engine has no per-group limits (only its
 * commercial edition does), so this is what holds them.
 */
import type { Coordinator, Lease } from '../coordination/coordinator.js';
import { hostKey } from './host-limiter.js';

export interface HostLeaseOptions {
  perHostConcurrency: number;
  perHostGapMs: number;
  /**
   * How long a slot stays taken when its holder dies mid-request (it is renewed meanwhile): short, so a crashed
   * instance blocks a host for seconds, not minutes.
   */
  ttlMs?: number;
  /** How often a waiting request asks again for a slot. */
  pollMs?: number;
  /** False once this instance is gone (abandoned): its leases are no longer renewed, as after a crash. */
  alive?: () => boolean;
}

const DEFAULT_TTL_MS = 10_000;
const DEFAULT_POLL_MS = 50;
/** Past this many hosts in turns, the turns already over are dropped. */
const TURNS_SWEEP = 1000;

export class HostLeases {
  private readonly ttlMs: number;
  private readonly pollMs: number;
  /** Per host, the time the last job this instance put back for it will look again (see retryDelayMs). */
  private readonly turns = new Map<string, number>();

  constructor(
    private readonly coordinator: Coordinator,
    private readonly options: HostLeaseOptions,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /** A free slot of the URL's host now, or undefined when every slot is taken or waits out its gap. */
  async tryAcquire(url: string): Promise<Lease | undefined> {
    const host = hostKey(url);
    for (let slot = 0; slot < Math.max(1, this.options.perHostConcurrency); slot++) {
      const lease = await this.coordinator.tryLease(`host:${host}:${slot}`, this.ttlMs);
      if (lease) return lease;
    }
    return undefined;
  }

  /** A slot of the URL's host, waiting up to `timeoutMs` (polling); undefined when none came free in time. */
  async acquire(url: string, timeoutMs: number, signal?: AbortSignal): Promise<Lease | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lease = await this.tryAcquire(url);
      if (lease || Date.now() + this.pollMs > deadline || signal?.aborted) return lease;
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  /**
   * Runs `task` holding a slot (renewed while it runs, so a slow fetch keeps it) and releases the slot with the
   * gap. Waits as long as it takes for a slot.
   */
  async run<T>(url: string, task: () => Promise<T>): Promise<T> {
    let lease: Lease | undefined;
    while (!lease) lease = await this.acquire(url, 60_000);
    return this.holding(lease, task);
  }

  /** Gives back a slot taken for a request that was not made: free at once, no gap. */
  async unused(lease: Lease): Promise<void> {
    await lease.release().catch(() => {});
  }

  /**
   * Runs `task` holding a slot, for work on a feed of the host that makes no request to it (a pushed body): it
   * waits for the slot like a request, so no check of the host's feeds runs meanwhile, and frees it with no gap.
   */
  async withoutRequest<T>(url: string, task: () => Promise<T>): Promise<T> {
    let lease: Lease | undefined;
    while (!lease) lease = await this.acquire(url, 60_000);
    return this.holding(lease, task, 0);
  }

  /** Runs `task` with a slot already taken, then releases it with the gap (`gapMs`, by default the host's). */
  async holding<T>(lease: Lease, task: () => Promise<T>, gapMs = this.options.perHostGapMs): Promise<T> {
    const alive = this.options.alive ?? (() => true);
    const renew = setInterval(() => {
      if (alive()) void lease.renew(this.ttlMs).catch(() => {});
    }, this.ttlMs / 3);
    try {
      return await task();
    } finally {
      clearInterval(renew);
      // A release that fails leaves the slot to expire on its own (ttlMs): slower, never less polite.
      await lease.release(gapMs).catch(() => {});
    }
  }

  /**
   * How long a job that waited `waitMs` for its host, and is put back, waits before it looks again. The host's slot
   * frees at most a gap after it was found taken (its holder releases it with the gap), so the first job put back looks a gap on, and each further one of this
   * instance a turn (a slot's share of the gap and a little more) after the one before: the feeds waiting for a host
   * take its turns in order instead of asking at random moments and being put back again. A little jitter keeps the
   * instances' retries apart.
   */
  retryDelayMs(url: string, waitMs: number): number {
    const now = Date.now();
    const { perHostGapMs, perHostConcurrency } = this.options;
    // A slot frees a gap after its request ends, not after it starts: a turn is a little longer than the gap.
    const turnMs = (perHostGapMs + waitMs / 2) / Math.max(1, perHostConcurrency);
    const host = hostKey(url);
    // The job has waited waitMs for the slot already, and waits as long again when it looks next.
    const turn = Math.max(now + perHostGapMs - waitMs, (this.turns.get(host) ?? 0) + turnMs);
    this.turns.set(host, turn);
    if (this.turns.size > TURNS_SWEEP) {
      for (const [key, at] of this.turns) if (at < now) this.turns.delete(key);
    }
    return Math.max(50, Math.round(turn - now + Math.random() * 0.1 * turnMs));
  }
}
