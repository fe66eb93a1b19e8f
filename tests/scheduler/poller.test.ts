import { afterEach, describe, expect, it, vi } from 'vitest';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { HostLimiter } from '../../src/scheduler/host-limiter.js';
import { Poller } from '../../src/scheduler/poller.js';
import { captureLogger } from '../support/logger.js';
import { tempStore } from '../support/store.js';

describe('the poller', () => {
  afterEach(() => vi.useRealTimers());

  it('checks each due feed once per interval, never twice at once, and skips disabled feeds', async () => {
    const env = await tempStore();
    const feeds = await FeedRegistry.load(env.store);
    vi.useFakeTimers({ now: new Date('2026-11-29T00:00:00Z') });
    const a = await feeds.ensure('https://one.example/feed');
    const b = await feeds.ensure('https://two.example/feed');
    const c = await feeds.ensure('https://three.example/feed');
    await feeds.save({ ...c, disabled: { reason: 'gone', at: 'x' } });
    const checks: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const poller = new Poller({
      feeds,
      logger: captureLogger().logger,
      limiter: new HostLimiter({ globalConcurrency: 4, perHostConcurrency: 1, perHostGapMs: 0 }),
      check: async (feedId) => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        checks.push(feedId);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const feed = feeds.get(feedId)!;
        feed.nextCheckAt = new Date(Date.now() + 60_000).toISOString();
        concurrent--;
      },
    });
    poller.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(checks.sort()).toEqual([a.id, b.id].sort());
    await vi.advanceTimersByTimeAsync(30_000);
    expect(checks).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(checks).toHaveLength(4);
    expect(checks).not.toContain(c.id);
    expect(maxConcurrent).toBeLessThanOrEqual(2);
    vi.useRealTimers();
    await poller.stop();
    await env.cleanup();
  });
});
