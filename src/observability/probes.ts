/** What /healthz and /readyz check, built from the running app's parts. */
import type { Platform } from '../core/destination.js';
import type { Sink } from '../outbox/sink.js';
import type { StoreHealth, StoreHealthState } from '../store/health.js';
import type { Store } from '../store/open.js';
import type { ProbeReport } from './http-server.js';

/** A store that does not answer within this long counts as down (a hung Redis must not hang the probe). */
const STORE_TIMEOUT_MS = 3000;

/** What the probes need of the store health (src/store/health.ts). */
export type HealthView = Pick<StoreHealth, 'state' | 'check'>;

/**
 * Liveness: the process is up and the store answers a write. With `health`, a store known to be down answers
 * 503 at once with the reason and since when (the health's probe loop does the retrying), and a live ping that
 * fails marks it down for the poller and the delivery worker too.
 */
export function healthProbe(
  store: Pick<Store, 'ping' | 'location'>,
  startedAt = Date.now(),
  health?: HealthView,
): () => Promise<ProbeReport> {
  return async () => {
    const uptime = () => Math.round((Date.now() - startedAt) / 1000);
    const known = health?.state();
    if (known && !known.up) return downReport(store.location, known, uptime());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STORE_TIMEOUT_MS);
    });
    // Through the health, a failed ping marks the store down for the poller and the delivery worker too.
    const ping = health ? health.check() : store.ping();
    const answer = await Promise.race([ping.catch(() => false), timeout]);
    clearTimeout(timer);
    const uptimeSeconds = uptime();
    if (answer === true) return { ok: true, store: 'ok', uptimeSeconds };
    const state = health?.state();
    if (state && !state.up) return downReport(store.location, state, uptimeSeconds);
    const problem =
      answer === 'timeout' ? `no answer within ${STORE_TIMEOUT_MS / 1000} s` : 'the store refused a write';
    return {
      ok: false,
      store: problem,
      error: `store at ${store.location}: ${problem} (check STORE_URL, the disk or the database server)`,
      uptimeSeconds,
    };
  };
}

function downReport(
  location: string,
  state: Extract<StoreHealthState, { up: false }>,
  uptimeSeconds: number,
): ProbeReport {
  return {
    ok: false,
    store: state.problem,
    error: `store at ${location} is unreachable since ${state.since}: ${state.reason}`,
    since: state.since,
    paused: 'polling and delivery are paused until the store answers',
    uptimeSeconds,
  };
}

/** Readiness: every platform with a sink (the console one included) is connected, and the store works. */
export function readinessProbe(
  sinks: Partial<Record<Platform, Pick<Sink, 'state'>>>,
  health?: Pick<StoreHealth, 'state'>,
): () => ProbeReport {
  return () => {
    const platforms: Record<string, string> = {};
    const problems: string[] = [];
    const store = health?.state();
    if (store && !store.up)
      problems.push(`the store is unreachable since ${store.since}: ${store.reason} (polling and delivery paused)`);
    for (const [platform, sink] of Object.entries(sinks)) {
      if (!sink) continue;
      const state = sink.state();
      platforms[platform] = state;
      if (state !== 'connected')
        problems.push(`${platform} is ${state}: alerts for it wait in the outbox (see the logs, or run "taza doctor")`);
    }
    return problems.length === 0 ? { ok: true, platforms } : { ok: false, platforms, problems };
  };
}
