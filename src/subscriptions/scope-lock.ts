/**
 * The check-then-save of a subscription change (quota, duplicate, save) runs for one scope at a time, so ten
 * concurrent /subscribe in a chat with room for three store three, and two identical ones store one. In one process
 * an async lock per scope is enough. With several instances on one backend, the scope's lease 'scope:<scope>' is
 * held as well, and the subscriptions are read again from the store once it is taken: the checks then see what the
 * other instances saved before.
 */
import type { SubscriptionRegistry } from '../registry/subscriptions.js';

/** Long enough for the baseline of a slow feed; renewed while held, so a crashed holder frees it this soon. */
const SCOPE_LEASE_TTL_MS = 15_000;
/** A change waits this long for the others in its scope before it is refused. */
const SCOPE_WAIT_MS = 60_000;

/** One async lock per key. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task for `key` has settled; tasks for other keys are not held up. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // The last holder cleans up, so the map does not grow with every scope ever seen.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** The scope locks of one registry: in-process, plus the shared lease when the registry has other instances. */
export class ScopeLocks {
  private readonly local = new KeyedMutex();

  constructor(private readonly subscriptions: SubscriptionRegistry) {}

  run<T>(scope: string, task: () => Promise<T>): Promise<T> {
    // The process's own lock first: its waiting changes do not all poll the shared lease.
    return this.local.run(scope, async () => {
      const coordinator = this.subscriptions.coordinator;
      if (!coordinator) return task();
      const lease = await coordinator.lease(`scope:${scope}`, SCOPE_LEASE_TTL_MS, { timeoutMs: SCOPE_WAIT_MS });
      const renewal = setInterval(() => {
        // A lost renewal shows when the lease is released; the change itself is already under way.
        lease.renew(SCOPE_LEASE_TTL_MS).catch(() => {});
      }, SCOPE_LEASE_TTL_MS / 3);
      renewal.unref();
      try {
        await this.subscriptions.reload();
        return await task();
      } finally {
        clearInterval(renewal);
        await lease.release().catch(() => {});
      }
    });
  }
}
