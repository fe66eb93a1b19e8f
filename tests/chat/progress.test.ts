/** The progress throttle: nothing in the first interval, then at most one edit per interval, none after close. */
import { describe, expect, it } from 'vitest';
import { throttledProgress } from '../../src/chat/progress.js';

describe('throttledProgress', () => {
  it('edits at most once per interval, drops the early ones, and never after close', async () => {
    let clock = 0;
    const edits: string[] = [];
    const progress = throttledProgress(
      async (text) => {
        edits.push(text);
      },
      { intervalMs: 2000, now: () => clock },
    );
    await progress.update('a');
    clock = 1999;
    await progress.update('b');
    clock = 2000;
    await progress.update('c');
    clock = 3000;
    await progress.update('d');
    clock = 4000;
    await progress.update('e');
    await progress.close();
    clock = 10_000;
    await progress.update('f');
    expect(edits).toEqual(['c', 'e']);
  });

  it('close waits for an edit under way, and a failed edit is reported, not thrown', async () => {
    let clock = 5000;
    let finish!: () => void;
    const errors: unknown[] = [];
    const progress = throttledProgress(
      () => new Promise<void>((_, reject) => (finish = () => reject(new Error('edit refused')))),
      { intervalMs: 2000, now: () => clock, onError: (error) => errors.push(error) },
    );
    clock = 8000;
    const update = progress.update('x');
    let closed = false;
    const close = progress.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    finish();
    await Promise.all([update, close]);
    expect(closed).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
