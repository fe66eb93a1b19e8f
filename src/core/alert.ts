/** An alert: one item matched by one subscription, bound for one destination. Persisted in the outbox. */
import type { Destination } from './destination.js';
import type { AlertStyle, SentMessage } from './records.js';

export type TextDirection = 'ltr' | 'rtl';

export interface Summary {
  /** Clean plain text, '' when the title stands alone. */
  text: string;
  /** Language tag when known (feed language or detected script), e.g. 'ur', 'en'. */
  lang?: string;
  dir: TextDirection;
}

export interface Alert {
  /** Deterministic: the same subscription and item always give the same id (dedupe, Discord nonce). */
  id: string;
  subscriptionId: string;
  destination: Destination;
  feed: { id: string; url: string; title: string };
  item: {
    key: string;
    title: string;
    link?: string;
    published?: string;
    author?: string;
    categories?: string[];
    /** The item's image (http(s), never a private address), when the feed gave one. */
    image?: string;
  };
  summary: Summary;
  /** The subscriber's own words that matched, for "Matched: bitcoin, crypto council". */
  matchedTerms: string[];
  /** When Taza first saw the item (ISO), for delivery latency. */
  firstSeenAt: string;
  createdAt: string;
  /** Set on a digest: the alerts it stands for, rendered as one message that lists them. */
  digest?: Alert[];
  /** The subscription's presentation options at the time the alert was built (template resolved). */
  style?: AlertStyle;
  /** Set on an edit: the alert this one replaces, and the message to edit in place (never a new post). */
  edit?: { of: string; message: SentMessage };
  /** Post without a notification because of quiet hours (`quietMode: silent`); see isSilent for the whole rule. */
  silent?: boolean;
}

/**
 * Whether the alert posts without a notification (Telegram disable_notification, Discord's suppress flag): its
 * subscription says so always (`silent`), or quiet hours in silent mode marked this one.
 */
export function isSilent(alert: Pick<Alert, 'silent' | 'style'>): boolean {
  return alert.silent === true || alert.style?.silent === true;
}
