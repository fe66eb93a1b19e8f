/**
 * The coordinator of one process on the embedded store: leases, rates and messages live in this process, since no
 * other instance can share a SQLite file with it (opening takes the file's write lock).
 */
import { randomUUID } from 'node:crypto';
import { LeaseTimeout, type Coordinator, type Lease } from './coordinator.js';

export function createLocalCoordinator(options: { now?: () => number } = {}): Coordinator {
  const now = options.now ?? Date.now;
  const leases = new Map<string, { token: string; expiresAt: number }>();
  const windows = new Map<string, { start: number; used: number }>();
  const channels = new Map<string, Set<(message: string) => void>>();

  const held = (name: string) => {
    const entry = leases.get(name);
    if (entry && entry.expiresAt <= now()) leases.delete(name);
    return leases.get(name);
  };

  const tryLease = async (name: string, ttlMs: number): Promise<Lease | undefined> => {
    if (held(name)) return undefined;
    const token = randomUUID();
    leases.set(name, { token, expiresAt: now() + ttlMs });
    const mine = () => held(name)?.token === token;
    return {
      name,
      async renew(ttl) {
        if (!mine()) return false;
        leases.set(name, { token, expiresAt: now() + ttl });
        return true;
      },
      async release(holdMs = 0) {
        if (!mine()) return;
        if (holdMs > 0) leases.set(name, { token, expiresAt: now() + holdMs });
        else leases.delete(name);
      },
    };
  };

  return {
    kind: 'local',
    shared: false,
    instanceId: randomUUID(),
    tryLease,
    async lease(name, ttlMs, { timeoutMs = Infinity, pollMs = 50, signal } = {}) {
      const deadline = now() + timeoutMs;
      for (;;) {
        signal?.throwIfAborted();
        const lease = await tryLease(name, ttlMs);
        if (lease) return lease;
        if (now() >= deadline) throw new LeaseTimeout(name);
        const wait = Math.min(pollMs, Math.max(1, (held(name)?.expiresAt ?? now()) - now()), deadline - now());
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
      }
    },
    async takeRate(name, limit, windowMs) {
      for (;;) {
        const t = now();
        let window = windows.get(name);
        if (!window || t - window.start >= windowMs) windows.set(name, (window = { start: t, used: 0 }));
        if (window.used < limit) {
          window.used++;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, window!.start + windowMs - t)));
      }
    },
    async publish(channel, message) {
      for (const handler of channels.get(channel) ?? []) queueMicrotask(() => handler(message));
    },
    async subscribe(channel, handler) {
      const set = channels.get(channel) ?? new Set();
      set.add(handler);
      channels.set(channel, set);
      return async () => {
        set.delete(handler);
      };
    },
    async close() {
      channels.clear();
    },
  };
}
