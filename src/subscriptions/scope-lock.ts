/**
 * One async lock per key: the check-then-save of a subscription change (quota, duplicate, save) runs for one scope
 * at a time, so ten concurrent /subscribe in a chat with room for three store three, and two identical ones store
 * one. This holds because Taza is one process on one store; several instances sharing a store (Redis, Postgres)
 * will need the store's own atomic operation (a transaction or a conditional write) instead of this in-memory lock.
 */
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
