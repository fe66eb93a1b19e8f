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
  /** When an HTTP answer came (any status); undefined while none has. */
  answeredAt?: number;
  ok?: boolean;
  /** When the probe gave up: its timeout, or a refused connection (the process is gone). */
  failedAt?: number;
}

/**
 * GET /healthz one at a time, a new one `everyMs` after the previous was sent (at once after a slow answer or a
 * timeout). A request waits for as long as Taza's event loop is blocked, so how long a probe waited for Taza to
 * answer (it or, after its timeout, the next probe) is a lower bound on the longest stall.
 */
export class HealthProbe {
  readonly samples: ProbeSample[] = [];
  private stopped = false;
  private stoppedAt?: number;
  private readonly done: Promise<void>;

  constructor(
    readonly url: string,
    readonly everyMs = 1000,
    readonly timeoutMs = 60_000,
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
        sample.failedAt = Date.now();
        // A refused connection fails at once (the process is gone): stop rather than spin.
        if (sample.failedAt - sample.sentAt < this.timeoutMs) return;
      }
      await pause(Math.max(0, sample.sentAt + this.everyMs - Date.now()));
    }
  }

  /** Stops after the probe in flight (which may be cut short by the process stopping). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stoppedAt ??= Date.now();
    await Promise.race([this.done, pause(100)]);
  }

  /**
   * Per probe, how long Taza took to answer anything after it was sent: its own answer, or (when it timed out)
   * the first answer to a later probe; until the probes stopped when none came. The probes counted are those
   * whose wait overlaps [from, to], so a stall the window opens in counts whole.
   */
  private waits(from: number, to: number): Array<{ sample: ProbeSample; waitMs: number; answered: boolean }> {
    const answers = this.samples.flatMap((sample) => (sample.answeredAt === undefined ? [] : [sample.answeredAt]));
    const end = this.stoppedAt ?? Date.now();
    const waits: Array<{ sample: ProbeSample; waitMs: number; answered: boolean }> = [];
    for (const sample of this.samples) {
      const answer = answers.find((at) => at >= sample.sentAt);
      const until = answer ?? end;
      if (sample.sentAt > to || until < from) continue;
      waits.push({ sample, waitMs: until - sample.sentAt, answered: answer !== undefined });
    }
    return waits;
  }

  /** The longest of those waits: a lower bound on the longest event-loop stall around [from, to]. */
  longestWaitMs(from: number, to: number): number {
    return Math.max(0, ...this.waits(from, to).map((wait) => wait.waitMs));
  }

  /**
   * The probes of those waits, how many timed out, and how many saw no answer to any probe before the end (Taza
   * still blocked, or gone).
   */
  countBetween(from: number, to: number): { probes: number; timedOut: number; unanswered: number } {
    const waits = this.waits(from, to);
    return {
      probes: waits.length,
      timedOut: waits.filter((wait) => wait.sample.failedAt !== undefined).length,
      unanswered: waits.filter((wait) => !wait.answered).length,
    };
  }
}
