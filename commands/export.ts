/** `export`: an OPML file of this server's or chat's subscriptions, with their keywords. */
import { defineCommand, plural, styleAttributes, writeOpml } from '../src/chat/mod.js';

export default defineCommand({
  name: 'export',
  description: "Download this server's or chat's subscriptions as an OPML file",
  access: 'admin',
  options: [],
  examples: [{}],
  async handler(ctx) {
    const { services } = ctx;
    const subscriptions = services.subscriptions
      .byScope(ctx.target.scope)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (subscriptions.length === 0)
      return { ok: true, text: `There are no subscriptions in ${ctx.target.label} to export.` };
    const entries = subscriptions.flatMap((s) => {
      const feed = services.feeds.get(s.feedId);
      return feed
        ? [
            {
              url: feed.url,
              title: feed.title,
              htmlUrl: feed.link,
              keywords: s.query,
              paused: s.paused !== undefined,
              ...(s.schedule ? { schedule: s.schedule } : {}),
              style: styleAttributes(s),
            },
          ]
        : [];
    });
    const opml = writeOpml(`Taza subscriptions (${ctx.platform} ${ctx.target.scope})`, entries, services.now());
    const name = `taza-${ctx.platform}-${ctx.target.scope.replace(/[^\w-]/g, '')}.opml`;
    return {
      ok: true,
      text: `✓ ${plural(entries.length, 'subscription')} exported. Use /import with this file to copy them to another server or chat.`,
      file: { name, content: Buffer.from(opml, 'utf8') },
    };
  },
});
