export interface HostLimiterOptions {
  /** Requests in flight across all hosts (default 16). */
  globalConcurrency: number;
  /** Requests in flight to one host (PER_HOST_CONCURRENCY, default 1). */
  perHostConcurrency: number;
  /**
   * Minimum time between two requests to one host (PER_HOST_GAP, default 1000 ms): between two starts, and on a
   * slot between the end of one request and the start of the next.
   */
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
  /**
   * When each slot not in use may start a request: its last request's end plus the gap. Held from the end, as the
   * engine's host leases are: gaps between starts alone came to 958 ms on the server's side under load, a request
   * reaching it late and the next one on time.
   */
  freeAt: number[];
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
 * the gap between request starts and, on each of its N slots, between a request's end and the next start, so fifty feeds on one site are fetched one after another, never in a burst.
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
      host = { inFlight: 0, lastStartAt: -Infinity, freeAt: [], queue: [] };
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
              state.freeAt.push(this.now() + this.options.perHostGapMs);
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
        // The slot free soonest: one never used, or the one whose request ended first.
        const unused = host.inFlight + host.freeAt.length < this.options.perHostConcurrency;
        const slotAt = unused ? -Infinity : Math.min(...host.freeAt);
        const readyAt = Math.max(host.lastStartAt + this.options.perHostGapMs, slotAt);
        if (readyAt > now) {
          nextWake = Math.min(nextWake, readyAt);
          break;
        }
        if (!unused) host.freeAt.splice(host.freeAt.indexOf(slotAt), 1);
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
