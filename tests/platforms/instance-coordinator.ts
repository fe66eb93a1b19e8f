/**
 * Several instances in one test process: each gets its own view of a coordinator, with its own instance id, and
 * kill() cuts it off from the backend as SIGKILL would: from then on every call rejects, so nothing it held is
 * released or renewed; its leases expire on their own. A Backend gives each test fresh coordinators: the local one
 * shared by the instances (leases are what matters), or one per instance on a real server.
 */
import { randomUUID } from 'node:crypto';
import type { Coordinator, Lease } from '../../src/coordination/coordinator.js';
import { createLocalCoordinator } from '../../src/coordination/local.js';

export interface Backend {
  name: string;
  /** For one test: a coordinator per instance, all agreeing through one backend, closed by `end`. */
  begin(): Promise<{ instance(): Promise<InstanceCoordinator>; end(): Promise<void> }>;
}

export const localBackend: Backend = {
  name: 'local',
  async begin() {
    const shared = createLocalCoordinator();
    return { instance: async () => instanceCoordinator(shared), end: () => shared.close() };
  },
};

export interface InstanceCoordinator extends Coordinator {
  kill(): void;
}

export function instanceCoordinator(shared: Coordinator): InstanceCoordinator {
  let dead = false;
  const alive = () => {
    if (dead) throw new Error('this instance was killed');
  };
  const wrap = (lease: Lease): Lease => ({
    name: lease.name,
    async renew(ttlMs) {
      alive();
      return lease.renew(ttlMs);
    },
    async release(holdMs) {
      alive();
      return lease.release(holdMs);
    },
  });
  return {
    kind: shared.kind,
    shared: true,
    instanceId: randomUUID(),
    async tryLease(name, ttlMs) {
      alive();
      const lease = await shared.tryLease(name, ttlMs);
      return lease && wrap(lease);
    },
    async lease(name, ttlMs, options) {
      alive();
      return wrap(await shared.lease(name, ttlMs, options));
    },
    async takeRate(name, limit, windowMs) {
      alive();
      return shared.takeRate(name, limit, windowMs);
    },
    async publish(channel, message) {
      alive();
      return shared.publish(channel, message);
    },
    async subscribe(channel, handler) {
      alive();
      return shared.subscribe(channel, (message) => {
        if (!dead) handler(message);
      });
    },
    async close() {},
    kill() {
      dead = true;
    },
  };
}
