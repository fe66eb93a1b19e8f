import { afterEach, expect, it, vi } from 'vitest';
import type { Lease } from '../../src/coordination/coordinator.js';
import { createLeaseLoop, HeldLease } from '../../src/coordination/lease-loop.js';
import { createLocalCoordinator } from '../../src/coordination/local.js';

afterEach(() => {
  vi.useRealTimers();
});

function flakyLease(answers: Array<boolean | Error>): Lease {
  return {
    name: 'test',
    renew: vi.fn(async () => {
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer ?? true;
    }),
    release: vi.fn(async () => undefined),
  };
}

it('keeps a hold whose renewal fails only until it would have expired, minus the margin', async () => {
  vi.useFakeTimers();
  const down = new Error('backend down');
  const held = new HeldLease(flakyLease([true, down, down, down]));
  const errors: unknown[] = [];
  expect(await held.keep(10_000, 3_000, (error) => errors.push(error))).toBe(true);
  vi.advanceTimersByTime(3_000);
  expect(await held.keep(10_000, 3_000, (error) => errors.push(error))).toBe(true);
  vi.advanceTimersByTime(3_000);
  expect(await held.keep(10_000, 3_000, (error) => errors.push(error))).toBe(true);
  // 7 s since the last renewal that answered: one more attempt would come after the lease expired.
  vi.advanceTimersByTime(1_000);
  expect(await held.keep(10_000, 3_000, (error) => errors.push(error))).toBe(false);
  expect(errors).toEqual([down, down, down]);
});

it('gives a hold up at once when the backend says it was lost', async () => {
  const held = new HeldLease(flakyLease([false]));
  expect(await held.keep(10_000, 3_000, () => undefined)).toBe(false);
});

it('runs one attempt at a time, again on a message on its channel, and stops after the attempt under way', async () => {
  const coordinator = createLocalCoordinator();
  let inFlight = 0;
  let mostInFlight = 0;
  let attempts = 0;
  let finishFirst: () => void = () => undefined;
  const firstHeld = new Promise<void>((resolve) => (finishFirst = resolve));
  const errors: unknown[] = [];
  const loop = createLeaseLoop({
    coordinator,
    channel: 'test:channel',
    everyMs: 60_000,
    attempt: async () => {
      attempts++;
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      if (attempts === 1) await firstHeld;
      inFlight--;
      if (attempts === 2) throw new Error('second attempt fails');
    },
    onError: (error) => errors.push(error),
  });
  const started = loop.start();
  // A message during the first attempt asks for another right after it, never a second one alongside.
  await coordinator.publish('test:channel', 'released');
  finishFirst();
  await started;
  await vi.waitFor(() => expect(attempts).toBe(2));
  expect(mostInFlight).toBe(1);
  expect(errors).toHaveLength(1);
  await loop.stop();
  expect(loop.stopped).toBe(true);
  await coordinator.publish('test:channel', 'released');
  expect(attempts).toBe(2);
  await coordinator.close();
});
