/** `preview feed:<url | preset> keywords:<query>`: a dry run over the feed's current items. Nothing is saved. */
import {
  bold,
  checkTemplate,
  code,
  compileQuery,
  defineCommand,
  describeQuery,
  esc,
  formatItem,
  link,
  loadFeed,
  matchItems,
  MAX_QUERY_CHARS,
  plural,
  readScopeTemplate,
  renderAlertPreview,
  resolveFeedSource,
  STYLE_OPTIONS,
} from '../src/chat/mod.js';

const SHOW_MATCHES = 5;
const SHOW_MISSES = 3;

export default defineCommand({
  name: 'preview',
  description: "Try keywords on a feed's current items without subscribing",
  access: 'everyone',
  options: [
    {
      name: 'feed',
      type: 'string',
      required: true,
      autocomplete: 'feed',
      maxLength: 2000,
      description: 'Feed URL, site URL, preset (e.g. dawn) or news:<search> [lang:ur]',
    },
    {
      name: 'keywords',
      type: 'string',
      multiword: true,
      maxLength: MAX_QUERY_CHARS,
      description: 'What to look for (default: every item)',
    },
    STYLE_OPTIONS.find((option) => option.name === 'template')!,
  ],
  examples: [
    { feed: 'bbc-urdu', keywords: 'بٹ کوائن' },
    { feed: 'coindesk', keywords: 'bitcoin -etf' },
    { feed: 'bbc-urdu', keywords: 'کرپٹو', template: '{title} ({published:Asia/Karachi})\n{link}' },
  ],
  async handler(ctx) {
    const query = ctx.options.string('keywords');
    const compiled = compileQuery(query);
    const typed = ctx.options.string('template');
    // Checked before the fetch: a template that does not work is the answer.
    if (typed !== '') checkTemplate(typed);
    // Without one typed, what a new subscription here would use: the default template of this server or chat.
    const template = typed || ((await readScopeTemplate(ctx.services.pipeline.store, ctx.target.scope)) ?? '');
    const source = resolveFeedSource(ctx.options.string('feed'), ctx.services.presets);
    await ctx.defer();
    const loaded = await loadFeed(ctx.services, source.url);
    const matches = matchItems(ctx.services, loaded, compiled);
    const hits = matches.filter((m) => m.evaluation.matched);
    const misses = matches.filter((m) => !m.evaluation.matched);
    const lines = [
      `Preview of ${bold(loaded.parsed.title || loaded.url)} (${link(loaded.url)}), nothing saved.`,
      `Keywords: ${esc(describeQuery(compiled))}`,
      `${hits.length} of ${plural(matches.length, 'current item')} ${hits.length === 1 ? 'matches' : 'match'}.`,
    ];
    if (template !== '' && hits[0])
      lines.push(
        '',
        `With ${typed ? 'your' : 'the default'} template, the newest match would read:`,
        renderAlertPreview(template, hits[0], loaded),
      );
    for (const hit of hits.slice(0, SHOW_MATCHES)) lines.push('', `● ${formatItem(hit)}`);
    if (hits.length > SHOW_MATCHES) lines.push('', `…and ${hits.length - SHOW_MATCHES} more.`);
    if (misses.length > 0) {
      lines.push('', 'Some that do not match, and why:');
      for (const miss of misses.slice(0, SHOW_MISSES))
        lines.push(
          `○ ${esc(miss.item.title || '(no title)')}: ${esc(miss.evaluation.explanation || 'no keyword found')}`,
        );
    }
    if (hits.length === 0 && query)
      lines.push('', `Tip: check the spelling, or try fewer words; ${code('title:')} limits a word to titles.`);
    return { ok: true, text: lines.join('\n') };
  },
});
