/** `list`: this server's or chat's subscriptions with their id, feed, keywords, destination, state and last alert. */
import { defineCommand, describeStyle, plural, subscriptionEntry } from '../src/chat/mod.js';

export default defineCommand({
  name: 'list',
  description: "List this server's or chat's subscriptions",
  access: 'everyone',
  options: [],
  examples: [{}],
  async handler(ctx) {
    const { services } = ctx;
    const now = services.now();
    const subscriptions = services.subscriptions
      .byScope(ctx.target.scope)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (subscriptions.length === 0)
      return {
        ok: true,
        text: `There are no subscriptions in ${ctx.target.label} yet. Add one with /subscribe (send /help subscribe for examples).`,
      };
    const header = `${plural(subscriptions.length, 'subscription')} in ${ctx.target.label} (limit ${services.quota}):`;
    return {
      ok: true,
      text: [
        header,
        ...subscriptions.map((s) => {
          const entry = subscriptionEntry(services.feeds, s, now, ctx.target.destination);
          const style = describeStyle(s);
          return style ? `${entry}\n  alerts: ${style}` : entry;
        }),
      ].join('\n'),
    };
  },
});
