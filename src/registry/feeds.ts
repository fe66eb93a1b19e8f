/** The feeds Taza polls, kept in memory and written through to the store. One record per distinct URL. */
import { shortHash } from '../core/hash.js';
import type { Store } from '../store/open.js';
import { allValues } from '../store/open.js';
import type { FeedRecord } from '../store/records.js';

export class FeedRegistry {
  private readonly byId = new Map<string, FeedRecord>();

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<FeedRegistry> {
    const registry = new FeedRegistry(store);
    for (const feed of await allValues(store.feeds)) registry.byId.set(feed.id, feed);
    return registry;
  }

  all(): FeedRecord[] {
    return [...this.byId.values()];
  }

  get(id: string): FeedRecord | undefined {
    return this.byId.get(id);
  }

  findByUrl(url: string): FeedRecord | undefined {
    return this.byId.get(feedIdFor(url)) ?? this.all().find((feed) => feed.url === url);
  }

  /** The feed for a URL, created (due now, no baseline yet) when it is new. */
  async ensure(url: string, now = new Date()): Promise<FeedRecord> {
    const existing = this.findByUrl(url);
    if (existing) return existing;
    const feed: FeedRecord = { id: feedIdFor(url), url, failures: 0, nextCheckAt: now.toISOString(), baselineTaken: false, createdAt: now.toISOString() };
    await this.save(feed);
    return feed;
  }

  async save(feed: FeedRecord): Promise<void> {
    this.byId.set(feed.id, feed);
    await this.store.feeds.set(feed.id, feed);
  }

  async remove(id: string): Promise<void> {
    this.byId.delete(id);
    await this.store.feeds.delete(id);
  }
}

export function feedIdFor(url: string): string {
  return shortHash('feed', url).slice(0, 16);
}
