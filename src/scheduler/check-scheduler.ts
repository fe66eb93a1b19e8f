/**
 * The one way feed checks are scheduled, with two implementations: in this process (the embedded SQLite store:
 * one instance, no engine, no server) and on a distributed job engine (Redis or Postgres, several instances
 * checking each feed once per due time between them). Callers never know which one they have.
 */
export interface CheckScheduler {
  /** Starts checking feeds as they come due. */
  start(): Promise<void>;
  /** Stops taking checks; resolves once the checks under way in this process have finished. */
  stop(): Promise<void>;
  /** Something changed (feeds added or rescheduled in bulk): look at the feeds again soon. */
  wake(): void;
  /**
   * A feed was added (or its record replaced): it gets its check at its due time. A removed feed needs no call:
   * its next check finds it gone from the store (the engine's job) or the loop no longer sees it (in process).
   */
  feedAdded(feedId: string): Promise<void>;
  /** Checks one feed now, outside its schedule (the subscribe command's baseline), within the per-host limits. */
  checkNow(feedId: string): Promise<void>;
  /**
   * Runs one request to `url`'s host within the same per-host limits as the checks (the commands' fetches: an
   * import of a hundred feeds on one site must not burst it).
   */
  limit<T>(url: string, task: () => Promise<T>): Promise<T>;
  /**
   * Runs `task` (a pushed body's check, a rescheduling) holding what this scheduler's own checks of the feed hold,
   * so that none of them runs meanwhile on any instance. In one process the app orders a feed's checks itself, so
   * the in-process scheduler runs it at once.
   */
  holdFeed<T>(feedId: string, task: () => Promise<T>): Promise<T>;
}
