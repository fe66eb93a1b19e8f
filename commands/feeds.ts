/** `feeds`: health of the feeds this server or chat uses: last success, last error, next check. */
import { defineCommand, esc, feedName, link, plural, relativeTime } from '../src/chat/mod.js';

export default defineCommand({
  name: 'feeds',
  description: 'Show the health of the feeds used here',
  access: 'everyone',
  options: [],
  examples: [{}],
  async handler(ctx) {
    const { services } = ctx;
    const now = services.now();
    const counts = new Map<string, number>();
    for (const s of services.subscriptions.byScope(ctx.target.scope))
      counts.set(s.feedId, (counts.get(s.feedId) ?? 0) + 1);
    if (counts.size === 0) return { ok: true, text: `${ctx.target.label} uses no feeds yet. Add one with /subscribe.` };
    const lines = [`${plural(counts.size, 'feed')} used in ${ctx.target.label}:`];
    for (const [feedId, count] of counts) {
      const feed = services.feeds.get(feedId);
      if (!feed) {
        lines.push(`⚠ ${esc(feedId)}: this feed's record is missing (${plural(count, 'subscription')})`);
        continue;
      }
      const icon = feed.disabled ? '⛔' : feed.failures > 0 ? '⚠' : '✅';
      lines.push(`${icon} ${feedName(feed)} ${link(feed.url)} · ${plural(count, 'subscription')}`);
      lines.push(
        `  last success: ${relativeTime(feed.lastSuccessAt, now)} · next check: ${feed.disabled ? 'none (stopped)' : relativeTime(feed.nextCheckAt, now)}`,
      );
      if (feed.disabled) lines.push(`  stopped: ${esc(feed.disabled.reason)}`);
      if (feed.lastError)
        lines.push(
          `  last error (${relativeTime(feed.lastError.at, now)}, ${feed.failures} in a row): ${esc(feed.lastError.message)}`,
        );
    }
    return { ok: true, text: lines.join('\n') };
  },
});
