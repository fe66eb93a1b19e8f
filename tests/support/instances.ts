/**
 * Several Taza instances' worth of objects on one real Redis or Postgres: each instance has its own store
 * connections and its own coordinator, as separate processes would. Plus a sink that records, across instances,
 * what was delivered and how many sends were in flight per destination at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '../../src/core/alert.js';
import type { Coordinator } from '../../src/coordination/coordinator.js';
import { formatDestination } from '../../src/core/destination.js';
import type { Sink } from '../../src/outbox/sink.js';
import { NAMESPACES, openStore, type Store } from '../../src/store/open.js';
import { openCoordinator } from '../../src/coordination/open.js';
import { startPostgres } from './servers/postgres.js';
import { startRedis } from './servers/redis.js';
import type { TestServer } from './servers/process.js';

export interface Backend {
  name: 'redis' | 'postgres';
  start(): Promise<TestServer>;
  coordinator(url: string): Promise<Coordinator>;
}

export const BACKENDS: Backend[] = [
  { name: 'redis', start: () => startRedis(), coordinator: (url) => openCoordinator({ storeUrl: url }) },
  { name: 'postgres', start: () => startPostgres(), coordinator: (url) => openCoordinator({ storeUrl: url }) },
];

export interface Instance {
  store: Store;
  coordinator: Coordinator;
  /** Closes the coordinator and the store: what an instance's exit releases (its leases expire on their own). */
  close(): Promise<void>;
}

export async function openInstance(backend: Backend, url: string): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), 'taza-instance-'));
  const raw = await openStore({ storeUrl: url, dataDir: dir });
  const coordinator = await backend.coordinator(url);
  return {
    store: raw,
    coordinator,
    async close() {
      await coordinator.close();
      await raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openInstances(backend: Backend, url: string, count: number): Promise<Instance[]> {
  // The first alone: Postgres stores opened at once on a blank database race to create the tables (42710).
  const first = await openInstance(backend, url);
  return [first, ...(await Promise.all(Array.from({ length: count - 1 }, () => openInstance(backend, url))))];
}

/** Empties every namespace, so each test starts from a blank backend. */
export async function clearStore(store: Store): Promise<void> {
  for (const ns of NAMESPACES) await store[ns].clear();
}

/** Resolves once `predicate` holds, checking every 20 ms; rejects with `what` after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What every instance's sink saw, together. */
export class DeliveryRecord {
  /** Alert ids acknowledged, per destination, in the order their sends finished (a digest's alerts each). */
  readonly delivered = new Map<string, string[]>();
  /** Each acknowledged send: the alert ids it carried (several for a digest). */
  readonly sends: string[][] = [];
  readonly inFlight = new Map<string, number>();
  /** The most sends in flight at once to one destination, across every instance. */
  maxInFlight = 0;
  private readonly listeners = new Set<() => void>();

  all(): string[] {
    return [...this.delivered.values()].flat();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A sink for one instance; `hang(alert)` true makes that send never finish (the instance dies during it). */
  sink(options: { hang?: (alert: Alert) => boolean; sendMs?: number } = {}): Sink & { hung: Alert[] } {
    const hung: Alert[] = [];
    return {
      platform: 'telegram',
      hung,
      start: async () => {},
      stop: async () => {},
      state: () => 'connected',
      send: async (alert) => {
        if (options.hang?.(alert)) {
          hung.push(alert);
          this.changed();
          return new Promise<void>(() => {});
        }
        const key = formatDestination(alert.destination);
        const now = (this.inFlight.get(key) ?? 0) + 1;
        this.inFlight.set(key, now);
        this.maxInFlight = Math.max(this.maxInFlight, now);
        try {
          // The platform's round-trip: long enough for another instance to try the same destination meanwhile.
          await new Promise((resolve) => setTimeout(resolve, options.sendMs ?? 3));
        } finally {
          this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
        }
        const ids = alert.digest ? alert.digest.map((one) => one.id) : [alert.id];
        this.sends.push(ids);
        this.delivered.set(key, [...(this.delivered.get(key) ?? []), ...ids]);
        this.changed();
      },
    };
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
