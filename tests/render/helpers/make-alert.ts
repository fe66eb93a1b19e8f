/** Test helper: an Alert built the way the pipeline builds one (summary from summarize()). */
import type { Alert, Summary } from '../../../src/core/alert.js';
import { summarize } from '../../../src/summarizer/index.js';

export interface AlertSpec {
  title?: string;
  link?: string;
  published?: string;
  html?: string;
  language?: string;
  feedTitle?: string;
  feedUrl?: string;
  terms?: string[];
  termVariants?: string[];
  /** Use this summary as-is instead of summarizing `html`. */
  summary?: Summary;
}

export function makeAlert(spec: AlertSpec): Alert {
  const title = spec.title ?? '';
  const terms = spec.terms ?? [];
  const summary =
    spec.summary ??
    summarize({ title, html: spec.html ?? '', ...(spec.language && { language: spec.language }) }, terms, {
      ...(spec.termVariants && { termVariants: spec.termVariants }),
    });
  return {
    id: 'alert-1',
    subscriptionId: 'sub-1',
    destination: { platform: 'console', id: '' },
    feed: { id: 'feed-1', url: spec.feedUrl ?? 'https://feeds.example/rss', title: spec.feedTitle ?? 'Example Feed' },
    item: {
      key: 'item-1',
      title,
      ...(spec.link !== undefined && { link: spec.link }),
      ...(spec.published !== undefined && { published: spec.published }),
    },
    summary,
    matchedTerms: terms,
    firstSeenAt: '2025-12-13T11:06:00.000Z',
    createdAt: '2025-12-13T11:06:01.000Z',
  };
}
