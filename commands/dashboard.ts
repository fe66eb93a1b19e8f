/** `dashboard`: a one-time login link to the web dashboard for this server or chat, sent only to the admin asking. */
import { code, defineCommand, link } from '../src/chat/mod.js';

export default defineCommand({
  name: 'dashboard',
  description: "Get a private link to the web dashboard for this server's or chat's subscriptions",
  access: 'admin',
  options: [],
  examples: [{}],
  async handler(ctx) {
    const url = ctx.services.dashboardLink?.({
      platform: ctx.platform,
      scope: ctx.target.scope,
      destination: ctx.target.destination,
      user: ctx.user,
    });
    if (!url)
      return {
        ok: false,
        text: `✗ The web dashboard is off. The operator turns it on by setting ${code('DASHBOARD_TOKEN')} and restarting Taza.`,
      };
    return {
      ok: true,
      private: true,
      text: [
        `Your login link to the dashboard for ${ctx.target.label}:`,
        link(url),
        'It works once, within 10 minutes, and shows only these subscriptions. Do not share it.',
      ].join('\n'),
    };
  },
});
