/**
 * Subscriptions in memory, written through to the store, with one compiled match index per feed:
 * an item can only match the subscriptions of its own feed, so each index stays small.
 *
 * With several instances on one backend (a shared coordinator) the store is the truth and this is a cache: every
 * change is announced on 'taza:subscriptions' (the others read that record again, or drop it), and the whole set is
 * read again periodically, the net for a lost message.
 */
import { randomBytes } from 'node:crypto';
import { formatDestination, type Destination } from '../core/destination.js';
import {
  MatchIndex,
  parseQuery,
  type CompiledQuery,
  type MatchInput,
  type MatchResult,
  type QueryParseResult,
} from '../matcher/index.js';
import type { Coordinator } from '../coordination/coordinator.js';
import { RecordChannel } from '../coordination/record-channel.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/open.js';
import { allValues } from '../store/open.js';
import type { Subscription } from '../core/records.js';

export const SUBSCRIPTIONS_CHANNEL = 'taza:subscriptions';
const DEFAULT_RELOAD_MS = 30_000;
/**
 * Shared: the `meta` record every save and removal rewrites (after the subscription), with a value never used
 * before. The periodic reload reads it first and lists the subscriptions only when it moved: a listing of 10,000
 * took 0.2-0.3 s of CPU, every 30 s on every instance, with nothing changed.
 */
const CHANGE_MARK_KEY = 'subscriptions-changed';
/**
 * Every this many periodic reloads one lists everything whatever the mark says: the net for a save whose process
 * died between the subscription and the mark (and whose message was lost with it).
 */
const FULL_RELOAD_EVERY = 10;

export interface SubscriptionRegistryOptions {
  /** Shared (Redis, Postgres): other instances change subscriptions too, and this registry follows them. */
  coordinator?: Coordinator;
  /**
   * How often, when shared, the subscriptions are read again in case a message was lost (when the change mark
   * moved, and every tenth time in any case). Default 30 s.
   */
  reloadMs?: number;
  logger?: Logger;
}

export interface SubscriptionMatch {
  subscription: Subscription;
  result: MatchResult;
}

export class SubscriptionRegistry {
  private readonly byId = new Map<string, Subscription>();
  private readonly queries = new Map<string, CompiledQuery>();
  /** Compiled queries by their text: subscribers often type the same one, and a compiled query is immutable. */
  private readonly compiled = new Map<string, QueryParseResult>();
  private readonly indexes = new Map<string, MatchIndex>();

  /** Shared: where changes are announced and heard. */
  private channel: RecordChannel | undefined;
  /** While the store is being read: the ids changed here meanwhile, whose read value is older than the cache's. */
  private readonly readers = new Set<Set<string>>();
  /** Shared: the change mark as it was read before the last listing. */
  private listedMark: number | undefined;
  private reloadsSinceFull = 0;

  private constructor(
    private readonly store: Store,
    private readonly options: SubscriptionRegistryOptions,
  ) {}

  static async load(store: Store, options: SubscriptionRegistryOptions = {}): Promise<SubscriptionRegistry> {
    const registry = new SubscriptionRegistry(store, options);
    // Read before the listing, so a change the listing may have missed moves it.
    if (registry.coordinator) registry.listedMark = await store.meta.get(CHANGE_MARK_KEY);
    for (const subscription of await allValues(store.subscriptions)) registry.remember(subscription);
    if (registry.coordinator) {
      registry.channel = new RecordChannel({
        coordinator: registry.coordinator,
        channel: SUBSCRIPTIONS_CHANNEL,
        refresh: (id) => registry.refresh(id),
        reload: () => registry.reloadIfChanged(),
        reloadMs: options.reloadMs ?? DEFAULT_RELOAD_MS,
        onError: (failed, error) => registry.warn(`subscriptions.${failed}-failed`, error),
      });
      await registry.channel.follow();
    }
    return registry;
  }

  /** The coordinator shared with other instances; undefined when this process is alone on the store. */
  get coordinator(): Coordinator | undefined {
    return this.options.coordinator?.shared ? this.options.coordinator : undefined;
  }

  /**
   * Reads every subscription again from the store (shared mode: what other instances added, changed or removed).
   * Changes made here while it reads are kept.
   */
  async reload(): Promise<void> {
    const { value, changedHere } = await this.read(async () => {
      // Read before the listing, so a change the listing may have missed moves it.
      const mark = this.coordinator ? await this.store.meta.get(CHANGE_MARK_KEY) : undefined;
      return { mark, stored: await allValues(this.store.subscriptions) };
    });
    const ids = new Set<string>();
    for (const subscription of value.stored) {
      ids.add(subscription.id);
      if (changedHere.has(subscription.id)) continue;
      if (JSON.stringify(this.byId.get(subscription.id)) !== JSON.stringify(subscription)) this.remember(subscription);
    }
    for (const id of [...this.byId.keys()]) if (!ids.has(id) && !changedHere.has(id)) this.forget(id);
    // Only once the listing is in: after one that failed, the next periodic reload lists again.
    this.listedMark = value.mark;
    this.reloadsSinceFull = 0;
  }

  /** The periodic reload: a listing only when the change mark moved since the last one, or every tenth time. */
  async reloadIfChanged(): Promise<void> {
    if (++this.reloadsSinceFull < FULL_RELOAD_EVERY) {
      const mark = await this.store.meta.get(CHANGE_MARK_KEY);
      if (mark === this.listedMark) return;
    }
    await this.reload();
  }

