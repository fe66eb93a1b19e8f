/**
 * What every coordinator must do, run once per backend by tests/coordination/*.test.ts: two coordinators on one
 * backend (two connections, as two instances would have; the local one is shared by both, having no backend to
 * share) exclude each other from a lease, take over an expired one, hold one for its `holdMs` after release, wait
 * for one and give up in time, share a rate without exceeding it, and pass messages to both. With a server, every
 * operation rejects with a StoreError while it is stopped and works again once it is back, messages included.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseTimeout, type Coordinator, type Lease } from '../../src/coordination/coordinator.js';
import { StoreError } from '../../src/store/errors.js';
import type { TestServer } from '../support/servers/process.js';
import { condition, rejection } from '../support/wait.js';

export interface CoordinatorBackend {
  /** A new coordinator on the backend, on connections of its own. */
  open(): Promise<Coordinator>;
  /** The server behind it, for the outage test; none for the local one. */
  server?: () => TestServer;
}

/** Polls `check` every `everyMs` until it gives a value, failing after `timeoutMs`: a condition with a deadline. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 10_000, everyMs = 20 } = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** Messages received per handler, and a wait for a message to arrive. */
function inbox() {
  const messages: string[] = [];
  const waiters = new Set<{ notify(): void }>();
  return {
    messages,
    handler: (message: string) => {
      messages.push(message);
      for (const waiter of waiters) waiter.notify();
    },
    async received(message: string): Promise<void> {
      const waiter = condition(() => messages.includes(message));
      waiters.add(waiter);
      waiter.notify();
      await waiter.done;
      waiters.delete(waiter);
    },
  };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const ms = (value: number) => Math.round(value * 100) / 100;

export function coordinatorContract(name: string, backend: CoordinatorBackend): void {
  describe(`the ${name} coordinator`, () => {
    let a: Coordinator;
    let b: Coordinator;
    /** A name no other test (nor an earlier run on the same server) uses. */
    const fresh = (what: string) => `test:${what}:${randomUUID()}`;

    beforeEach(async () => {
      a = await backend.open();
      b = await backend.open();
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    it('says what it is and who this instance is', () => {
      expect(a.instanceId).toMatch(/^[0-9a-f-]{36}$/);
      if (a !== b) expect(a.instanceId).not.toBe(b.instanceId);
      expect(a.shared).toBe(a.kind !== 'local');
    });

    it('gives a lease to one holder at a time, across instances and within one', async () => {
      const name = fresh('exclusive');
      const held = await a.tryLease(name, 10_000);
      expect(held?.name).toBe(name);
      expect(await b.tryLease(name, 10_000)).toBeUndefined();
      expect(await a.tryLease(name, 10_000)).toBeUndefined();
      // Another name is free.
      expect(await b.tryLease(fresh('other'), 10_000)).toBeDefined();
      await held!.release();
      const next = await b.tryLease(name, 10_000);
      expect(next).toBeDefined();

      // Of 20 racing attempts from both instances on a free name, one wins.
      const race = fresh('race');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).tryLease(race, 10_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('lets another instance take an expired lease; the old holder then can neither renew nor release it', async () => {
      const name = fresh('expiry');
      const started = performance.now();
      const first = (await a.tryLease(name, 300))!;
      expect(first).toBeDefined();
      const second = await until('the expired lease taken over', () => b.tryLease(name, 10_000));
      // The backend's clock decides expiry; the client's measure of it is only a little off.
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      expect(await first.renew(10_000)).toBe(false);
      await first.release();
      await first.release(5000);
      expect(await a.tryLease(name, 10_000)).toBeUndefined();
      expect(await second.renew(10_000)).toBe(true);
    });

    it('extends a lease on renew: after its first TTL, a wait for it still times out', async () => {
      const name = fresh('renew');
      const held = (await a.tryLease(name, 300))!;
      expect(await held.renew(10_000)).toBe(true);
      const started = performance.now();
      const error = await rejection(b.lease(name, 10_000, { timeoutMs: 800, pollMs: 20 }));
      expect(error).toBeInstanceOf(LeaseTimeout);
      expect((error as LeaseTimeout).lease).toBe(name);
      expect(performance.now() - started).toBeGreaterThanOrEqual(780);
      expect(await held.renew(10_000)).toBe(true);
    });

    it('keeps a released lease taken for its holdMs, then frees it', async () => {
      const name = fresh('hold');
      const held = (await a.tryLease(name, 10_000))!;
      const started = performance.now();
      await held.release(500);
      expect(await b.tryLease(name, 10_000)).toBeUndefined();
      const next = await until('the held lease freed', () => b.tryLease(name, 10_000));
      const heldFor = performance.now() - started;
      expect(heldFor).toBeGreaterThanOrEqual(450);
      expect(heldFor).toBeLessThan(3000);
      await next.release();
      expect(await a.tryLease(name, 10_000)).toBeDefined();
    });

    it('waits for a lease held by another instance, and takes it once it is released', async () => {
      const name = fresh('wait');
      const held = (await a.tryLease(name, 10_000))!;
      let settled = false;
      const waiting = b.lease(name, 10_000, { pollMs: 20 }).finally(() => (settled = true));
      // Still held: the waiter keeps waiting (a few of its polls come and go).
      expect(await b.tryLease(name, 10_000)).toBeUndefined();
      expect(settled).toBe(false);
      await held.release();
      const taken = await waiting;
      expect(taken.name).toBe(name);
      expect(await a.tryLease(name, 10_000)).toBeUndefined();

      const controller = new AbortController();
      const aborted = b.lease(name, 10_000, { signal: controller.signal, pollMs: 20 });
      controller.abort();
      expect(await rejection(aborted)).toMatchObject({ name: 'AbortError' });
    });

    it('shares a rate: parallel callers on both instances never exceed the limit in any window, nor wait longer than needed', async () => {
      const rate = fresh('rate');
      const limit = 5;
      const windowMs = 1000;
      const callers = 20;
      const started = performance.now();
      const times = await Promise.all(
        Array.from({ length: callers }, async (_, i) => {
          await (i % 2 === 0 ? a : b).takeRate(rate, limit, windowMs);
          return performance.now() - started;
        }),
      );
      times.sort((x, y) => x - y);
      // The backend counts on its own clock; a use is seen here a little after it was granted, by up to the
      // round-trip and the event loop's delay. Within any window shortened by that margin, at most `limit`.
      const marginMs = 150;
      for (let i = 0; i + limit < times.length; i++)
        expect(times[i + limit]! - times[i]!, `uses ${i} and ${i + limit}`).toBeGreaterThan(windowMs - marginMs);
      // Four windows' worth of callers: the last ones start once three windows have passed, and not much later.
      expect(times[callers - 1]!).toBeGreaterThan(3 * windowMs - marginMs);
      expect(times[callers - 1]!).toBeLessThan(3 * windowMs + 1500);
      const late = times.slice(limit).map((t, i) => t - times[i]! - windowMs);
      console.log(
        `${name} takeRate (${limit} per ${windowMs} ms, ${callers} callers on 2 instances): a use waits for the one ${limit} before it by window + median ${ms(quantile(late, 0.5))} ms, max ${ms(Math.max(...late))} ms; all done in ${Math.round(times[callers - 1]!)} ms`,
      );
    });

    it('delivers a message to the subscribers of both instances, and no more once unsubscribed', async () => {
      const channel = fresh('channel');
      const other = `${fresh('other')} "Quoted"; UPPER Ünï`;
      const onA = inbox();
      const onA2 = inbox();
      const onB = inbox();
      const onBOther = inbox();
      const stopA = await a.subscribe(channel, onA.handler);
      const stopA2 = await a.subscribe(channel, onA2.handler);
      const stopB = await b.subscribe(channel, onB.handler);
      await b.subscribe(other, onBOther.handler);

      await a.publish(channel, 'from a');
      await b.publish(channel, 'from b: اردو 🚀');
      await Promise.all([onA, onA2, onB].flatMap((box) => [box.received('from a'), box.received('from b: اردو 🚀')]));

      await stopB();
      await stopA2();
      await a.publish(channel, 'after');
      await a.publish(other, 'sentinel');
      await Promise.all([onA.received('after'), onBOther.received('sentinel')]);
      // The sentinel came after 'after', from the same sender: b would have had 'after' by now.
      expect(onB.messages).toEqual(['from a', 'from b: اردو 🚀']);
      expect(onA2.messages).toEqual(['from a', 'from b: اردو 🚀']);
      expect(onBOther.messages).toEqual(['sentinel']);
      await stopA();
      await stopA();
    });

    it('renews and takes leases quickly (round-trips measured)', async () => {
      const take: number[] = [];
      const renew: number[] = [];
      const release: number[] = [];
      for (let i = 0; i < 100; i++) {
        let t = performance.now();
        const lease = (await a.tryLease(fresh('rtt'), 10_000)) as Lease;
        take.push(performance.now() - t);
        t = performance.now();
        expect(await lease.renew(10_000)).toBe(true);
        renew.push(performance.now() - t);
        t = performance.now();
        await lease.release();
        release.push(performance.now() - t);
      }
      const line = (label: string, values: number[]) =>
        `${label} median ${ms(quantile(values, 0.5))} ms, p95 ${ms(quantile(values, 0.95))} ms`;
      console.log(
        `${name} leases (100 each): ${line('take', take)}; ${line('renew', renew)}; ${line('release', release)}`,
      );
      expect(quantile(take, 0.5)).toBeLessThan(50);
    });

    if (backend.server) {
      const server = backend.server;
      it('rejects every operation with a StoreError while the server is stopped, and works again once it is back', async () => {
        const channel = fresh('outage');
        const onA = inbox();
        await a.subscribe(channel, onA.handler);
        const held = (await a.tryLease(fresh('held'), 30_000))!;
        await server().stop();
        try {
          const operations: Array<[string, () => Promise<unknown>]> = [
            ['tryLease', () => a.tryLease(fresh('down'), 1000)],
            ['lease', () => a.lease(fresh('down'), 1000, { timeoutMs: 60_000 })],
            ['renew', () => held.renew(1000)],
            ['release', () => held.release()],
            ['takeRate', () => a.takeRate(fresh('down'), 5, 1000)],
            ['publish', () => a.publish(channel, 'lost')],
            ['subscribe', () => b.subscribe(fresh('down'), () => {})],
          ];
          const times: Record<string, number> = {};
          for (const [label, operation] of operations) {
            const started = performance.now();
            const error = await rejection(operation());
            times[label] = Math.round(performance.now() - started);
            expect(error, `${label}: ${String(error)}`).toBeInstanceOf(StoreError);
            expect((error as StoreError).message).toMatch(/^STORE_URL=/);
          }
          console.log(`${name} stopped: coordinator operations rejected in ${JSON.stringify(times)} ms`);
          // Each within the coordinator's bound (2 s in these tests), not held until the server returns.
          expect(Math.max(...Object.values(times))).toBeLessThan(2500);
        } finally {
          await server().start();
        }
        const back = performance.now();
        // Until then, each attempt still rejects (node-redis reconnects with a backoff of up to 2 s).
        await until('a lease taken again', () => a.tryLease(fresh('back'), 1000).catch(() => undefined), {
          timeoutMs: 15_000,
          everyMs: 50,
        });
        const leaseBackMs = performance.now() - back;
        // The subscription made before the outage delivers again (the connection subscribed anew); messages
        // sent while it was reconnecting may be lost, so send until one arrives.
        let sent = 0;
        await until(
          'a message through the old subscription',
          async () => {
            await b.publish(channel, `back ${++sent}`).catch(() => {});
            return onA.messages.some((m) => m.startsWith('back ')) || undefined;
          },
          { timeoutMs: 15_000, everyMs: 100 },
        );
        console.log(
          `${name} back: a lease taken ${Math.round(leaseBackMs)} ms after the server answered, messages after ${Math.round(performance.now() - back)} ms`,
        );
        expect(onA.messages).not.toContain('lost');
        await b.takeRate(fresh('back'), 1, 1000);
      });

      it('rejects with a StoreError within its bound while the server hangs, and works once it answers again', async () => {
        const held = (await a.tryLease(fresh('hung'), 30_000))!;
        server().pause();
        try {
          const started = performance.now();
          const results = await Promise.all([
            rejection(a.tryLease(fresh('hung'), 1000)),
            rejection(held.renew(1000)),
            rejection(a.takeRate(fresh('hung'), 5, 1000)),
            rejection(a.publish(fresh('hung'), 'x')),
          ]);
          const elapsed = performance.now() - started;
          for (const error of results) {
            expect(error).toBeInstanceOf(StoreError);
            expect((error as StoreError).problem, (error as Error).message).toBe('timeout');
          }
          // The coordinators of these tests are opened with a 2 s bound.
          expect(elapsed).toBeGreaterThanOrEqual(1900);
          expect(elapsed).toBeLessThan(4000);
        } finally {
          server().resume();
        }
        expect(await held.renew(30_000)).toBe(true);
        await held.release();
      });
    }
  });
}
