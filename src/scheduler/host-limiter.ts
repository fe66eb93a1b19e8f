export interface HostLimiterOptions {
  /** Requests in flight across all hosts (default 16). */
  globalConcurrency: number;
  /** Requests in flight to one host (PER_HOST_CONCURRENCY, default 1). */
  perHostConcurrency: number;
  /** Minimum time between the starts of two requests to one host (PER_HOST_GAP, default 1000 ms). */
  perHostGapMs: number;
  now?: () => number;
  setTimer?: (callback: () => void, delayMs: number) => unknown;
}

interface Waiting {
  start: () => void;
}

interface HostState {
  inFlight: number;
  lastStartAt: number;
  queue: Waiting[];
}

/** The host a URL's requests are counted against (hostname and port; the scheme does not matter to the server). */
export function hostKey(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

/**
 * Politeness and concurrency in one place: a global pool, and per host at most N requests in flight and at least
 * the gap between request starts, so fifty feeds on one site are fetched one after another, never in a burst.
 * Hosts are served in turn, so a host waiting out its gap never holds a global slot from the others.
 */
export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();
  private inFlight = 0;
  private wakeAt = Infinity;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, delayMs: number) => unknown;

  constructor(private readonly options: HostLimiterOptions) {
    this.now = options.now ?? (() => Date.now());
    this.setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs));
  }

  run<T>(url: string, task: () => Promise<T>): Promise<T> {
    const key = hostKey(url);
    let host = this.hosts.get(key);
    if (!host) {
      host = { inFlight: 0, lastStartAt: -Infinity, queue: [] };
      this.hosts.set(key, host);
    }
    const state = host;
    return new Promise<T>((resolve, reject) => {
      state.queue.push({
        start: () => {
          // A task that throws synchronously still frees its slot.
          Promise.resolve()
            .then(task)
            .then(resolve, reject)
            .finally(() => {
              state.inFlight -= 1;
              this.inFlight -= 1;
              if (state.inFlight === 0 && state.queue.length === 0 && this.options.perHostGapMs <= 0)
                this.hosts.delete(key);
              this.pump();
            });
        },
      });
      this.pump();
    });
  }

  /** Requests in flight now, for metrics. */
  get active(): number {
    return this.inFlight;
  }

  private pump(): void {
    const now = this.now();
    let nextWake = Infinity;
    for (const host of this.hosts.values()) {
      while (
        host.queue.length > 0 &&
        this.inFlight < this.options.globalConcurrency &&
        host.inFlight < this.options.perHostConcurrency
      ) {
        const readyAt = host.lastStartAt + this.options.perHostGapMs;
        if (readyAt > now) {
          nextWake = Math.min(nextWake, readyAt);
          break;
        }
        const waiting = host.queue.shift()!;
        host.inFlight += 1;
        host.lastStartAt = now;
        this.inFlight += 1;
        waiting.start();
      }
      if (this.inFlight >= this.options.globalConcurrency) break;
    }
    if (nextWake < this.wakeAt) {
      this.wakeAt = nextWake;
      this.setTimer(() => {
        this.wakeAt = Infinity;
        this.pump();
      }, nextWake - now);
    }
  }
}
