/** `taza dashboard-link`: prints a one-time login link to the web dashboard for the self-hoster (sees everything). */
import { loadConfig } from '../config/load.js';
import { createLoginLink, dashboardBaseUrl } from '../web/index.js';

export const DASHBOARD_LINK_HELP = `Usage: taza dashboard-link

Prints a login link to the web dashboard that sees every server and chat. It works once, within
10 minutes, on the running Taza with the same DASHBOARD_TOKEN. The link starts with DASHBOARD_URL
(default http://HTTP_HOST:HTTP_PORT). Admins of a server or chat get their own link with /dashboard.`;

export async function runDashboardLink(_args: string[]): Promise<number> {
  const config = loadConfig();
  if (!config.DASHBOARD_TOKEN) {
    console.error(
      'taza: the web dashboard is off: set DASHBOARD_TOKEN (a long random secret, e.g. `openssl rand -base64 32`) in .env or the environment, restart Taza, then run this again',
    );
    return 2;
  }
  console.log(
    createLoginLink({
      token: config.DASHBOARD_TOKEN,
      baseUrl: dashboardBaseUrl(config, config.HTTP_PORT),
      viewer: { kind: 'owner' },
    }),
  );
  return 0;
}
