/**
 * Progress of a long command (an import) shown in its one reply message, edited in place: at most one edit per
 * interval, none in the first interval (a quick command shows only its result), and never after the result. Edits
 * that come too soon are dropped, not queued: each one shows the whole state, and the result shows the end.
 */
export interface Progress {
  /** Shows `text` in the reply message, if the last edit is old enough; never throws. */
  update(text: string): Promise<void>;
  /** No edit after this; resolves once an edit under way has landed, so the result is the last word. */
  close(): Promise<void>;
}

export const PROGRESS_INTERVAL_MS = 2000;

export function throttledProgress(
  edit: ((text: string) => Promise<void>) | undefined,
  options: { intervalMs?: number; now?: () => number; onError?: (error: unknown) => void } = {},
): Progress {
  const interval = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let last = now();
  let inFlight: Promise<void> | undefined;
  let closed = false;
  return {
    async update(text) {
      if (!edit || closed || inFlight || now() - last < interval) return;
      last = now();
      inFlight = edit(text)
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => {
          inFlight = undefined;
          last = now();
        });
      await inFlight;
    },
    async close() {
      closed = true;
      await inFlight;
    },
  };
}
