/**
 * The outbox is the source of truth for delivery: an alert is persisted here before any send and
 * marked done only after the platform acknowledged it. After a crash, whatever is pending is sent.
 *
 * The store is the truth; the pending map is this process's view of it. With several instances on one backend
 * (a shared coordinator) the view is kept fresh by messages on 'taza:outbox' (an id was enqueued, done or
 * rescheduled: the receiver reads that record again) and by a periodic reload, the net for lost messages. The
 * delivery worker reads its entries again from the store before sending, so a stale view never sends twice.
 * The reload reads the pending entries through their index (`unsent`), not the whole outbox: that keeps a week of
 * sent alerts, and reading them all cost each instance 0.5-0.9 s of CPU per reload at 20,000 (bench/reloads.ts).
 */
import type { Alert } from '../core/alert.js';
import { formatDestination } from '../core/destination.js';
import type { Coordinator } from '../coordination/coordinator.js';
import { RecordChannel } from '../coordination/record-channel.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/open.js';
import { allEntries, allValues } from '../store/open.js';
import type { OutboxEntry, SentMessage } from '../core/records.js';

/** Done entries are kept a week so a re-enqueue of the same alert (same id) is recognised and dropped. */
const DONE_TTL_MS = 7 * 86_400_000;
export const OUTBOX_CHANNEL = 'taza:outbox';
/**
 * A lost message matters only when the instance that enqueued the alert dies before sending it: the net can be
 * slow. A reload reads the index and the pending entries, so it costs with the backlog, not with the sent alerts.
 */
const DEFAULT_RELOAD_MS = 15_000;
/**
 * An index entry is written before its alert is stored: one whose alert is not (yet) there is left this long, so a
 * reload between the two writes does not remove it, and is removed after (its enqueue lost the race or died).
 */
const UNSENT_GRACE_MS = 60_000;

export interface OutboxOptions {
  /** Shared (Redis, Postgres): other instances enqueue and deliver too, and this view follows them. */
  coordinator?: Coordinator;
  /** How often, when shared, the whole outbox is read again in case a message was lost. Default 15 s. */
  reloadMs?: number;
  logger?: Logger;
}

export class Outbox {
  private readonly pending = new Map<string, OutboxEntry>();
  /** Ids being enqueued by this process right now: a second enqueue of one of them is a repeat. */
  private readonly enqueuing = new Set<string>();
  private seq = 0;
  private listeners = new Set<() => void>();
  /** Shared: where changes are announced and heard. */
  private channel: RecordChannel | undefined;
  private reloading: Promise<void> | undefined;

  private constructor(
    private readonly store: Store,
    private readonly options: OutboxOptions,
  ) {}

  static async load(store: Store, options: OutboxOptions = {}): Promise<Outbox> {
    const outbox = new Outbox(store, options);
    for (const entry of await allValues(store.outbox)) {
      if (entry.status === 'pending') outbox.pending.set(entry.alert.id, entry);
      outbox.seq = Math.max(outbox.seq, entry.seq);
    }
    if (outbox.shared) {
      await outbox.indexPending();
      outbox.channel = new RecordChannel({
        coordinator: options.coordinator!,
        channel: OUTBOX_CHANNEL,
        refresh: (id) => outbox.refresh(id),
        reload: () => outbox.reload(),
        reloadMs: options.reloadMs ?? DEFAULT_RELOAD_MS,
        onError: (failed, error) => outbox.warn(`outbox.${failed}-failed`, error),
      });
      await outbox.channel.follow();
    }
    return outbox;
  }

  /** True when other instances share this outbox. */
  get shared(): boolean {
    return this.options.coordinator?.shared === true;
  }

  /** Stops following the other instances (messages, reloads). */
  async close(): Promise<void> {
    await this.channel?.close();
  }

  /** Persists the alert. Returns false when an alert with this id was already enqueued (pending or done). */
  async enqueue(alert: Alert, now = new Date()): Promise<boolean> {
    if (this.pending.has(alert.id) || this.enqueuing.has(alert.id)) return false;
    const entry: OutboxEntry = {
      alert,
      status: 'pending',
      seq: this.nextSeq(now),
      attempts: 0,
      nextAttemptAt: now.toISOString(),
    };
    this.enqueuing.add(alert.id);
    try {
      // Indexed before it is stored, so a pending entry is never missing from the index the reloads read. An index
      // entry whose alert is sent, or was never stored (this insert lost, or the process died), a reload removes.
      if (this.shared) await this.store.unsent.set(alert.id, now.getTime());
      // Atomic in the backend: of two instances enqueuing one alert id, one stores it and the other is told no.
      if (!(await this.store.insertIfAbsent('outbox', alert.id, entry))) return false;
    } finally {
      this.enqueuing.delete(alert.id);
    }
    this.pending.set(alert.id, entry);
    await this.announce(alert.id);
    this.notify();
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
    // Sent whatever happens here: an index entry left behind only costs a reload a read, and that reload removes it.
    if (this.shared)
      await this.store.unsent
        .delete(alertId)
        .catch((error: unknown) =>
          this.warn('outbox.unindex-failed', error, 'could not take a sent alert out of the pending index'),
        );
    await this.announce(alertId);
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
    await this.announce(alertId);
    return updated;
  }

