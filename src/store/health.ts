/**
 * Whether the store works right now, shared by the poller, the delivery worker, the flush timer and the probes.
 * Any StoreError seen by one of them marks the store down (with the reason and since when); while it is down,
 * polling and delivery pause, and a probe loop retries a real round-trip with exponential backoff until it
 * answers, then everything resumes. One log line when the store goes down, one when it is back: a lost Redis
 * must not be reported once per feed per second, nor count as every feed failing.
 */
import type { Logger } from '../log/logger.js';
import { StoreError, type StoreProblem } from './errors.js';

export type StoreHealthState =
  { up: true } | { up: false; problem: StoreProblem; reason: string; since: string; nextProbeInMs: number };

export interface StoreHealthOptions {
  /** A real round-trip (a write); rejects with a StoreError when the store does not take it. */
  roundTrip: () => Promise<void>;
  logger: Logger;
  /** Where the data lives, for the log lines (no credentials). */
  location: string;
  /** First wait before probing a store that went down; doubled after each failed probe. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * While the store is up, a round-trip this often (0 = never), so an outage is noticed even when nothing else
   * touches the store (every feed unchanged, nothing to send).
   */
  heartbeatMs?: number;
  now?: () => number;
}

export const INITIAL_PROBE_DELAY_MS = 500;
export const MAX_PROBE_DELAY_MS = 30_000;
export const HEARTBEAT_MS = 10_000;

export class StoreHealth {
  private down: { error: StoreError; since: number } | undefined;
  private delayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = true;
  private readonly listeners = new Set<(up: boolean) => void>();
  private readonly now: () => number;

  constructor(private readonly options: StoreHealthOptions) {
    this.now = options.now ?? Date.now;
    this.delayMs = options.initialDelayMs ?? INITIAL_PROBE_DELAY_MS;
  }

  /** Starts the heartbeat (and the probe loop, if the store was already reported down). */
  start(): void {
    this.stopped = false;
    this.arm();
  }

  /** Stops every timer; the state stays as it is. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  isUp(): boolean {
    return this.down === undefined;
  }

  state(): StoreHealthState {
    if (!this.down) return { up: true };
    return {
      up: false,
      problem: this.down.error.problem,
      reason: this.down.error.message,
      since: new Date(this.down.since).toISOString(),
      nextProbeInMs: this.delayMs,
    };
  }

  /** Called with `true` when the store is back, `false` when it went down. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Records a failure seen by a caller. A StoreError marks the store down and returns true (the caller must not
   * treat it as its own failure); anything else is left to the caller and returns false.
   */
  report(error: unknown): boolean {
    if (!(error instanceof StoreError)) return false;
    if (this.down) {
      // The reason shown is the latest one (refused, then timeout…), the outage keeps its start.
      this.down.error = error;
      return true;
    }
    this.down = { error, since: this.now() };
    this.delayMs = this.options.initialDelayMs ?? INITIAL_PROBE_DELAY_MS;
    this.options.logger.error(
      { event: 'store.down', problem: error.problem, location: this.options.location },
      `store unreachable, polling and delivery paused until it answers: ${error.message}`,
    );
    this.emit(false);
    this.arm();
    return true;
  }

  /**
   * A round-trip now: resolves true when the store took it (and marks it up), false when it failed (and marks
   * it down). Never rejects with a StoreError.
   */
  async check(): Promise<boolean> {
    try {
      await this.options.roundTrip();
    } catch (error) {
      if (this.report(error)) return false;
      throw error;
    }
    this.markUp();
    return true;
  }

  private markUp(): void {
    if (!this.down) return;
    const downMs = this.now() - this.down.since;
    this.down = undefined;
    this.delayMs = this.options.initialDelayMs ?? INITIAL_PROBE_DELAY_MS;
    this.options.logger.info(
      { event: 'store.up', downMs, location: this.options.location },
      `store answers again after ${formatDuration(downMs)}; polling and delivery resume`,
    );
    this.arm();
    this.emit(true);
  }

  /** One timer at a time: the next probe while down, the next heartbeat while up. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || this.probing) return;
    const heartbeat = this.options.heartbeatMs ?? HEARTBEAT_MS;
    if (this.isUp() && heartbeat <= 0) return;
    const wait = this.isUp() ? heartbeat : this.delayMs;
    this.timer = setTimeout(() => void this.probe(), wait);
    this.timer.unref?.();
  }

  private async probe(): Promise<void> {
    this.timer = undefined;
    const wasDown = !this.isUp();
    this.probing = true;
    let up: boolean;
    try {
      up = await this.check();
    } catch (error) {
      // Not a StoreError: a bug in the round-trip itself. Logged, and the loop goes on.
      this.options.logger.error({ event: 'store.probe-crashed', err: error }, 'store probe failed unexpectedly');
      up = false;
    } finally {
      this.probing = false;
    }
    if (!up && wasDown) {
      this.delayMs = Math.min(this.delayMs * 2, this.options.maxDelayMs ?? MAX_PROBE_DELAY_MS);
      // Debug only: the outage itself was logged once, when it began.
      this.options.logger.debug(
        { event: 'store.probe-failed', nextProbeInMs: this.delayMs, reason: this.down?.error.message },
        'store still unreachable',
      );
    }
    this.arm();
  }

  private emit(up: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(up);
      } catch (error) {
        this.options.logger.error({ event: 'store.listener-crashed', err: error }, 'store health listener failed');
      }
    }
  }
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
