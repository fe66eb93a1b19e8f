/**
 * Alerts for tests, one function for every stage: `makeAlert()` is story 1 to a Telegram group; `n` numbers the
 * story (its id, item key, title and link), `to` addresses it, and any other field is set by name. Given `html`,
 * the summary is made by summarize() as the pipeline makes it; otherwise it is a fixed sentence.
 */
import type { Alert, Summary } from '../../src/core/alert.js';
import type { Destination } from '../../src/core/destination.js';
import { summarize } from '../../src/summarizer/index.js';

export interface AlertSpec {
  /** Story number: id `alert-<n>`, key `item-<n>`, title `Story <n>`, link `https://news.example/<n>`. Default 1. */
  n?: number;
  to?: Destination;
  title?: string;
  /** `undefined` given explicitly: an item without a link. */
  link?: string;
  /** `undefined` given explicitly: an undated item. */
  published?: string;
  /** The item's HTML: the summary is summarize()'s, with `terms` and `termVariants`. */
  html?: string;
  language?: string;
  feedTitle?: string;
  feedUrl?: string;
  terms?: string[];
  termVariants?: string[];
  /** Used as it is. */
  summary?: Summary;
  /** Any other field of the alert. */
  overrides?: Partial<Alert>;
}

export const DEFAULT_DESTINATION: Destination = { platform: 'telegram', id: '-100123' };

export function makeAlert(spec: AlertSpec = {}): Alert {
  const n = spec.n ?? 1;
  const title = 'title' in spec ? (spec.title ?? '') : `Story ${n}`;
  const link = 'link' in spec ? spec.link : `https://news.example/${n}`;
  const published = 'published' in spec ? spec.published : '2026-11-29T10:00:00.000Z';
  const terms = spec.terms ?? ['bitcoin'];
  const summary =
    spec.summary ??
    (spec.html !== undefined
      ? summarize({ title, html: spec.html, ...(spec.language && { language: spec.language }) }, terms, {
          ...(spec.termVariants && { termVariants: spec.termVariants }),
        })
      : { text: `Summary of story ${n}.`, dir: 'ltr', lang: 'en' });
  return {
    id: `alert-${n}`,
    subscriptionId: 'sub-1',
    destination: spec.to ?? DEFAULT_DESTINATION,
    feed: {
      id: 'feed-1',
      url: spec.feedUrl ?? 'https://news.example/feed.xml',
      title: spec.feedTitle ?? 'Example News',
    },
    item: {
      key: `item-${n}`,
      title,
      ...(link !== undefined && { link }),
      ...(published !== undefined && { published }),
    },
    summary,
    matchedTerms: terms,
    firstSeenAt: '2026-11-29T10:00:00.000Z',
    createdAt: '2026-11-29T10:00:01.000Z',
    ...spec.overrides,
  };
}
