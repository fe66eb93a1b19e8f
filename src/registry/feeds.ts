/**
 * The feeds Taza polls, kept in memory and written through to the store. One record per distinct URL.
 * With other instances on the backend (a shared coordinator) the map is a cache: a feed is read fresh before each
 * check (refresh), every change is written at once, additions and removals are announced on 'taza:feeds', and the
 * whole map is reloaded now and then in case a message was lost.
 */
import type { Coordinator } from '../coordination/coordinator.js';
import { RecordChannel } from '../coordination/record-channel.js';
import { shortHash } from '../core/hash.js';
import type { Store } from '../store/open.js';
import { allValues } from '../store/open.js';
import type { FeedRecord } from '../core/records.js';

const FLUSH_BATCH = 500;
export const FEEDS_CHANNEL = 'taza:feeds';
/** How often a shared registry reloads every feed: the net under lost 'taza:feeds' messages. */
const RELOAD_MS = 60_000;

export class FeedRegistry {
  private readonly byId = new Map<string, FeedRecord>();
  private readonly byUrl = new Map<string, string>();
  /** Feeds whose only changes are bookkeeping (last check, next check), written in one batch by flush(). */
  private readonly dirty = new Set<string>();
  /**
   * Feeds removed (here, or found gone from the store) and not added again: a check under way when its feed was
   * removed must not write it back when it ends, or a feed nobody subscribes to would be polled for ever. Each
   * holds the count of removals when it was made: a counter, not the clock, because a read that starts in the same
   * millisecond as a removal, after it, must still count as newer.
   */
  private readonly removed = new Map<string, number>();
  private removals = 0;

  /** Shared: where changes are announced and, once following, heard. */
  private readonly channel: RecordChannel | undefined;
  private onFollowError: (error: unknown) => void = () => undefined;

  private constructor(
    private readonly store: Store,
    private readonly coordinator: Coordinator | undefined,
  ) {
    if (coordinator)
      this.channel = new RecordChannel({
        coordinator,
        channel: FEEDS_CHANNEL,
        refresh: (id) => this.refresh(id),
        reload: () => this.reload(),
        reloadMs: RELOAD_MS,
        onError: (_failed, error) => this.onFollowError(error),
      });
  }

  static async load(store: Store, options: { coordinator?: Coordinator } = {}): Promise<FeedRegistry> {
    const registry = new FeedRegistry(store, options.coordinator?.shared ? options.coordinator : undefined);
    for (const feed of await allValues(store.feeds)) registry.remember(feed);
    return registry;
  }

  /** True when other instances share the store: read before use, write at once. */
  get shared(): boolean {
    return this.coordinator !== undefined;
  }

  /**
   * Keeps a shared registry fresh: each 'taza:feeds' message re-reads its feed, and every feed is reloaded each
   * RELOAD_MS. Nothing to do for a registry of its own. `onError` hears a reload that failed.
   */
  async follow(onError: (error: unknown) => void, reloadMs = RELOAD_MS): Promise<void> {
    this.onFollowError = onError;
    await this.channel?.follow(reloadMs);
  }

  async unfollow(): Promise<void> {
    await this.channel?.close();
  }

  /** Reads the feed from the store into the map (or drops it, when the store no longer has it), and returns it. */
  async refresh(id: string): Promise<FeedRecord | undefined> {
    const removalsBefore = this.removals;
    const feed = await this.store.feeds.get(id);
    if (feed) return this.rememberStored(feed, removalsBefore) ? feed : undefined;
    const known = this.byId.get(id);
    if (known) this.forgetRemoved(known);
    return undefined;
  }

  /** Replaces the map with every feed in the store. */
  async reload(): Promise<void> {
    const removalsBefore = this.removals;
    const feeds = await allValues(this.store.feeds);
    const ids = new Set(feeds.map((feed) => feed.id));
    for (const feed of feeds) this.rememberStored(feed, removalsBefore);
    for (const feed of [...this.byId.values()])
      if (!ids.has(feed.id) && !this.dirty.has(feed.id)) this.forgetRemoved(feed);
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
    this.removed.delete(feed.id);
    await this.save(feed);
    await this.announce(feed.id);
    return feed;
  }

  /**
   * Writes the feed through. When the store refuses, the record in memory goes back to what it was: a check
   * whose result was not saved must be done again (a new body hash kept only in memory would read as
   * "unchanged" next time, and its items would never be looked at).
   */
  async save(feed: FeedRecord): Promise<void> {
    if (this.removed.has(feed.id)) return;
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
   * crash only means a feed is checked a little early after the restart. Not for a shared registry: the next
   * instance to check the feed reads its record from the store.
   */
  saveLater(feed: FeedRecord): void {
    if (this.removed.has(feed.id)) return;
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
    this.removed.set(id, ++this.removals);
    this.byId.delete(id);
    if (feed) this.byUrl.delete(feed.url);
    this.dirty.delete(id);
    await this.store.feeds.delete(id);
    await this.announce(id);
  }

  /** Tells the other instances a feed was added or removed (at most once: the periodic reload catches a loss). */
  private async announce(id: string): Promise<void> {
    await this.channel?.announce(id);
  }

  /** Gone from the store (removed by another instance): like a removal here. */
  private forgetRemoved(feed: FeedRecord): void {
    this.removed.set(feed.id, ++this.removals);
    this.forget(feed);
  }

  /**
   * A record the store had when a read that started after `removalsBefore` removals ran: added (again), unless it
   * was removed here since (the read may have seen it just before its deletion). False when it was not.
   */
  private rememberStored(feed: FeedRecord, removalsBefore: number): boolean {
    const removedAt = this.removed.get(feed.id);
    if (removedAt !== undefined && removedAt > removalsBefore) return false;
    this.removed.delete(feed.id);
    this.remember(feed);
    return true;
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
