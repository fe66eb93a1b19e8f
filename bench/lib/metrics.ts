/**
 * Reading a running Taza from outside through its operations endpoint (HTTP_PORT): Prometheus gauges from
 * /metrics, and how long /healthz takes to answer (a request waits for as long as the event loop is blocked).
 */
import { pause } from './stats.js';

/**
 * Taza samples event-loop delay every 100 ms (`eventLoopMonitoringPrecision: 100` in
 * src/observability/metrics.ts), and Node's histogram records the whole time between two samples: an idle
 * process reports about 0.1 s. Delay (how late a timer ran) is the reported value less this.
 */
export const EVENT_LOOP_RESOLUTION_S = 0.1;

/** Plain `name value` lines of a Prometheus text exposition (series without labels only). */
export function parsePrometheus(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

export interface Scrape {
  sentAt: number;
  answeredAt: number;
  values: Map<string, number>;
}

/**
 * One scrape of /metrics. prom-client resets the event-loop histogram on every scrape, so the lag gauges of a
 * scrape cover the time since the one before. Undefined when there is no answer within `timeoutMs`.
 */
export async function scrapeMetrics(port: number, timeoutMs: number): Promise<Scrape | undefined> {
  const sentAt = Date.now();
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (!response.ok) return undefined;
    return { sentAt, answeredAt: Date.now(), values: parsePrometheus(text) };
  } catch {
    return undefined;
  }
}

export interface ProbeSample {
  sentAt: number;
  /** Undefined while unanswered (or when it never was: a process that died or stayed blocked past the timeout). */
  answeredAt?: number;
  ok?: boolean;
}

/**
 * GET /healthz one at a time, a new one `everyMs` after the previous was sent (or as soon as it is answered,
 * when it took longer). The longest wait is a lower bound on the longest event-loop stall.
 */
export class HealthProbe {
  readonly samples: ProbeSample[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(
    readonly url: string,
    readonly everyMs = 1000,
    readonly timeoutMs = 120_000,
  ) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const sample: ProbeSample = { sentAt: Date.now() };
      this.samples.push(sample);
      try {
        const response = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs) });
        await response.arrayBuffer();
        sample.ok = response.ok;
        sample.answeredAt = Date.now();
      } catch {
        sample.ok = false;
        // A refused connection answers at once (the process is gone): stop rather than spin.
        if (Date.now() - sample.sentAt < this.timeoutMs) {
          sample.answeredAt = Date.now();
          return;
        }
      }
      await pause(Math.max(0, sample.sentAt + this.everyMs - Date.now()));
    }
  }

  /** Stops after the probe in flight (which may be cut short by the process stopping). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.race([this.done, pause(100)]);
  }

  /**
   * The longest wait of a probe that was waiting at some time in [from, to] (sent before `to`, answered after
   * `from`), counted from its sending; one still unanswered counts until now.
   */
  longestWaitMs(from: number, to: number): number {
    let longest = 0;
    for (const sample of this.samples) {
      const answeredAt = sample.answeredAt ?? Date.now();
      if (sample.sentAt > to || answeredAt < from) continue;
      longest = Math.max(longest, answeredAt - sample.sentAt);
    }
    return longest;
  }

  /** Probes waiting at some time in [from, to], and how many of them were never answered. */
  countBetween(from: number, to: number): { probes: number; unanswered: number } {
    const overlapping = this.samples.filter((sample) => sample.sentAt <= to && (sample.answeredAt ?? Infinity) >= from);
    return { probes: overlapping.length, unanswered: overlapping.filter((s) => s.answeredAt === undefined).length };
  }
}
