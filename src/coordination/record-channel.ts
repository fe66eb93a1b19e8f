/**
 * How an in-memory view of shared records (feeds, subscriptions, the outbox, WebSub subscriptions) follows the
 * other instances: each change is announced on a channel as `{ from, id }`, a receiver reads that record again,
 * and every record is read again every `reloadMs`, the net for messages lost while a connection was down (they are
 * at most once). The view stays a cache; the store stays the truth.
 */
import type { Coordinator } from './coordinator.js';

export interface RecordChannelOptions {
  coordinator: Pick<Coordinator, 'instanceId' | 'publish' | 'subscribe'>;
  channel: string;
  /** Another instance changed (or removed) this record: read it again. */
  refresh(id: string): Promise<unknown>;
  /** Reads every record again. */
  reload(): Promise<unknown>;
  /** How often reload runs; 0 for never (the owner reloads at its own times). */
  reloadMs: number;
  /** A refresh, a reload or an announcement failed; the next reload makes it good. */
  onError(failed: 'refresh' | 'reload' | 'announce', error: unknown): void;
}

interface ChangeMessage {
  from?: string;
  id?: unknown;
}

export class RecordChannel {
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Reads started by messages and the timer: close waits for them, so none runs on a store about to close. */
  private readonly reads = new Set<Promise<unknown>>();

  constructor(private readonly options: RecordChannelOptions) {}

  /** Starts following: messages at once, reloads every `reloadMs` (the options', unless given). Announcing works without it. */
  async follow(reloadMs = this.options.reloadMs): Promise<void> {
    if (this.unsubscribe) return;
    const { coordinator, channel, reload } = this.options;
    this.unsubscribe = await coordinator.subscribe(channel, (text) => this.receive(text));
    if (reloadMs > 0) {
      this.timer = setInterval(() => this.track('reload', reload), reloadMs);
      this.timer.unref();
    }
  }

  get following(): boolean {
    return this.unsubscribe !== undefined;
  }

  /** Tells the other instances this record changed. At most once: a failure is reported, never thrown. */
  async announce(id: string): Promise<void> {
    const { coordinator } = this.options;
    try {
      await coordinator.publish(this.options.channel, JSON.stringify({ from: coordinator.instanceId, id }));
    } catch (error) {
      this.options.onError('announce', error);
    }
  }

  /** Stops following and waits for the reads under way. Idempotent; follow may start it again. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.().catch((error: unknown) => this.options.onError('refresh', error));
    await Promise.allSettled([...this.reads]);
  }

  private receive(text: string): void {
    let message: ChangeMessage;
    try {
      message = JSON.parse(text) as ChangeMessage;
    } catch {
      return;
    }
    // This instance's own changes are in its view already.
    if (message.from === this.options.coordinator.instanceId || typeof message.id !== 'string') return;
    const id = message.id;
    this.track('refresh', () => this.options.refresh(id));
  }

  private track(what: 'refresh' | 'reload', read: () => Promise<unknown>): void {
    if (!this.unsubscribe) return;
    const running: Promise<unknown> = read()
      .catch((error: unknown) => this.options.onError(what, error))
      .finally(() => this.reads.delete(running));
    this.reads.add(running);
  }
}
