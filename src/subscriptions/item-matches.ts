/** Runs a query over a loaded feed's current items, as the pipeline would, for subscribe's sample and preview. */
import type { FeedItem } from '../core/feed.js';
import { matchQuery, type CompiledQuery, type MatchResult } from '../matcher/index.js';
import { htmlToText, summarize } from '../summarizer/index.js';
import { bold, code, esc, link } from '../chat/reply/markup.js';
import type { LoadedFeed } from './load-feed.js';
import type { SubscriptionServices } from './services.js';

export interface ItemMatch {
  item: FeedItem;
  result: MatchResult;
}

/** Every item with its match result, newest first (undated items keep the feed's order). */
export function matchItems(loaded: LoadedFeed, query: CompiledQuery): ItemMatch[] {
  const matches = loaded.items.map((item) => ({
    item,
    result: matchQuery(query, {
      title: item.title,
      text: htmlToText(item.html),
      link: item.link,
      author: item.author,
      categories: item.categories,
    }),
  }));
  const time = (m: ItemMatch) => m.item.published?.getTime() ?? -Infinity;
  return matches
    .map((m, i) => ({ m, i }))
    .sort((a, b) => time(b.m) - time(a.m) || a.i - b.i)
    .map(({ m }) => m);
}

/** An item as it would be posted: title, link, what matched and the summary, in reply markup. */
export function formatItem(services: SubscriptionServices, loaded: LoadedFeed, match: ItemMatch): string {
  const { item, result } = match;
  const summary = summarize({ title: item.title, html: item.html, language: loaded.parsed.language }, result.terms, {
    maxSentences: services.pipeline.settings.summaryMaxSentences,
    maxChars: services.pipeline.settings.summaryMaxChars,
  });
  const lines = [bold(item.title || '(no title)')];
  if (item.link) lines.push(link(item.link));
  if (result.terms.length > 0) lines.push(`Matched: ${result.terms.map(code).join(', ')}`);
  if (summary.text)
    lines.push(
      ...summary.text
        .split('\n')
        .filter(Boolean)
        .map((line) => `> ${esc(line)}`),
    );
  return lines.join('\n');
}

/** The sample subscribe replies with: the newest matching item, or how many items there are and that none match. */
export function formatSample(services: SubscriptionServices, loaded: LoadedFeed, query: CompiledQuery): string {
  const matches = matchItems(loaded, query);
  const newest = matches.find((m) => m.result.matched);
  if (!newest) {
    const none =
      loaded.items.length === 1
        ? 'The one current item does not match'
        : `None of the current ${loaded.items.length} items match`;
    return `${none}; Taza will post the next new one that does.`;
  }
  const count = matches.filter((m) => m.result.matched).length;
  const which = count === 1 ? 'the one current item' : `the newest of the ${count} current items`;
  return `Sample: ${which} that would have matched (it is not posted):\n${formatItem(services, loaded, newest)}`;
}
