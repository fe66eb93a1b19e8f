/**
 * The Telegram poller lease on its own, with a bot that only records whether it polls and a coordinator whose
 * lease can be lost or whose backend can stop answering: polling follows the lease, never outlives it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Coordinator, Lease } from '../../src/coordination/coordinator.js';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { createPollingLeader, POLLER_LEASE } from '../../src/platforms/telegram/polling-leader.js';

function fakeBot() {
  let running = false;
  let finish: (() => void) | undefined;
  return {
    starts: 0,
    start() {
      this.starts++;
      running = true;
      return new Promise<void>((resolve) => (finish = resolve));
    },
    async stop() {
      running = false;
      finish?.();
    },
    isRunning: () => running,
  };
}

/** The local coordinator, with a switch that makes the next renewals answer `false` (lost) or fail (backend down). */
function switchable() {
  const local = createLocalCoordinator();
  const control = { renew: 'ok' as 'ok' | 'lost' | 'down' };
  const coordinator: Coordinator = {
    ...local,
    async tryLease(name, ttlMs) {
      const lease = await local.tryLease(name, ttlMs);
      if (!lease) return undefined;
      const wrapped: Lease = {
        name,
        async renew(ttl) {
          if (control.renew === 'down') throw new Error('backend unreachable');
          if (control.renew === 'lost') return false;
          return lease.renew(ttl);
        },
        release: (holdMs) => lease.release(holdMs),
      };
      return wrapped;
    },
  };
  return { coordinator, control, local };
}

describe('Telegram polling leader', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls while it holds the lease and stops at the first renewal that finds it lost', async () => {
    const { coordinator, control } = switchable();
    const bot = fakeBot();
    const leader = createPollingLeader({ coordinator, bot, leaseTtlMs: 10_000, renewMs: 3_000 });
    await leader.start();
    expect(leader.isLeader()).toBe(true);
    expect(bot.isRunning()).toBe(true);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(bot.isRunning()).toBe(true);
    control.renew = 'lost';
    await vi.advanceTimersByTimeAsync(3_000);
    expect(bot.isRunning()).toBe(false);
    expect(leader.isLeader()).toBe(false);
    await leader.stop();
  });

  it('keeps polling through a backend hiccup, but not past the point the lease may have expired', async () => {
    const { coordinator, control } = switchable();
    const bot = fakeBot();
    const leader = createPollingLeader({ coordinator, bot, leaseTtlMs: 10_000, renewMs: 3_000 });
    await leader.start();
    control.renew = 'down';
    await vi.advanceTimersByTimeAsync(6_000);
    expect(bot.isRunning()).toBe(true);
    // The last renewal that worked is 9 s old at the third failure: another instance may take over at 10 s.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(bot.isRunning()).toBe(false);
    expect(leader.isLeader()).toBe(false);
    await leader.stop();
  });

  it('restarts polling that stopped by itself while the lease is still held', async () => {
    const { coordinator } = switchable();
    const bot = fakeBot();
    const leader = createPollingLeader({ coordinator, bot, leaseTtlMs: 10_000, renewMs: 3_000 });
    await leader.start();
    await bot.stop(); // as grammY does after a 409 from a reader outside the lease
    await vi.advanceTimersByTimeAsync(3_000);
    expect(bot.starts).toBe(2);
    expect(bot.isRunning()).toBe(true);
    await leader.stop();
  });

  it('does not poll while another holds the lease, and takes it when released', async () => {
    const { coordinator, local } = switchable();
    const other = await local.tryLease(POLLER_LEASE, 10_000);
    const bot = fakeBot();
    const leader = createPollingLeader({ coordinator, bot, leaseTtlMs: 10_000, renewMs: 3_000 });
    await leader.start();
    expect(bot.starts).toBe(0);
    await other!.release();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(bot.isRunning()).toBe(true);
    await leader.stop();
    expect(bot.isRunning()).toBe(false);
    // Released on stop: the name is free again.
    expect(await local.tryLease(POLLER_LEASE, 1000)).toBeDefined();
  });
});