  /** Replaces a pending alert (a Telegram chat that moved: same alert, new chat id). */
  async replace(alertId: string, alert: Alert): Promise<void> {
    const entry = this.pending.get(alertId);
    if (!entry) return;
    const updated: OutboxEntry = { ...entry, alert };
    this.pending.set(alertId, updated);
    await this.store.outbox.set(alertId, updated);
    await this.announce(alertId);
  }

  /**
   * The entries as the store has them now, for a sender that holds the destination's lease: those another
   * instance sent or rescheduled meanwhile are updated here first. Those still pending, in the given order.
   * Alone on the store, this view is the store's, so nothing is read.
   */
  async fresh(entries: readonly OutboxEntry[]): Promise<OutboxEntry[]> {
    if (!this.shared || entries.length === 0) return [...entries];
    const stored = await this.store.outbox.getMany(entries.map((entry) => entry.alert.id));
    const pending: OutboxEntry[] = [];
    entries.forEach((entry, i) => {
      const current = stored[i];
      if (current?.status === 'pending') {
        this.pending.set(entry.alert.id, current);
        pending.push(current);
      } else this.pending.delete(entry.alert.id);
    });
    return pending;
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
    for (const group of groups.values()) group.sort(oldestFirst);
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

  /** Wakes the delivery worker when something is enqueued (here, or by another instance). */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the whole outbox again (shared mode's net for lost messages). */
  reload(): Promise<void> {
    this.reloading ??= this.readAll().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  /**
   * Microseconds since the epoch, and never less than one more than the last: alerts enqueued by different
   * instances are ordered by when they were made (ties by alert id), each instance's in the order it made them.
   */
  private nextSeq(now: Date): number {
    this.seq = Math.max(this.seq + 1, now.getTime() * 1000);
    return this.seq;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Tells the other instances this entry was enqueued, sent or rescheduled: they read it again. */
  private async announce(id: string): Promise<void> {
    await this.channel?.announce(id);
  }

  /** Another instance changed this entry: the store says what it is now. */
  private async refresh(id: string): Promise<void> {
    const entry = await this.store.outbox.get(id);
    if (entry?.status === 'pending') {
      this.seq = Math.max(this.seq, entry.seq);
      this.pending.set(id, entry);
      this.notify();
    } else this.pending.delete(id);
  }

  /**
   * Adds to the index the pending entries it lacks: those of a store one instance used until now (it keeps no
   * index), or of an older Taza.
   */
  private async indexPending(): Promise<void> {
    const indexed = new Set((await allEntries(this.store.unsent)).map((entry) => entry.key));
    const missing = [...this.pending.values()].filter((entry) => !indexed.has(entry.alert.id));
    if (missing.length === 0) return;
    await this.store.unsent.setMany(
      missing.map((entry) => ({ key: entry.alert.id, value: Date.parse(entry.alert.createdAt) || Date.now() })),
    );
  }

  /** The pending entries as the store has them: through the index when shared, the whole outbox when alone. */
  private async readPending(): Promise<OutboxEntry[]> {
    if (!this.shared) return (await allValues(this.store.outbox)).filter((entry) => entry.status === 'pending');
    const indexed = await allEntries(this.store.unsent);
    if (indexed.length === 0) return [];
    const entries = await this.store.outbox.getMany(indexed.map((entry) => entry.key));
    const pending: OutboxEntry[] = [];
    const stale: string[] = [];
    const now = Date.now();
    indexed.forEach((index, i) => {
      const entry = entries[i];
      if (entry?.status === 'pending') pending.push(entry);
      else if (entry || now - index.value > UNSENT_GRACE_MS) stale.push(index.key);
    });
    if (stale.length > 0) await this.store.unsent.deleteMany(stale);
    return pending;
  }

  private async readAll(): Promise<void> {
    // What this process changes while the listing runs is newer than the listing: it is kept as it is.
    const before = new Map(this.pending);
    const stored = new Map<string, OutboxEntry>();
    for (const entry of await this.readPending()) {
      stored.set(entry.alert.id, entry);
      this.seq = Math.max(this.seq, entry.seq);
    }
    let added = false;
    for (const [id, entry] of stored) {
      if (this.pending.get(id) !== before.get(id)) continue;
      if (!before.has(id)) added = true;
      this.pending.set(id, entry);
    }
    for (const [id, entry] of before) if (!stored.has(id) && this.pending.get(id) === entry) this.pending.delete(id);
    if (added) this.notify();
  }

  private warn(event: string, error: unknown, message = 'could not follow the other instances’ outbox changes'): void {
    this.options.logger?.warn({ event, err: error }, message);
  }
}

function oldestFirst(a: OutboxEntry, b: OutboxEntry): number {
  return a.seq - b.seq || (a.alert.id < b.alert.id ? -1 : a.alert.id > b.alert.id ? 1 : 0);
}
