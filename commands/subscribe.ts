/**
 * `subscribe feed:<url | preset | site | news:…> keywords:<query> [channel] [delivery every timezone quiet quietmode]`:
 * validate, fetch, baseline, save, sample.
 */
import {
  addSubscription,
  checkQuota,
  code,
  compileQuery,
  defineCommand,
  describeQuery,
  describeSchedule,
  esc,
  feedLine,
  formatSample,
  link,
  MAX_QUERY_CHARS,
  plural,
  SCHEDULE_OPTIONS,
  scheduleFrom,
  scheduleInput,
} from '../src/chat/mod.js';

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
  ],
  examples: [
    { feed: 'bbc-urdu', keywords: 'بٹ کوائن, کرپٹو کونسل' },
    { feed: 'news:crypto council lang:ur', keywords: 'crypto council, bitcoin' },
    { feed: 'https://www.dawn.com', keywords: 'bitcoin -etf', channel: '#crypto-news' },
    { feed: 'bbc-urdu', keywords: 'bitcoin', every: 'daily 09:00', timezone: 'Asia/Karachi', quiet: '22:00-07:00' },
  ],
  async handler(ctx) {
    const query = ctx.options.string('keywords');
    const compiled = compileQuery(query);
    const schedule = scheduleFrom(scheduleInput(ctx.options));
    checkQuota(ctx.services, ctx.target);
    await ctx.defer();
    const added = await addSubscription(ctx.services, {
      feed: ctx.options.string('feed'),
      query,
      target: ctx.target,
      createdBy: ctx.user.id,
      ...(schedule ? { schedule } : {}),
    });
    const lines = [
      `✓ Subscribed ${code(added.subscription.id)}: ${feedLine(added.feed)} → ${ctx.target.destinationLabel}`,
      `Keywords: ${esc(describeQuery(compiled))}`,
      ...(schedule ? [`Delivery: ${esc(describeSchedule(schedule))}`] : []),
    ];
    if (added.loaded.discoveredFrom)
      lines.push(`(${link(added.loaded.discoveredFrom)} is a web page; Taza found its feed and uses that.)`);
    lines.push(
      `The ${plural(added.loaded.items.length, 'item')} already in the feed will not be posted; new matching items will.`,
      '',
      formatSample(ctx.services, added.loaded, compiled),
    );
    return { ok: true, text: lines.join('\n') };
  },
});
