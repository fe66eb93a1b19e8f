/** A template filled in with an item, as plain text, for `preview` and `subscribe` to show before anything is posted. */
import type { Alert } from '../core/alert.js';
import { shortHash } from '../core/hash.js';
import { parseTemplate, renderTemplate } from '../render/index.js';
import { UserError } from '../replies/errors.js';
import { esc } from '../replies/markup.js';
import type { ItemMatch } from './item-matches.js';
import type { LoadedFeed } from './load-feed.js';

/** The filled-in template, each line quoted, in reply markup (so it shows exactly as typed). */
export function renderAlertPreview(template: string, match: ItemMatch, loaded: LoadedFeed): string {
  const parsed = parseTemplate(template);
  if (!parsed.ok) throw new UserError(`The template does not work: ${esc(parsed.error)}.`);
  const { item, evaluation } = match;
  const alert: Alert = {
    id: shortHash('preview', item.key),
    subscriptionId: '',
    destination: { platform: 'console', id: '' },
    feed: { id: '', url: loaded.url, title: loaded.parsed.title || loaded.url },
    item: {
      key: item.key,
      title: item.title,
      ...(item.link && { link: item.link }),
      ...(item.published && { published: item.published.toISOString() }),
      ...(item.author && { author: item.author }),
      categories: item.categories,
    },
    summary: evaluation.summary,
    matchedTerms: evaluation.terms,
    firstSeenAt: '',
    createdAt: '',
  };
  const text = renderTemplate(parsed.parts, alert, {
    escape: (raw) => raw,
    link: (url) => url,
    measure: (text) => text.length,
    limit: 4096,
  });
  return text
    .split('\n')
    .map((line) => `> ${esc(line)}`)
    .join('\n');
}
