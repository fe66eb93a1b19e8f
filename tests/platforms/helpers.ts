/** Alerts and a capturing logger shared by the adapter tests. */
import type { Alert } from '../../src/core/alert.js';
import type { Destination } from '../../src/core/destination.js';
import { shortHash } from '../../src/core/hash.js';

export function makeAlert(destination: Destination, n = 1, overrides: Partial<Alert> = {}): Alert {
  const link = `https://news.example.org/story/${n}`;
  return {
    id: shortHash('sub-1', `item-${n}`, destination.platform, destination.id),
    subscriptionId: 'sub-1',
    destination,
    feed: { id: 'feed-1', url: 'https://news.example.org/rss', title: 'Example News' },
    item: { key: `item-${n}`, title: `Story number ${n}`, link, published: '2025-06-01T10:00:00.000Z' },
    summary: { text: `Summary of story ${n}.`, dir: 'ltr', lang: 'en' },
    matchedTerms: ['bitcoin'],
    firstSeenAt: '2025-06-01T10:00:05.000Z',
    createdAt: '2025-06-01T10:00:06.000Z',
    ...overrides,
  };
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: object;
  msg: string;
}

export function capturingLogger() {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg: string) => void entries.push({ level, obj, msg });
  return {
    entries,
    logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') },
    text: () => JSON.stringify(entries),
  };
}

/** Resolves with the error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
