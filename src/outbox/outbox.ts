/**
 * The outbox is the source of truth for delivery: an alert is persisted here before any send and
 * marked done only after the platform acknowledged it. After a crash, whatever is pending is sent.
 */
import type { Alert } from '../core/alert.js';
import { formatDestination } from '../core/destination.js';
import type { Store } from '../store/open.js';
import { allValues } from '../store/open.js';
import type { OutboxEntry, SentMessage } from '../core/records.js';

/** Done entries are kept a week so a re-enqueue of the same alert (same id) is recognised and dropped. */
const DONE_TTL_MS = 7 * 86_400_000;
const SEQ_KEY = 'outbox.seq';

export class Outbox {
  private readonly pending = new Map<string, OutboxEntry>();
  private seq = 0;
  private listeners = new Set<() => void>();

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<Outbox> {
    const outbox = new Outbox(store);
    for (const entry of await allValues(store.outbox)) {
      if (entry.status === 'pending') outbox.pending.set(entry.alert.id, entry);
      outbox.seq = Math.max(outbox.seq, entry.seq);
    }
    outbox.seq = Math.max(outbox.seq, (await store.meta.get(SEQ_KEY)) ?? 0);
    return outbox;
  }

  /** Persists the alert. Returns false when an alert with this id was already enqueued (pending or done). */
  async enqueue(alert: Alert, now = new Date()): Promise<boolean> {
    if (this.pending.has(alert.id) || (await this.store.outbox.has(alert.id))) return false;
    const entry: OutboxEntry = {
      alert,
      status: 'pending',
      seq: ++this.seq,
      attempts: 0,
      nextAttemptAt: now.toISOString(),
    };
    this.pending.set(alert.id, entry);
    try {
      await this.store.outbox.set(alert.id, entry);
    } catch (error) {
      // Not saved, so not pending: an alert the store never took must not be sent (the check is done again).
      this.pending.delete(alert.id);
      throw error;
    }
    await this.store.meta.set(SEQ_KEY, this.seq);
    for (const listener of this.listeners) listener();
    return true;
  }

  /** Called after the platform acknowledged the send, with where the message is when the platform said. */
  async markDone(alertId: string, sent?: SentMessage): Promise<void> {
    const entry = this.pending.get(alertId);
    if (!entry) return;
    this.pending.delete(alertId);
    try {
      await this.store.outbox.set(alertId, { ...entry, status: 'done', ...(sent && { sent }) }, DONE_TTL_MS);
    } catch (error) {
      // Still pending in the store, so still pending here: it is sent again once the store is back (Discord
      // drops the repeat by its nonce; Telegram may show it twice, at most once more).
      if (!this.pending.has(alertId)) this.pending.set(alertId, entry);
      throw error;
    }
  }

  /** Records a failed attempt and when to try again. */
  async reschedule(alertId: string, nextAttemptAt: Date, error: string): Promise<OutboxEntry | undefined> {
    const entry = this.pending.get(alertId);
    if (!entry) return undefined;
    const updated: OutboxEntry = {
      ...entry,
      attempts: entry.attempts + 1,
      nextAttemptAt: nextAttemptAt.toISOString(),
      lastError: error,
    };
    this.pending.set(alertId, updated);
    try {
      await this.store.outbox.set(alertId, updated);
    } catch (error) {
      // An attempt the store did not record is not counted.
      if (this.pending.get(alertId) === updated) this.pending.set(alertId, entry);
      throw error;
    }
    return updated;
  }

  /** Replaces a pending alert (a Telegram chat that moved: same alert, new chat id). */
  async replace(alertId: string, alert: Alert): Promise<void> {
    const entry = this.pending.get(alertId);
    if (!entry) return;
    const updated: OutboxEntry = { ...entry, alert };
    this.pending.set(alertId, updated);
    await this.store.outbox.set(alertId, updated);
  }

  /** Pending entries grouped by destination, each group oldest first. */
  byDestination(): Map<string, OutboxEntry[]> {
    const groups = new Map<string, OutboxEntry[]>();
    for (const entry of this.pending.values()) {
      const key = formatDestination(entry.alert.destination);
      const group = groups.get(key) ?? [];
      group.push(entry);
      groups.set(key, group);
    }
    for (const group of groups.values()) group.sort((a, b) => a.seq - b.seq);
    return groups;
  }

  depth(): number {
    return this.pending.size;
  }

  oldestPendingAt(): string | undefined {
    let oldest: string | undefined;
    for (const entry of this.pending.values())
      if (!oldest || entry.alert.createdAt < oldest) oldest = entry.alert.createdAt;
    return oldest;
  }

  /** Wakes the delivery worker when something is enqueued. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
