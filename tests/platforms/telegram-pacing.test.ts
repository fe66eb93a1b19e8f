import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TelegramPacer } from '../../src/platforms/telegram/pacing.js';

/** Runs a send that records its start time (fake clock) and finishes immediately. */
function recorder() {
  const starts: Array<{ chat: string; n: number; at: number }> = [];
  const task = (chat: string, n: number) => async () => {
    starts.push({ chat, n, at: performance.now() });
    return n;
  };
  return { starts, task };
}

describe('TelegramPacer (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spaces sends to one chat by the gap and keeps their order', async () => {
    const pacer = new TelegramPacer({ perChatGapMs: 1000, perGroupPerMinute: 20, globalPerSecond: 30 });
    const { starts, task } = recorder();
    const t0 = performance.now();
    const all = Promise.all([1, 2, 3].map((n) => pacer.run('42', task('42', n))));
    await vi.advanceTimersByTimeAsync(5000);
    expect(await all).toEqual([1, 2, 3]);
    expect(starts.map((s) => [s.n, s.at - t0])).toEqual([
      [1, 0],
      [2, 1000],
      [3, 2000],
    ]);
  });

  it('lets different chats go side by side', async () => {
    const pacer = new TelegramPacer({ perChatGapMs: 1000, perGroupPerMinute: 20, globalPerSecond: 30 });
    const { starts, task } = recorder();
    const t0 = performance.now();
    const all = Promise.all(['1', '2', '3'].map((chat) => pacer.run(chat, task(chat, 1))));
    await vi.advanceTimersByTimeAsync(10);
    await all;
    expect(starts.map((s) => s.at - t0)).toEqual([0, 0, 0]);
  });

  it('allows at most perGroupPerMinute sends to a group in any minute', async () => {
    const pacer = new TelegramPacer({ perChatGapMs: 0, perGroupPerMinute: 3, globalPerSecond: 30 });
    const { starts, task } = recorder();
    const t0 = performance.now();
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => pacer.run('-100123', task('-100123', n))));
    await vi.advanceTimersByTimeAsync(70_000);
    await all;
    expect(starts.map((s) => s.at - t0)).toEqual([0, 0, 0, 60_000, 60_000]);
  });

  it('does not apply the group limit to private chats', async () => {
    const pacer = new TelegramPacer({ perChatGapMs: 0, perGroupPerMinute: 3, globalPerSecond: 30 });
    const { starts, task } = recorder();
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => pacer.run('777', task('777', n))));
    await vi.advanceTimersByTimeAsync(1);
    await all;
    expect(starts).toHaveLength(5);
  });

  it('starts at most globalPerSecond sends in any second across chats', async () => {
    const pacer = new TelegramPacer({ perChatGapMs: 0, perGroupPerMinute: 20, globalPerSecond: 4 });
    const { starts, task } = recorder();
    const t0 = performance.now();
    const all = Promise.all(Array.from({ length: 10 }, (_, i) => pacer.run(String(i + 1), task(String(i + 1), i))));
    await vi.advanceTimersByTimeAsync(5000);
    await all;
    expect(starts.map((s) => s.at - t0)).toEqual([0, 0, 0, 0, 1000, 1000, 1000, 1000, 2000, 2000]);
  });

  it('keeps a chat moving after a failed send, and passes the failure to its caller', async () => {
    const pacer = new TelegramPacer({ perChatGapMs: 100, perGroupPerMinute: 20, globalPerSecond: 30 });
    const failing = pacer.run('9', async () => {
      throw new Error('boom');
    });
    const next = pacer.run('9', async () => 'sent');
    const failed = expect(failing).rejects.toThrow('boom');
    await vi.advanceTimersByTimeAsync(200);
    await failed;
    await expect(next).resolves.toBe('sent');
  });
});
