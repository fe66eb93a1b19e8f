/**
 * Subscriptions in memory, written through to the store, with one compiled match index per feed:
 * an item can only match the subscriptions of its own feed, so each index stays small.
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
import type { Store } from '../store/open.js';
import { allValues } from '../store/open.js';
import type { Subscription } from '../core/records.js';

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

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<SubscriptionRegistry> {
    const registry = new SubscriptionRegistry(store);
    for (const subscription of await allValues(store.subscriptions)) {
      const parsed = registry.compile(subscription.query);
      // A query saved by an older version that no longer parses stays visible but matches nothing.
      if (parsed.ok) registry.queries.set(subscription.id, parsed.query);
      registry.byId.set(subscription.id, subscription);
    }
    return registry;
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
    await this.store.subscriptions.set(subscription.id, subscription);
  }

  async remove(id: string): Promise<Subscription | undefined> {
    const subscription = this.byId.get(id);
    if (!subscription) return undefined;
    this.byId.delete(id);
    this.queries.delete(id);
    this.indexes.delete(subscription.feedId);
    await this.store.subscriptions.delete(id);
    return subscription;
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
