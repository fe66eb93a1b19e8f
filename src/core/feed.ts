/** The shapes that flow between the fetch, parse and identify stages. Plain data: no platform, no I/O. */

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

/** One entry as the parser read it: every field already plain text except `html`. */
export interface ParsedItem {
  guid?: string;
  title: string;
  link?: string;
  /** The item's content or description as HTML (or text); '' when the item has none. */
  html: string;
  author?: string;
  categories: string[];
  /** Undefined when the feed gave no date or one that could not be read. */
  published?: Date;
  /**
   * The item's own picture as the feed names it (media:content/thumbnail, an image enclosure, JSON Feed `image`,
   * else the first <img> of the content), absolute; whether it may be shown is the renderer's call.
   */
  image?: string;
}

export interface ParsedFeed {
  format: FeedFormat;
  title: string;
  link?: string;
  /** BCP-47-ish language tag from the feed (`<language>`, `xml:lang`, JSON Feed `language`). */
  language?: string;
  /** RSS `<ttl>` in minutes, a hint for the scheduler. */
  ttlMinutes?: number;
  /** WebSub hubs the feed names (`<atom:link rel="hub">`, JSON Feed `hubs`), absolute, in document order. */
  hubs?: string[];
  /** The feed's own URL as it names it (`rel="self"`, JSON Feed `feed_url`): the WebSub topic. */
  self?: string;
  items: ParsedItem[];
  /** Items past the parser's cap (the first ones are kept); absent when the feed had no more. */
  omittedItems?: number;
}

/** An item with its stable per-feed identity, as produced by the identify stage. */
export interface FeedItem extends ParsedItem {
  key: string;
}
