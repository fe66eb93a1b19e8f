import type { NsKind } from './namespaces.js';
import type { XmlNode } from './xml-tree.js';

/**
 * How the feed builders find elements: by namespace kind and lower-cased local name, never by prefix. A field's
 * sources are tried in order of preference, and an empty or whitespace-only element never shadows a later source
 * that has a value.
 */

export type Kinds = readonly NsKind[];

/** RSS elements (no namespace, or one of the RSS URIs); elements in an unknown namespace come last. */
export const RSS: Kinds = ['rss'];
export const OTHER: Kinds = ['other'];
/** Atom elements; an Atom document without its namespace has them in no namespace. */
export const ATOM: Kinds = ['atom', 'rss'];
export const ATOM_IN_RSS: Kinds = ['atom'];
export const DC: Kinds = ['dc'];
export const DCTERMS: Kinds = ['dcterms'];
export const CONTENT: Kinds = ['content'];
export const MEDIA: Kinds = ['media'];
export const ITUNES: Kinds = ['itunes'];
export const FEEDBURNER: Kinds = ['feedburner'];
export const XHTML: Kinds = ['xhtml'];

export function matches(node: XmlNode, kinds: Kinds, local: string): boolean {
  return node.local === local && kinds.includes(node.kind);
}

export function childrenOf(node: XmlNode, kinds: Kinds, local: string): XmlNode[] {
  return node.children.filter((child) => matches(child, kinds, local));
}

/** The first child of that name whose `read` gives a value: empty ones are passed over. */
export function first<T>(
  node: XmlNode,
  kinds: Kinds,
  local: string,
  read: (child: XmlNode) => T | undefined,
): T | undefined {
  for (const child of node.children) {
    if (!matches(child, kinds, local)) continue;
    const value = read(child);
    if (value !== undefined) return value;
  }
  return undefined;
}
