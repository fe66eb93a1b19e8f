/**
 * Bounds that keep reading a feed linear in its size, whatever its structure. Real feeds stay far inside them:
 * the deepest real documents (XHTML content inside Atom) nest about 20 elements, and news feeds carry tens or
 * hundreds of items.
 */
export const LIMITS = {
  /** Elements open at once; deeper documents are refused ("feed too complex"). */
  maxDepth: 256,
  /**
   * Items (RSS item, Atom entry) read per feed; the first ones are kept, as feeds list the newest first. News
   * feeds carry tens or hundreds; each kept item costs a seen-set look-up and a match on every check.
   */
  maxItems: 1_000,
  /**
   * Elements kept per item, and for everything outside items. Past it an element is still read for its text
   * (through its parent's content) but not as a field of its own.
   */
  maxNodesPerItem: 128,
  maxNodesOutsideItems: 2_000,
  /** Only elements this near the root are kept as fields: an item's fields sit at depth 3 to 6. */
  maxFieldDepth: 8,
  /** Attributes kept per element. */
  maxAttributes: 32,
  /** Characters that entities declared in the document's DTD may expand to, in total. */
  maxDeclaredEntityExpansion: 1_000_000,
  /** Entities a DTD may declare (the rest are ignored). */
  maxDeclaredEntities: 256,
  /** A gzip-compressed body reaching the parser is inflated up to this size (the fetcher's default cap). */
  maxInflatedBytes: 15 * 1024 * 1024,
  /** HTML nested deeper than this in an item's content is given as its plain text instead. */
  maxHtmlDepth: 256,
} as const;
