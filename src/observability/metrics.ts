/**
 * Prometheus metrics for one Taza process (prom-client). Counters are fed by the pipeline and the delivery
 * worker as things happen; gauges about state (outbox, feeds, subscriptions) are read at scrape time
 * from getters, so they can never drift from the truth.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Alert } from '../core/alert.js';
import type { Platform } from '../core/destination.js';
import type { DeliveryHooks } from '../outbox/delivery.js';
import type { PipelineMetrics } from '../pipeline/deps.js';
import type { DeliveryError } from '../outbox/sink.js';

/** What the scrape-time gauges read. Each getter is cheap (in-memory registries). */
export interface MetricsSources {
  outboxDepth(): number;
  /** ISO time of the oldest pending alert's creation, undefined when the outbox is empty. */
  oldestPendingAt(): string | undefined;
  feeds(): Array<{ failures: number; disabled?: unknown }>;
  subscriptions(): Array<{ paused?: unknown }>;
  /** Platforms with a sink, so their sent/failed series exist (at 0) before the first alert. */
  platforms?: Platform[];
  now?: () => number;
}

export interface Metrics {
  readonly registry: Registry;
  /** The Content-Type of `render()`'s text. */
  readonly contentType: string;
  readonly pipeline: PipelineMetrics;
  deliveryHooks(): Pick<DeliveryHooks, 'onSent' | 'onFailed'>;
  observe(sources: MetricsSources): void;
  render(): Promise<string>;
}

/** From "seen" to "posted": seconds to an hour, where a slow platform or a backlog would show. */
const LATENCY_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  // A private registry: two apps in one process (tests) never collide on the global one.
  const registry = new Registry();
  // Event-loop delay sampled every 100 ms rather than prom-client's 10 ms: the default wakes an idle bot
  // a hundred times a second, which was most of its CPU when no feed was due.
  if (options.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  let sources: MetricsSources | undefined;

  const feedChecks = new Counter({
    name: 'taza_feed_checks_total',
    help: 'Feed checks by outcome: the HTTP status (200, 304) or the error kind.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const bytesFetched = new Counter({
    name: 'taza_feed_bytes_fetched_total',
    help: 'Bytes received from feed servers.',
    registers: [registry],
  });
  const itemsSeen = new Counter({
    name: 'taza_feed_items_seen_total',
    help: 'Items found in parsed feeds (new or not).',
    registers: [registry],
  });
  const alertsMatched = new Counter({
    name: 'taza_alerts_matched_total',
    help: 'Alerts put in the outbox after a keyword match.',
    registers: [registry],
  });
  const alertsSent = new Counter({
    name: 'taza_alerts_sent_total',
    help: 'Alerts the platform acknowledged.',
    labelNames: ['platform'],
    registers: [registry],
  });
  const alertsFailed = new Counter({
    name: 'taza_alerts_failed_total',
    help: 'Failed send attempts by platform and kind (transient, permanent, moved).',
    labelNames: ['platform', 'kind'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'taza_delivery_latency_seconds',
    help: 'Time from an item being first seen to its alert being sent.',
    labelNames: ['platform'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

  const gauge = (name: string, help: string, read: (s: MetricsSources) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        if (sources) this.set(read(sources));
      },
    });
  gauge('taza_outbox_depth', 'Alerts waiting to be sent.', (s) => s.outboxDepth());
  gauge('taza_outbox_oldest_pending_age_seconds', 'Age of the oldest alert waiting to be sent (0 when none).', (s) => {
    const oldest = s.oldestPendingAt();
    return oldest ? Math.max(0, ((s.now ?? Date.now)() - Date.parse(oldest)) / 1000) : 0;
  });
  gauge('taza_feeds', 'Feeds known to Taza.', (s) => s.feeds().length);
  gauge(
    'taza_feeds_failing',
    'Feeds whose last check failed and that are still being retried.',
    (s) => s.feeds().filter((f) => f.failures > 0 && !f.disabled).length,
  );
  gauge(
    'taza_feeds_disabled',
    'Feeds Taza stopped checking (410 Gone, or 30 days without a success).',
    (s) => s.feeds().filter((f) => f.disabled).length,
  );
  new Gauge({
    name: 'taza_subscriptions',
    help: 'Subscriptions by state (active, paused).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      if (!sources) return;
      const all = sources.subscriptions();
      const paused = all.filter((s) => s.paused).length;
      this.set({ state: 'active' }, all.length - paused);
      this.set({ state: 'paused' }, paused);
    },
  });

  const pipeline: PipelineMetrics = {
    feedCheck(outcome, bytes) {
      feedChecks.inc({ outcome });
      if (bytes > 0) bytesFetched.inc(bytes);
    },
    itemsSeen(count) {
      if (count > 0) itemsSeen.inc(count);
    },
    alertsMatched(count) {
      if (count > 0) alertsMatched.inc(count);
    },
  };

  return {
    registry,
    contentType: registry.contentType,
    pipeline,
    deliveryHooks: () => ({
      onSent(alert: Alert) {
        const platform = alert.destination.platform;
        alertsSent.inc({ platform });
        const seenAt = Date.parse(alert.firstSeenAt);
        if (Number.isFinite(seenAt)) latency.observe({ platform }, Math.max(0, (Date.now() - seenAt) / 1000));
      },
      onFailed(alert: Alert, error: DeliveryError) {
        alertsFailed.inc({ platform: alert.destination.platform, kind: error.kind });
      },
    }),
    observe(next) {
      sources = next;
      for (const platform of next.platforms ?? []) alertsSent.inc({ platform }, 0);
    },
    render: () => registry.metrics(),
  };
}
