/** The last checks of each feed, kept in memory for the feed page (the store keeps only the latest outcome). */
export interface CheckEntry {
  at: string;
  durationMs: number;
  outcome: string;
  error?: string;
}

const KEEP = 20;

export class CheckLog {
  private readonly byFeed = new Map<string, CheckEntry[]>();

  record(feedId: string, entry: CheckEntry): void {
    const entries = this.byFeed.get(feedId) ?? [];
    entries.unshift(entry);
    if (entries.length > KEEP) entries.length = KEEP;
    this.byFeed.set(feedId, entries);
  }

  /** Newest first. */
  recent(feedId: string): readonly CheckEntry[] {
    return this.byFeed.get(feedId) ?? [];
  }

  /** Runs one check and records how it went (its outcome, or the error it threw, which is thrown on). */
  async around<T>(feedId: string, check: () => Promise<T>, now: () => Date = () => new Date()): Promise<T> {
    const started = now();
    try {
      const outcome = await check();
      this.record(feedId, {
        at: started.toISOString(),
        durationMs: now().getTime() - started.getTime(),
        outcome: String(outcome),
      });
      return outcome;
    } catch (error) {
      this.record(feedId, {
        at: started.toISOString(),
        durationMs: now().getTime() - started.getTime(),
        outcome: 'error',
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }
}
