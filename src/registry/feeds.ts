/** The feeds Taza polls, kept in memory and written through to the store. One record per distinct URL. */
import { shortHash } from '../core/hash.js';
import type { Store } from '../store/open.js';
import { allValues } from '../store/open.js';
import type { FeedRecord } from '../core/records.js';

const FLUSH_BATCH = 500;

export class FeedRegistry {
  private readonly byId = new Map<string, FeedRecord>();
  private readonly byUrl = new Map<string, string>();
  /** Feeds whose only changes are bookkeeping (last check, next check), written in one batch by flush(). */
  private readonly dirty = new Set<string>();

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<FeedRegistry> {
    const registry = new FeedRegistry(store);
    for (const feed of await allValues(store.feeds)) registry.remember(feed);
    return registry;
  }

  all(): FeedRecord[] {
    return [...this.byId.values()];
  }

  get(id: string): FeedRecord | undefined {
    return this.byId.get(id);
  }

  findByUrl(url: string): FeedRecord | undefined {
    return this.byId.get(feedIdFor(url)) ?? this.byId.get(this.byUrl.get(url) ?? '');
  }

  /** Every feed, without copying (the poller walks it often). */
  values(): IterableIterator<FeedRecord> {
    return this.byId.values();
  }

  /** The feed for a URL, created (due now, no baseline yet) when it is new. */
  async ensure(url: string, now = new Date()): Promise<FeedRecord> {
    const existing = this.findByUrl(url);
    if (existing) return existing;
    const feed: FeedRecord = {
      id: feedIdFor(url),
      url,
      failures: 0,
      nextCheckAt: now.toISOString(),
      baselineTaken: false,
      createdAt: now.toISOString(),
    };
    await this.save(feed);
    return feed;
  }

  /**
   * Writes the feed through. When the store refuses, the record in memory goes back to what it was: a check
   * whose result was not saved must be done again (a new body hash kept only in memory would read as
   * "unchanged" next time, and its items would never be looked at).
   */
  async save(feed: FeedRecord): Promise<void> {
    const previous = this.byId.get(feed.id);
    const wasDirty = this.dirty.has(feed.id);
    this.remember(feed);
    this.dirty.delete(feed.id);
    try {
      await this.store.feeds.set(feed.id, feed);
    } catch (error) {
      // Only if nothing replaced it meanwhile (another save, a removal).
      if (this.byId.get(feed.id) === feed) {
        if (previous) this.remember(previous);
        else this.forget(feed);
        if (wasDirty) this.dirty.add(feed.id);
      }
      throw error;
    }
  }

  /**
   * Updates the feed in memory now and in the store at the next flush. For checks that changed nothing but
   * the times: a write per unchanged check was the largest cost of polling, and losing these times in a
   * crash only means a feed is checked a little early after the restart.
   */
  saveLater(feed: FeedRecord): void {
    this.remember(feed);
    this.dirty.add(feed.id);
  }

  /** Writes the feeds saved for later, FLUSH_BATCH per statement (one statement for 10,000 built 12 MB of text). */
  async flush(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    for (let i = 0; i < ids.length; i += FLUSH_BATCH) {
      const entries = ids.slice(i, i + FLUSH_BATCH).flatMap((id) => {
        const feed = this.byId.get(id);
        return feed ? [{ key: id, value: feed }] : [];
      });
      try {
        if (entries.length > 0) await this.store.feeds.setMany(entries);
      } catch (error) {
        // What was not written is kept for the next flush (the store may be back by then), not dropped.
        for (const id of ids.slice(i)) if (this.byId.has(id)) this.dirty.add(id);
        throw error;
      }
    }
  }

  /** Feeds whose check times wait for the next flush. */
  unsaved(): number {
    return this.dirty.size;
  }

  async remove(id: string): Promise<void> {
    const feed = this.byId.get(id);
    this.byId.delete(id);
    if (feed) this.byUrl.delete(feed.url);
    this.dirty.delete(id);
    await this.store.feeds.delete(id);
  }

  private forget(feed: FeedRecord): void {
    this.byId.delete(feed.id);
    if (this.byUrl.get(feed.url) === feed.id) this.byUrl.delete(feed.url);
  }

  private remember(feed: FeedRecord): void {
    const previous = this.byId.get(feed.id);
    if (previous && previous.url !== feed.url) this.byUrl.delete(previous.url);
    this.byId.set(feed.id, feed);
    this.byUrl.set(feed.url, feed.id);
  }
}

export function feedIdFor(url: string): string {
  return shortHash('feed', url).slice(0, 16);
}
