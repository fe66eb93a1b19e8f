/**
 * The web dashboard as the app builds it: the request handler for the HTTP server, and login links for /dashboard
 * (a scoped one) and `taza dashboard-link` (the self-hoster's). Off (a page that says how to turn it on) without
 * DASHBOARD_TOKEN.
 */
import type { DashboardLinkRequest } from '../chat/services.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/open.js';
import { allValues } from '../store/open.js';
import type { DashboardDeps } from './deps.js';
import { createLoginLink } from './login-link.js';
import { createDashboard, type Dashboard } from './server.js';

export { CheckLog } from './check-log.js';
export { createLoginLink } from './login-link.js';
export type { Dashboard } from './server.js';

/** The address login links point to: DASHBOARD_URL, else this server's own address. */
export function dashboardBaseUrl(config: Pick<Config, 'DASHBOARD_URL' | 'HTTP_HOST'>, port: number): string {
  if (config.DASHBOARD_URL) return config.DASHBOARD_URL;
  const host = ['0.0.0.0', '::', ''].includes(config.HTTP_HOST) ? 'localhost' : config.HTTP_HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A one-time link for one server or chat (what /dashboard sends); undefined when the dashboard is off. */
export function scopedLoginLink(
  config: Pick<Config, 'DASHBOARD_TOKEN' | 'DASHBOARD_URL' | 'HTTP_HOST'>,
  port: number,
  request: DashboardLinkRequest,
  now: Date,
): string | undefined {
  if (!config.DASHBOARD_TOKEN) return undefined;
  return createLoginLink({
    token: config.DASHBOARD_TOKEN,
    baseUrl: dashboardBaseUrl(config, port),
    viewer: { kind: 'scope', ...request },
    now: now.getTime(),
  });
}

export function createWebDashboard(
  config: Pick<Config, 'DASHBOARD_TOKEN'>,
  deps: Omit<DashboardDeps, 'token' | 'history' | 'useLink' | 'seenCount'> & { store: Store },
): Dashboard {
  const token = config.DASHBOARD_TOKEN;
  const { store, ...rest } = deps;
  return createDashboard(
    token
      ? {
          ...rest,
          token,
          history: () => allValues(store.outbox),
          useLink: (nonce, expiresAt) => useLinkOnce(store, nonce, expiresAt - rest.now().getTime()),
          seenCount: (feedId) => countSeen(store, feedId),
        }
      : undefined,
  );
}

/** A link's nonce, kept (in `meta`, a number) until its link expires; a minute more for clocks a little apart. */
function useLinkOnce(store: Store, nonce: string, leftMs: number): Promise<boolean> {
  return store.insertIfAbsent('meta', `login-link:${nonce}`, 1, Math.max(0, leftMs) + 60_000);
}

/** Seen-set keys are `<feedId>:<itemKey>`; counted by walking the namespace (a feed page is rare and small). */
async function countSeen(store: Store, feedId: string): Promise<number> {
  if (!store.seen.iterator) return 0;
  let count = 0;
  for await (const [key] of store.seen.iterator(undefined)) if (String(key).includes(`${feedId}:`)) count++;
  return count;
}
