import type { Alert } from '../../src/core/alert.js';
import type { Destination } from '../../src/core/destination.js';

export function makeAlert(
  n: number,
  destination: Destination = { platform: 'telegram', id: '-100123' },
  overrides: Partial<Alert> = {},
): Alert {
  return {
    id: `alert-${n}`,
    subscriptionId: 'sub1',
    destination,
    feed: { id: 'feed1', url: 'https://news.example/feed.xml', title: 'Example News' },
    item: {
      key: `item-${n}`,
      title: `Story ${n}`,
      link: `https://news.example/${n}`,
      published: '2026-11-29T10:00:00.000Z',
    },
    summary: { text: `Summary of story ${n}.`, dir: 'ltr', lang: 'en' },
    matchedTerms: ['bitcoin'],
    firstSeenAt: '2026-11-29T10:00:00.000Z',
    createdAt: '2026-11-29T10:00:00.000Z',
    ...overrides,
  };
}

/** Resolves when `predicate` becomes true; checked each time `notify` is called (event-driven, no polling). */
export function condition(predicate: () => boolean): { notify(): void; done: Promise<void> } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const notify = () => {
    if (predicate()) resolve();
  };
  return { notify, done };
}
