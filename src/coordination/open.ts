/**
 * The coordinator for the store Taza runs on: the in-process one for the embedded SQLite store (or none given),
 * else one on the same Redis or Postgres, over connections of its own (a subscribed Redis connection and a
 * LISTEN connection can do nothing else, and a lease must not wait behind a page of store records).
 */
import type { Coordinator } from './coordinator.js';
import { createLocalCoordinator } from './local.js';

/** Bound on connecting and on each operation, as for the store. */
const NETWORK_TIMEOUT_MS = 5000;

/** Opens and checks it (a round-trip); a Redis or Postgres that cannot be used is a StoreError. */
export async function openCoordinator(options: { storeUrl?: string; timeoutMs?: number }): Promise<Coordinator> {
  const url = options.storeUrl ?? '';
  const timeoutMs = options.timeoutMs ?? NETWORK_TIMEOUT_MS;
  if (/^rediss?:/.test(url)) {
    const { openRedisCoordinator } = await import('./redis.js');
    return openRedisCoordinator({ url, timeoutMs });
  }
  if (/^postgres(ql)?:/.test(url)) {
    const { openPostgresCoordinator } = await import('./postgres.js');
    return openPostgresCoordinator({ url, timeoutMs });
  }
  return createLocalCoordinator();
}
