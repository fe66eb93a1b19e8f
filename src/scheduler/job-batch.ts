/** Jobs of the engine added together, in one round trip (see engine.ts). */
import type { JobToAdd } from './check-job.js';

/**
 * Jobs added together: the first waits `windowMs` for others, then one addBulk adds them all. Each caller hears when
 * its job is in (or the add failed).
 */
export class JobBatch {
  private pending: Array<{ job: JobToAdd; resolve: () => void; reject: (error: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly addBulk: (jobs: JobToAdd[]) => Promise<unknown>,
    private readonly windowMs: number,
  ) {}

  add(job: JobToAdd): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.windowMs);
    });
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.pending.splice(0);
    try {
      await this.addBulk(batch.map((entry) => entry.job));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
