/**
 * The shape shared by everything that competes for leases in the background (the Telegram poller, Discord shards):
 * one attempt at a time, again every `everyMs`, at once when another instance says on `channel` that it let a
 * lease go, and a clean stop that waits for the attempt under way. Plus the rule for renewing a hold when the
 * backend does not answer.
 */
import type { Coordinator, Lease } from './coordinator.js';

export interface LeaseLoopOptions {
  coordinator: Coordinator;
  /** Where instances that let a lease go say so (a message wakes this loop at once). */
  channel: string;
  everyMs: number;
  /** One attempt: renew what is held, take what is free. */
  attempt(): Promise<void>;
  /** An attempt that threw; the loop goes on. */
  onError(error: unknown): void;
  /** Whether a message on the channel should wake the loop now (default: always). */
  wakeOnMessage?: () => boolean;
}

export interface LeaseLoop {
  /** Listens on the channel and runs the first attempt; resolves when it is done. */
  start(): Promise<void>;
  /** No more attempts: waits for the one under way and stops listening. Idempotent. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

export function createLeaseLoop(options: LeaseLoopOptions): LeaseLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let unsubscribe: (() => Promise<void>) | undefined;

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
          if (!stopped) await options.attempt();
        } catch (error) {
          options.onError(error);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(() => void step(), options.everyMs);
    });
    return running;
  };

  return {
    async start() {
      if (stopped || unsubscribe) return;
      unsubscribe = await options.coordinator.subscribe(options.channel, () => {
        if (stopped || !(options.wakeOnMessage?.() ?? true)) return;
        clearTimeout(timer);
        void step();
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
    },
    get stopped() {
      return stopped;
    },
  };
}

/** A lease held in the background, with when it was last renewed. */
export class HeldLease {
  private renewedAt = Date.now();

  constructor(readonly lease: Lease) {}

  /**
   * Renews the hold for `ttlMs`. When the backend does not answer, the hold still counts as ours until it would
   * have expired, minus `marginMs` (one more attempt's time), so a short outage does not drop it while a longer one
   * lets it go before another instance can take it. `onError` hears the failed renewal.
   */
  async keep(ttlMs: number, marginMs: number, onError: (error: unknown) => void): Promise<boolean> {
    try {
      const kept = await this.lease.renew(ttlMs);
      if (kept) this.renewedAt = Date.now();
      return kept;
    } catch (error) {
      onError(error);
      return Date.now() - this.renewedAt < ttlMs - marginMs;
    }
  }
}
