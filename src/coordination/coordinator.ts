/**
 * What several Taza instances on one backend agree through. One port, one implementation per backend: in-process
 * for the embedded SQLite store (one process, nothing to share), Redis and Postgres for several instances. Every
 * operation either does what it says or rejects (a StoreError when the backend fails): never a silent no-op.
 */

/** A named, expiring exclusive hold: whoever holds it may do the thing it names until it expires. */
export interface Lease {
  readonly name: string;
  /** Extends the hold to `ttlMs` from now; false when it was lost (expired and taken by another instance). */
  renew(ttlMs: number): Promise<boolean>;
  /**
   * Lets it go. With `holdMs`, the name stays taken for that long more (the per-host gap between two requests to
   * one host, across instances) and then frees itself. Releasing a lost lease changes nothing.
   */
  release(holdMs?: number): Promise<void>;
}

export type CoordinatorKind = 'local' | 'redis' | 'postgres';

export interface Coordinator {
  readonly kind: CoordinatorKind;
  /** True when other instances may share the backend (Redis, Postgres). */
  readonly shared: boolean;
  /** This process's id among the instances (random per start). */
  readonly instanceId: string;
  /** Takes the lease `name` for `ttlMs` when nobody holds it; undefined when another holder has it. */
  tryLease(name: string, ttlMs: number): Promise<Lease | undefined>;
  /**
   * Takes the lease, waiting while another holder has it (polling at most every `pollMs`, default 50 ms) until
   * `timeoutMs` (default: for ever); rejects with a LeaseTimeout when the wait is over. `signal` aborts the wait.
   */
  lease(
    name: string,
    ttlMs: number,
    options?: { timeoutMs?: number; pollMs?: number; signal?: AbortSignal },
  ): Promise<Lease>;
  /**
   * One of at most `limit` uses per `windowMs` of the name across every instance: resolves once a use is free
   * (a shared request budget, such as Discord's 50 requests per second per bot).
   */
  takeRate(name: string, limit: number, windowMs: number): Promise<void>;
  /** Sends a message to every instance subscribed to `channel` (this one included). At most once: may be lost. */
  publish(channel: string, message: string): Promise<void>;
  /** Receives the channel's messages until the returned function is called. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  /** Releases every connection. Leases still held expire on their own. */
  close(): Promise<void>;
}

export class LeaseTimeout extends Error {
  constructor(readonly lease: string) {
    super(`timed out waiting for ${lease}`);
    this.name = 'LeaseTimeout';
  }
}
