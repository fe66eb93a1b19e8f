import type { NsKind } from './namespaces.js';

/** The tree the XML reader builds: the kept elements, their attributes, and what was read past. */

export interface XmlAttribute {
  /** The attribute's namespace URI; '' for an unprefixed attribute. */
  readonly ns: string;
  /** Lower-cased local name. */
  readonly local: string;
  readonly value: string;
}

export class XmlNode {
  readonly children: XmlNode[] = [];
  /** Decoded character data (text and CDATA) while the element has no element children. */
  text = '';
  /** True once an element child was seen: the value is then the raw markup between the tags. */
  mixed = false;
  /** Index in the source just past the start tag, and of the end of the content. */
  contentEnd: number;

  constructor(
    /** The namespace URI, resolved through the in-scope declarations. */
    readonly ns: string,
    readonly kind: NsKind,
    /** Lower-cased local name. */
    readonly local: string,
    readonly parent: XmlNode | undefined,
    readonly attributes: readonly XmlAttribute[],
    readonly contentStart: number,
    /** The base URI in scope (xml:base resolved against the enclosing one), for relative links. */
    readonly base: string | undefined,
    /** xml:lang in scope. */
    readonly lang: string | undefined,
  ) {
    this.contentEnd = contentStart;
  }

  /** The attribute's value (unprefixed attributes unless a namespace is given), or undefined. */
  attr(local: string, ns = ''): string | undefined {
    for (const attribute of this.attributes)
      if (attribute.local === local && attribute.ns === ns) return attribute.value;
    return undefined;
  }
}

export interface XmlDocument {
  readonly source: string;
  /** Top-level elements, in order (a well-formed document has one). */
  readonly roots: XmlNode[];
  /** The first few well-formedness problems read past. */
  readonly problems: string[];
  /** Items (RSS item, Atom entry) past LIMITS.maxItems, read past without being kept. */
  readonly omittedItems: number;
  /** Elements kept in the tree. */
  readonly keptNodes: number;
  /**
   * Units of work done: characters scanned, tokens, open elements visited when closing or resolving prefixes,
   * characters decoded. For tests and benchmarks that check the cost grows linearly with the input.
   */
  readonly work: number;
}
