/**
 * Puts every operation of a keyv storage adapter behind one rule: it settles within a bound, and a failure
 * rejects with a StoreError that names the setting. keyv alone swallows adapter errors (an 'error' event and
 * `undefined`), which turned a lost Redis into "nothing subscribed" and a hung one into a 90 s stall.
 */
import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';
import { StoreError, withTimeout } from './errors.js';

export interface GuardOptions {
  /** Turns whatever the adapter threw into the StoreError callers see. */
  fail: (error: unknown) => StoreError;
  /** Bound on each call (each page of an iteration); none for SQLite, whose busy timeout already bounds it. */
  timeoutMs?: number;
}

type Entry = { key: string; value: unknown; ttl?: number };

/**
 * The adapter seen through the guard. `has` is left out on purpose: keyv then answers it with `get`, which
 * honours keyv's own expiry time, where the SQL adapters' `has` would call an expired row present.
 */
export function guardAdapter(inner: KeyvStoreAdapter, options: GuardOptions): KeyvStoreAdapter {
  return new GuardedAdapter(inner, options) as unknown as KeyvStoreAdapter;
}

class GuardedAdapter extends EventEmitter {
  constructor(
    private readonly inner: KeyvStoreAdapter,
    private readonly options: GuardOptions,
  ) {
    super();
    // Failures reach the caller as rejections (below); this listener only keeps an 'error' event without
    // listeners from crashing the process (Node's EventEmitter throws it).
    inner.on('error', () => {});
  }

  /** keyv reads `opts.dialect` to decide whether the adapter can iterate. */
  get opts(): unknown {
    return this.inner.opts;
  }

  get namespace(): string | undefined {
    return this.inner.namespace;
  }

  /** keyv assigns its namespace here; the Redis adapter prefixes keys with it, so it must reach the inner one. */
  set namespace(value: string | undefined) {
    this.inner.namespace = value;
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      const pending = operation();
      return await (this.options.timeoutMs === undefined ? pending : withTimeout(pending, this.options.timeoutMs));
    } catch (error) {
      throw this.options.fail(error);
    }
  }

  async get(key: string): Promise<unknown> {
    return this.call(() => this.inner.get(key));
  }

  async getMany(keys: string[]): Promise<unknown[]> {
    const { inner } = this;
    return this.call(async () => (inner.getMany ? inner.getMany(keys) : Promise.all(keys.map((k) => inner.get(k)))));
  }

  async set(key: string, value: unknown, ttl?: number): Promise<unknown> {
    return this.call(async () => this.inner.set(key, value, ttl));
  }

  async setMany(entries: Entry[]): Promise<void> {
    const { inner } = this;
    await this.call(async () =>
      inner.setMany ? inner.setMany(entries) : Promise.all(entries.map((e) => inner.set(e.key, e.value, e.ttl))),
    );
  }

  async delete(key: string): Promise<boolean> {
    return this.call(() => this.inner.delete(key));
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const { inner } = this;
    return this.call(async () =>
      inner.deleteMany ? inner.deleteMany(keys) : (await Promise.all(keys.map((k) => inner.delete(k)))).some(Boolean),
    );
  }

  async clear(): Promise<void> {
    return this.call(() => this.inner.clear());
  }

  async disconnect(): Promise<void> {
    return this.call(async () => this.inner.disconnect?.());
  }

  async *iterator(namespace?: string): AsyncGenerator<unknown[], void> {
    if (!this.inner.iterator) throw this.options.fail(new Error('this store cannot list its records'));
    const pages = this.inner.iterator(namespace);
    let finished = false;
    try {
      while (true) {
        const next = await this.call(() => pages.next());
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    } finally {
      // A consumer that stops early, or a failed page, closes the inner iterator too. Not awaited: after a
      // timeout its pending page may never settle, and return() would wait for it.
      if (!finished) void pages.return(undefined).catch(() => {});
    }
  }
}