  /** Runs a read of the store, noting which subscriptions this process changed while it ran. */
  private async read<T>(reading: () => Promise<T>): Promise<{ value: T; changedHere: Set<string> }> {
    const changedHere = new Set<string>();
    this.readers.add(changedHere);
    try {
      return { value: await reading(), changedHere };
    } finally {
      this.readers.delete(changedHere);
    }
  }

  private changed(id: string): void {
    for (const reader of this.readers) reader.add(id);
  }

  /** Stops following the other instances. */
  async close(): Promise<void> {
    await this.channel?.close();
  }

  all(): Subscription[] {
    return [...this.byId.values()];
  }

  get(id: string): Subscription | undefined {
    return this.byId.get(id);
  }

  byFeed(feedId: string): Subscription[] {
    return this.all().filter((s) => s.feedId === feedId);
  }

  byScope(scope: string): Subscription[] {
    return this.all().filter((s) => s.scope === scope);
  }

  byDestination(destination: Destination): Subscription[] {
    const key = formatDestination(destination);
    return this.all().filter((s) => formatDestination(s.destination) === key);
  }

  /** Adds a subscription whose query has been validated with parseQuery. */
  async add(fields: Omit<Subscription, 'id' | 'createdAt'>, now = new Date()): Promise<Subscription> {
    const parsed = this.compile(fields.query);
    if (!parsed.ok) throw new Error(parsed.error);
    const subscription: Subscription = { ...fields, id: this.newId(), createdAt: now.toISOString() };
    this.queries.set(subscription.id, parsed.query);
    await this.save(subscription);
    return subscription;
  }

  async save(subscription: Subscription): Promise<void> {
    this.changed(subscription.id);
    this.apply(subscription);
    await this.store.subscriptions.set(subscription.id, subscription);
    await this.markChanged();
    await this.announce(subscription.id);
  }

  /** Puts a subscription in the cache (and its query in the index), as saved here or read from the store. */
  private apply(subscription: Subscription): void {
    const previous = this.byId.get(subscription.id);
    const queryChanged = previous ? previous.query !== subscription.query : !this.queries.has(subscription.id);
    if (queryChanged) {
      const parsed = this.compile(subscription.query);
      if (!parsed.ok) throw new Error(parsed.error);
      this.queries.set(subscription.id, parsed.query);
    }
    this.byId.set(subscription.id, subscription);
    // The index only knows ids and queries (pause state is read at match time): rebuild it only when those change.
    if (!previous || queryChanged || previous.feedId !== subscription.feedId) {
      this.indexes.delete(subscription.feedId);
      if (previous) this.indexes.delete(previous.feedId);
    }
  }

  async remove(id: string): Promise<Subscription | undefined> {
    const subscription = this.byId.get(id);
    if (!subscription) return undefined;
    this.changed(id);
    this.forget(id);
    await this.store.subscriptions.delete(id);
    await this.markChanged();
    await this.announce(id);
    return subscription;
  }

  private forget(id: string): void {
    const subscription = this.byId.get(id);
    if (!subscription) return;
    this.byId.delete(id);
    this.queries.delete(id);
    this.indexes.delete(subscription.feedId);
  }

  /** A record read from the store: a query that no longer parses (saved by an older version) matches nothing. */
  private remember(subscription: Subscription): void {
    const parsed = this.compile(subscription.query);
    if (!parsed.ok) {
      this.forget(subscription.id);
      this.byId.set(subscription.id, subscription);
      this.indexes.delete(subscription.feedId);
      return;
    }
    this.apply(subscription);
  }

  /** Another instance changed this subscription: the store says what it is now (or that it is gone). */
  private async refresh(id: string): Promise<void> {
    const { value: subscription, changedHere } = await this.read(() => this.store.subscriptions.get(id));
    if (changedHere.has(id)) return;
    if (subscription) this.remember(subscription);
    else this.forget(id);
  }

  /** Shared: moves the change mark (after the record is written), so the others' next periodic reload lists. */
  private async markChanged(): Promise<void> {
    if (!this.coordinator) return;
    // Unique whatever the clock does: time in µs and a random part.
    const mark = Date.now() * 1000 + Math.floor(Math.random() * 1000);
    // The change is saved; a mark not written leaves it to the message and, at worst, the next full reload.
    await this.store.meta
      .set(CHANGE_MARK_KEY, mark)
      .catch((error: unknown) => this.warn('subscriptions.mark-failed', error));
  }

  private async announce(id: string): Promise<void> {
    await this.channel?.announce(id);
  }

  private warn(event: string, error: unknown): void {
    this.options.logger?.warn({ event, err: error }, 'could not follow the other instances’ subscription changes');
  }

  /** The active (not paused) subscriptions of a feed that this item matches. */
  match(feedId: string, input: MatchInput): SubscriptionMatch[] {
    let index = this.indexes.get(feedId);
    if (!index) {
      const entries = this.byFeed(feedId).flatMap((s) => {
        const query = this.queries.get(s.id);
        return query ? [{ id: s.id, query }] : [];
      });
      index = new MatchIndex(entries);
      this.indexes.set(feedId, index);
    }
    return index.match(input).flatMap(({ id, result }) => {
      const subscription = this.byId.get(id);
      return subscription && !subscription.paused ? [{ subscription, result }] : [];
    });
  }

  private compile(source: string): QueryParseResult {
    let parsed = this.compiled.get(source);
    if (!parsed) this.compiled.set(source, (parsed = parseQuery(source)));
    return parsed;
  }

  private newId(): string {
    // Six lowercase letters and digits: short enough to type, 2 billion values, checked for collisions.
    for (;;) {
      const id = Array.from(randomBytes(6), (b) => 'abcdefghijkmnpqrstuvwxyz23456789'[b % 32]).join('');
      if (!this.byId.has(id)) return id;
    }
  }
}
