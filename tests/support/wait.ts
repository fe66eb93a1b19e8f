/** Waiting on events in tests, never on time. */

/** Resolves when `predicate` becomes true; checked each time `notify` is called (event-driven, no polling). */
export function condition(predicate: () => boolean): { notify(): void; done: Promise<void> } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const notify = () => {
    if (predicate()) resolve();
  };
  return { notify, done };
}

/** Resolves with the error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/**
 * Resolves after every callback already due has run (one turn of the event loop): what a promise chain would do
 * next has happened. Not a wait for time.
 */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
