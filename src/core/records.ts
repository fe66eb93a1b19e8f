/** The data model: one record type per keyv namespace. Plain JSON (dates as ISO strings) so every backend stores it alike. */
import type { Alert } from './alert.js';
import type { DeliverySchedule } from './delivery-schedule.js';
import type { Destination } from './destination.js';

export interface FeedError {
  kind: string;
  message: string;
  at: string;
  status?: number;
}

/** A feed and everything the poller remembers about it. Keyed by `id`, which never changes (even when the URL does). */
export interface FeedRecord {
  id: string;
  url: string;
  title?: string;
  link?: string;
  language?: string;
  etag?: string;
  lastModified?: string;
  /** Hash of the last body, to skip parsing a byte-identical 200. */
  bodyHash?: string;
  lastCheckAt?: string;
  lastSuccessAt?: string;
  lastUnconditionalAt?: string;
  lastError?: FeedError;
  /** Consecutive failures; 0 after a success. */
  failures: number;
  /** Whether subscribers have been told the feed is failing (so they are told once, and told when it recovers). */
  failingNotified?: boolean;
  nextCheckAt: string;
  /** False until the first successful fetch, which records the items already there without alerting. */
  baselineTaken: boolean;
  disabled?: { reason: string; at: string };
  /** Summarize from the article page when an item carries only a snippet (the subscriptions file's `fullText`). */
  fullText?: boolean;
  /**
   * How often the feed publishes, learnt from its items' dates when its body last changed (adaptive polling), and,
   * for a feed that keeps a schedule, its grid: every `periodMs` from `anchorAt`, each publication within `spreadMs`.
   */
  publishing?: { intervalMs: number; at: string; grid?: { periodMs: number; anchorAt: string; spreadMs: number } };
  createdAt: string;
}

/**
 * How a subscription's alerts appear; every field optional, absent meaning Taza's default. The names are the
 * subscriptions file's and the OPML attributes' (`taza:<name>`), so a self-hoster can pre-seed them.
 */
export interface AlertStyle {
  /** The message text with placeholders ({title}, {summary:300}, {published:Asia/Karachi}, …); see render/template.ts. */
  template?: string;
  /** Discord: `role:<id>`, `user:<id>` or `here`, pinged by each alert (and nothing else). */
  mention?: string;
  /** Post without a notification sound (Telegram disable_notification, Discord's suppress-notifications flag). */
  silent?: boolean;
  /** False: no item image (Discord embed image, Telegram photo). */
  images?: boolean;
  /** False: an item that changes after it was posted is not edited in place. */
  edits?: boolean;
  /** `new` on a Discord text channel: start a thread from each alert message. */
  thread?: 'new';
  /** Discord forum channels: the tags (by name) each new post carries. */
  forumTags?: string[];
}

export interface Subscription extends AlertStyle {
  /** Short id an admin can type: `unsubscribe id:k3x9qa`. */
  id: string;
  feedId: string;
  /** The keyword query exactly as the admin typed it ('' = every new item). */
  query: string;
  destination: Destination;
  /** Who owns it: a Discord guild id, a Telegram chat id, or `file` for the subscriptions file. */
  scope: string;
  source: 'file' | 'command';
  paused?: { reason: string; at: string; by: 'user' | 'delivery' };
  createdAt: string;
  createdBy?: string;
  lastAlertAt?: string;
  /** Digests and quiet hours; absent = every alert posted at once. */
  schedule?: DeliverySchedule;
}

export interface SeenRecord {
  firstSeenAt: string;
  /**
   * Set while the instance that claimed the item as new puts its alerts in the outbox, cleared once they are
   * there: a claim left pending long after (its instance died) is processed again by a later check.
   */
  pendingSince?: string;
}

export type OutboxStatus = 'pending' | 'done';

/** The platform's message an alert became, so a later change of the item edits it instead of posting again. */
export interface SentMessage {
  /** Discord channel or thread id (a forum post's thread), Telegram chat id. */
  channelId: string;
  messageId: string;
  /** Telegram: a photo's text is its caption (editMessageCaption), a message's its text (editMessageText). */
  kind: 'text' | 'photo';
  /** When it was posted (ISO): edits happen only within a window after it. */
  at: string;
  /** How many times it was edited. */
  edits?: number;
}

export interface OutboxEntry {
  alert: Alert;
  /** Set when the alert was sent (not for digests): where the message is, for edits. */
  sent?: SentMessage;
  status: OutboxStatus;
  /** Monotonic order of creation, so each destination is served oldest first. */
  seq: number;
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
}

/**
 * The `digests` namespace: alerts held for a digest or until quiet hours end (`held:<subscription>:<releaseAt
 * ms>:<alert id>`), and the claim of one release (`claim:<subscription>:<releaseAt ms>`) that makes one instance,
 * and only one, post it.
 */
export type DigestRecord =
  | {
      kind: 'held';
      alert: Alert;
      releaseAt: string;
      reason: 'digest' | 'quiet';
      /** Orders a digest's lines as the alerts were matched (alerts of one check share their createdAt). */
      order: number;
      silent?: boolean;
    }
  /** `done` once the release is in the outbox: an alert held for it after that is a straggler, released late. */
  | { kind: 'claim'; by: string; at: string; done?: boolean };

/**
 * A feed's WebSub subscription at its hub, keyed by feed id. The secret signs every delivery (HMAC); it is
 * random per subscription and never leaves the store and the hub.
 */
export interface WebSubRecord {
  feedId: string;
  hub: string;
  /** The topic URL Taza asked for: a verification or delivery for any other is refused. */
  topic: string;
  secret: string;
  /** subscribing: asked, not verified yet; unsubscribing: asked to stop; denied: the hub refused. */
  state: 'subscribing' | 'subscribed' | 'unsubscribing' | 'denied';
  requestedAt: string;
  /** When the hub's lease ends (set by its verification of intent), and how long the hub granted. */
  leaseUntil?: string;
  leaseSeconds?: number;
}

/**
 * What a server or chat set for all its subscriptions, keyed by scope (a guild id or a chat id). In the store, not in
 * memory, so that every instance posts the same.
 */
export interface ScopeRecord {
  /** The template of every alert whose subscription has none of its own. */
  template?: string;
}
