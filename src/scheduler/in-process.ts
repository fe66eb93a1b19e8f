/** The scheduler of a single instance: the poll loop and the host limiter, both in this process. */
import type { CheckScheduler } from './check-scheduler.js';
import { HostLimiter } from './host-limiter.js';
import { Poller, type PollerOptions } from './poller.js';

export interface InProcessSchedulerOptions extends Omit<PollerOptions, 'limiter'> {
  limits: { globalConcurrency: number; perHostConcurrency: number; perHostGapMs: number };
}

export class InProcessScheduler implements CheckScheduler {
  readonly limiter: HostLimiter;
  private readonly poller: Poller;

  constructor(options: InProcessSchedulerOptions) {
    this.limiter = new HostLimiter(options.limits);
    this.poller = new Poller({ ...options, limiter: this.limiter });
  }

  async start(): Promise<void> {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  wake(): void {
    this.poller.wake();
  }

  async feedAdded(): Promise<void> {
    // The loop walks the registry the feed was added to; it only has to look again.
    this.poller.wake();
  }

  checkNow(feedId: string): Promise<void> {
    return this.poller.checkNow(feedId);
  }

  limit<T>(url: string, task: () => Promise<T>): Promise<T> {
    return this.limiter.run(url, task);
  }

  holdFeed<T>(_feedId: string, task: () => Promise<T>): Promise<T> {
    return task();
  }
}
