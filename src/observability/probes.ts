/** What /healthz and /readyz check, built from the running app's parts. */
import type { Platform } from '../core/destination.js';
import type { Sink } from '../outbox/sink.js';
import type { Store } from '../store/open.js';
import type { ProbeReport } from './http-server.js';

/** A store that does not answer within this long counts as down (a hung Redis must not hang the probe). */
const STORE_TIMEOUT_MS = 3000;

/** Liveness: the process is up and the store answers a write. */
export function healthProbe(
  store: Pick<Store, 'ping' | 'location'>,
  startedAt = Date.now(),
): () => Promise<ProbeReport> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STORE_TIMEOUT_MS);
    });
    const answer = await Promise.race([store.ping().catch(() => false), timeout]);
    clearTimeout(timer);
    const uptimeSeconds = Math.round((Date.now() - startedAt) / 1000);
    if (answer === true) return { ok: true, store: 'ok', uptimeSeconds };
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

/** Readiness: every platform with a sink (the console one included) is connected. */
export function readinessProbe(sinks: Partial<Record<Platform, Pick<Sink, 'state'>>>): () => ProbeReport {
  return () => {
    const platforms: Record<string, string> = {};
    const problems: string[] = [];
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
