/**
 * The waiting the networked coordinators share: a lease taken by polling until a deadline, a rate use taken by
 * sleeping for as long as the backend says the window stays full. The backends only answer "taken or not".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseTimeout, type Lease } from './coordinator.js';

export async function waitForLease(
  tryLease: (name: string, ttlMs: number) => Promise<Lease | undefined>,
  name: string,
  ttlMs: number,
  { timeoutMs = Infinity, pollMs = 50, signal }: { timeoutMs?: number; pollMs?: number; signal?: AbortSignal } = {},
): Promise<Lease> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    // A failing backend rejects here (a StoreError): waiting on would hide that nothing can be taken.
    const lease = await tryLease(name, ttlMs);
    if (lease) return lease;
    const left = deadline - Date.now();
    if (left <= 0) throw new LeaseTimeout(name);
    await sleep(Math.max(1, Math.min(pollMs, left)), undefined, { signal });
  }
}

/** `attempt` takes a use and resolves 0, or resolves how many ms remain until the window has room again. */
export async function takeWhenFree(attempt: () => Promise<number>): Promise<void> {
  for (;;) {
    const waitMs = await attempt();
    if (waitMs <= 0) return;
    await sleep(Math.max(1, Math.ceil(waitMs)));
  }
}
