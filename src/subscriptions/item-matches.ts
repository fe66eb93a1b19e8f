/** Runs a query over a loaded feed's current items, as the pipeline would, for subscribe's sample and preview. */
import type { FeedItem } from '../core/feed.js';
import type { CompiledQuery } from '../matcher/index.js';
import { evaluateItem, type ItemEvaluation } from '../pipeline/evaluate-item.js';
import { bold, code, esc, link } from '../replies/markup.js';
import type { LoadedFeed } from './load-feed.js';
import type { SubscriptionServices } from './services.js';

export interface ItemMatch {
  item: FeedItem;
  evaluation: ItemEvaluation;
}

/** Every item evaluated as the pipeline would for an alert, newest first (undated items keep the feed's order). */
export function matchItems(services: SubscriptionServices, loaded: LoadedFeed, query: CompiledQuery): ItemMatch[] {
  const matches = loaded.items.map((item) => ({
    item,
    evaluation: evaluateItem(item, loaded.parsed, query, services.pipeline.settings),
  }));
  const time = (m: ItemMatch) => m.item.published?.getTime() ?? -Infinity;
  return matches
    .map((m, i) => ({ m, i }))
    .sort((a, b) => time(b.m) - time(a.m) || a.i - b.i)
    .map(({ m }) => m);
}

/** An item as it would be posted: title, link, what matched and the summary, in reply markup. */
export function formatItem(match: ItemMatch): string {
  const { item, evaluation } = match;
  const { summary } = evaluation;
  const lines = [bold(item.title || '(no title)')];
  if (item.link) lines.push(link(item.link));
  if (evaluation.terms.length > 0) lines.push(`Matched: ${evaluation.terms.map(code).join(', ')}`);
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
  const matches = matchItems(services, loaded, query);
  const newest = matches.find((m) => m.evaluation.matched);
  if (!newest) {
    const none =
      loaded.items.length === 1
        ? 'The one current item does not match'
        : `None of the current ${loaded.items.length} items match`;
    return `${none}; Taza will post the next new one that does.`;
  }
  const count = matches.filter((m) => m.evaluation.matched).length;
  const which = count === 1 ? 'the one current item' : `the newest of the ${count} current items`;
  return `Sample: ${which} that would have matched (it is not posted):\n${formatItem(newest)}`;
}
