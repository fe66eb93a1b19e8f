/**
 * `subscribe feed:<url | preset | site | news:…> keywords:<query> [channel] [delivery every timezone quiet quietmode]
 * [template: mention: silent: images: edits: thread: forum_tags: backfill:]`: validate, fetch, baseline, save, sample,
 * and post the `backfill` newest matches.
 */
import {
  addSubscription,
  backfill,
  checkQuota,
  describeStyle,
  code,
  compileQuery,
  defineCommand,
  describeQuery,
  describeSchedule,
  esc,
  feedLine,
  formatSample,
  link,
  MAX_BACKFILL,
  MAX_QUERY_CHARS,
  parseBackfill,
  plural,
  SCHEDULE_OPTIONS,
  scheduleFrom,
  scheduleInput,
  readStyleOptions,
  STYLE_OPTIONS,
  type StyleChange,
} from '../src/chat/mod.js';

/** A new subscription has no style to clear: "none" simply leaves the field out. */
function newStyle(change: StyleChange) {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== null && value !== undefined));
}

export default defineCommand({
  name: 'subscribe',
  description: 'Watch a feed for keywords and post matching new items here',
  access: 'admin',
  options: [
    {
      name: 'feed',
      type: 'string',
      required: true,
      autocomplete: 'feed',
      maxLength: 2000,
      description: 'Feed URL, site URL, preset (e.g. bbc-urdu) or news:<search> [lang:ur]',
    },
    {
      name: 'keywords',
      type: 'string',
      multiword: true,
      required: true,
      maxLength: MAX_QUERY_CHARS,
      description: 'What to look for, e.g. bitcoin, crypto council, بٹ کوائن -etf',
    },
    { name: 'channel', type: 'channel', description: 'Where to post the alerts (default: this channel)' },
    ...SCHEDULE_OPTIONS,
    ...STYLE_OPTIONS,
    {
      name: 'backfill',
      type: 'string',
      namedOnly: true,
      maxLength: 2,
      description: `Post the newest matching items already in the feed now (0 to ${MAX_BACKFILL}), to see the result`,
    },
  ],
  examples: [
    { feed: 'bbc-urdu', keywords: 'بٹ کوائن, کرپٹو کونسل' },
    { feed: 'news:crypto council lang:ur', keywords: 'crypto council, bitcoin' },
    { feed: 'https://www.dawn.com', keywords: 'bitcoin -etf', channel: '#crypto-news' },
    { feed: 'bbc-urdu', keywords: 'bitcoin', every: 'daily 09:00', timezone: 'Asia/Karachi', quiet: '22:00-07:00' },
    { feed: 'bbc-urdu', keywords: 'کرپٹو', template: '{title} — {link}', silent: 'yes', backfill: '2' },
  ],
  async handler(ctx) {
    const query = ctx.options.string('keywords');
    const compiled = compileQuery(query);
    const schedule = scheduleFrom(scheduleInput(ctx.options));
    const style = newStyle(readStyleOptions(ctx));
    const backfillCount = parseBackfill(ctx.options.string('backfill'));
    checkQuota(ctx.services, ctx.target);
    await ctx.defer();
    const added = await addSubscription(ctx.services, {
      feed: ctx.options.string('feed'),
      query,
      target: ctx.target,
      createdBy: ctx.user.id,
      ...(schedule ? { schedule } : {}),
      style,
    });
    const lines = [
      `✓ Subscribed ${code(added.subscription.id)}: ${feedLine(added.feed)} → ${ctx.target.destinationLabel}`,
      `Keywords: ${esc(describeQuery(compiled))}`,
      ...(schedule ? [`Delivery: ${esc(describeSchedule(schedule))}`] : []),
    ];
    if (added.loaded.discoveredFrom)
      lines.push(`(${link(added.loaded.discoveredFrom)} is a web page; Taza found its feed and uses that.)`);
    const styled = describeStyle(added.subscription);
    if (styled) lines.push(`Alerts: ${styled}`);
    const posted = await backfill(ctx.services, added.subscription, added.feed, added.loaded, backfillCount);
    if (backfillCount > 0)
      lines.push(
        posted > 0
          ? `Posting the ${plural(posted, 'newest matching item')} now, so you can see how alerts look there.`
          : 'No current item matches, so nothing is posted now.',
      );
    lines.push(
      `The ${plural(added.loaded.items.length, 'item')} already in the feed will not be posted${backfillCount > 0 ? ' (beyond those)' : ''}; new matching items will.`,
      '',
      formatSample(ctx.services, added.loaded, compiled),
    );
    return { ok: true, text: lines.join('\n') };
  },
});
