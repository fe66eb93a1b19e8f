import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostLimiter } from '../../src/scheduler/host-limiter.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A task that takes `ms` of (fake) time and records its start and end. */
function recorder() {
  const spans: Array<{ host: string; start: number; end: number }> = [];
  const task = (host: string, ms: number) => () =>
    new Promise<void>((resolve) => {
      const span = { host, start: Date.now(), end: -1 };
      spans.push(span);
      setTimeout(() => {
        span.end = Date.now();
        resolve();
      }, ms);
    });
  return { spans, task };
}

describe('HostLimiter', () => {
  it('runs 50 feeds on one host one at a time, never closer than the gap', async () => {
    const limiter = new HostLimiter({ globalConcurrency: 16, perHostConcurrency: 1, perHostGapMs: 1000 });
    const { spans, task } = recorder();
    const all = Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        limiter.run(`https://news.example/search?q=${i}`, task('news', 50 + (i % 7) * 300)),
      ),
    );
    await vi.runAllTimersAsync();
    await all;
    expect(spans).toHaveLength(50);
    for (let i = 1; i < spans.length; i += 1) {
      expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end); // never two in flight
      expect(spans[i]!.start - spans[i - 1]!.start).toBeGreaterThanOrEqual(1000); // never closer than the gap
    }
  });

  it('holds the gap after a request ends on each slot, not only between starts', async () => {
    // A request that reached the server late and the next one on time came closer than the gap on its side; from
    // the end of a request (after the server has seen it) the gap holds there too.
    const limiter = new HostLimiter({ globalConcurrency: 16, perHostConcurrency: 2, perHostGapMs: 1000 });
    const { spans, task } = recorder();
    const all = Promise.all([
      limiter.run('https://news.example/a', task('news', 1500)),
      limiter.run('https://news.example/b', task('news', 100)),
      limiter.run('https://news.example/c', task('news', 100)),
      limiter.run('https://news.example/d', task('news', 100)),
    ]);
    await vi.runAllTimersAsync();
    await all;
    const [a, b, c, d] = spans;
    // b starts a gap after a (a slot unused); c takes b's slot a gap after b ended, not a gap after b started; d
    // comes a gap after c started, by then a's slot has been free (a gap after a ended) for 600 ms.
    expect(b!.start - a!.start).toBe(1000);
    expect(c!.start - b!.end).toBe(1000);
    expect(d!.start - c!.start).toBe(1000);
    expect(d!.start - a!.end).toBeGreaterThanOrEqual(1000);
  });

  it('respects the global pool while serving other hosts during one host gap', async () => {
    const limiter = new HostLimiter({ globalConcurrency: 3, perHostConcurrency: 1, perHostGapMs: 1000 });
    const { spans, task } = recorder();
    let inFlight = 0;
    let maxInFlight = 0;
    const counted = (host: string) => async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await task(host, 100)();
      inFlight -= 1;
    };
    const jobs = ['a', 'a', 'b', 'c', 'd', 'e'].map((host) =>
      limiter.run(`http://${host}.example/feed`, counted(host)),
    );
    await vi.runAllTimersAsync();
    await Promise.all(jobs);
    expect(maxInFlight).toBe(3);
    // b, c started at once although a's second feed was waiting for its gap.
    const t0 = spans[0]!.start;
    expect(spans.filter((span) => span.start === t0).map((span) => span.host)).toEqual(['a', 'b', 'c']);
    const aStarts = spans.filter((span) => span.host === 'a').map((span) => span.start);
    expect(aStarts[1]! - aStarts[0]!).toBeGreaterThanOrEqual(1000);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new HostLimiter({ globalConcurrency: 1, perHostConcurrency: 1, perHostGapMs: 0 });
    await expect(limiter.run('http://x.example/', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run('http://x.example/', async () => 'ok')).resolves.toBe('ok');
  });
});
