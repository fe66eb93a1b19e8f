/** An alert: one item matched by one subscription, bound for one destination. Persisted in the outbox. */
import type { Destination } from './destination.js';

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
  item: { key: string; title: string; link?: string; published?: string };
  summary: Summary;
  /** The subscriber's own words that matched, for "Matched: bitcoin, crypto council". */
  matchedTerms: string[];
  /** When Taza first saw the item (ISO), for delivery latency. */
  firstSeenAt: string;
  createdAt: string;
  /** Set on a digest: the alerts it stands for, rendered as one message that lists them. */
  digest?: Alert[];
  /** Post without a notification (quiet hours with `quietMode: silent`): Telegram disable_notification, Discord's flag. */
  silent?: boolean;
}
