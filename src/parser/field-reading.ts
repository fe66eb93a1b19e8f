import { parseFeedDate } from './dates.js';
import { escapeHtml } from '../render/escape.js';
import { hasVisibleText, plainText } from './text.js';
import { ATOM, ATOM_IN_RSS, childrenOf, DC, first, type Kinds, matches, MEDIA, OTHER, RSS } from './xml-match.js';
import { atomContentKind, decodeBase64, markupAsHtml } from './xml-markup.js';
import type { XmlDocument, XmlNode } from './xml-tree.js';

/**
 * How one element's value is read, shared by the RSS and Atom item builders: as HTML, as plain text, as a trimmed
 * value, as a link resolved against its base, as a date, a person, categories or Media RSS fields.
 */
export class Reading {
  constructor(
    readonly doc: XmlDocument,
    /** The base for relative links when neither xml:base nor the feed URL gives one: the feed's own link. */
    readonly fallbackBase: string | undefined,
  ) {}

  /** The element's content as HTML: its character data, or the markup between its tags. */
  html(node: XmlNode): string {
    if (!node.mixed) return node.text;
    return markupAsHtml(this.doc.source.slice(node.contentStart, node.contentEnd), node.kind === 'xhtml');
  }

  /** The element's character data, trimmed, for URLs, ids, dates and codes; undefined when blank. */
  value(node: XmlNode): string | undefined {
    const text = (node.mixed ? plainText(this.html(node)) : node.text).trim();
    return text === '' ? undefined : text;
  }

  /** The element read as HTML and shown as plain text (RSS titles, names); undefined when blank. */
  plain(node: XmlNode): string | undefined {
    const text = plainText(this.html(node));
    return text === '' ? undefined : text;
  }

  /** An Atom text construct (type text, html or xhtml; Atom 0.3 modes) as HTML. */
  atomHtml(node: XmlNode): string | undefined {
    const kind = atomContentKind(node);
    if (kind === 'none') return undefined;
    let html: string;
    if (kind === 'text') html = node.mixed ? this.html(node) : escapeHtml(node.text);
    else if (kind === 'base64') html = decodeBase64(node.text);
    else html = this.html(node);
    html = html.trim();
    return html === '' ? undefined : html;
  }

  /** An Atom text construct as plain text: markup is read only when the type says there is some. */
  atomPlain(node: XmlNode): string | undefined {
    const kind = atomContentKind(node);
    if (kind === 'none') return undefined;
    if (kind === 'text' && !node.mixed) {
      const text = node.text.replace(/\s+/g, ' ').trim();
      return text === '' ? undefined : text;
    }
    const html = this.atomHtml(node);
    return html === undefined ? undefined : plainText(html) || undefined;
  }

  /** `href` resolved against the element's base (xml:base, else the feed URL, else the feed's link). */
  resolve(href: string | undefined, node: XmlNode): string | undefined {
    const trimmed = href?.trim();
    if (!trimmed) return undefined;
    for (const base of [node.base, this.fallbackBase]) {
      try {
        return new URL(trimmed, base).href;
      } catch {
        // Relative without a usable base: try the next one.
      }
    }
    return trimmed;
  }

  /** The alternate link of an Atom feed or entry (Atom 0.3 and 1.0), or of an RSS element's atom:link. */
  atomLink(node: XmlNode, kinds: Kinds): string | undefined {
    const links = childrenOf(node, kinds, 'link').filter((link) => link.attr('href')?.trim());
    const rel = (link: XmlNode) =>
      (link.attr('rel') ?? 'alternate')
        .trim()
        .toLowerCase()
        .replace(/^https?:\/\/www\.iana\.org\/assignments\/relation\//, '') || 'alternate';
    const alternates = links.filter((link) => rel(link) === 'alternate');
    const chosen =
      alternates.find((link) => /html/i.test(link.attr('type') ?? 'text/html')) ??
      alternates[0] ??
      links.find((link) => !NOT_PAGE_RELS.has(rel(link)));
    return chosen ? this.resolve(chosen.attr('href'), chosen) : undefined;
  }

  /** Every `<link rel="…">` with this rel (hub, self), resolved, in document order. */
  relLinks(node: XmlNode, kinds: Kinds, wanted: string): string[] {
    const found: string[] = [];
    for (const link of childrenOf(node, kinds, 'link')) {
      const rels = (link.attr('rel') ?? '').trim().toLowerCase().split(/\s+/);
      const href = rels.includes(wanted) ? this.resolve(link.attr('href'), link) : undefined;
      if (href) found.push(href);
    }
    return found;
  }

  /** The first date among the sources that can be read: an unreadable one does not hide a readable one. */
  date(node: XmlNode, sources: readonly (readonly [Kinds, string])[]): Date | undefined {
    for (const [kinds, local] of sources) {
      const date = first(node, kinds, local, (child) => parseFeedDate(this.value(child)));
      if (date) return date;
    }
    return undefined;
  }

  /** The first source whose HTML shows text; failing that, the first that has any markup at all (an image). */
  bestHtml(candidates: Iterable<string | undefined>): string {
    let fallback: string | undefined;
    for (const candidate of candidates) {
      const html = candidate?.trim();
      if (!html) continue;
      if (hasVisibleText(html)) return html;
      fallback ??= html;
    }
    return fallback ?? '';
  }

  categories(item: XmlNode): string[] {
    const found: string[] = [];
    for (const child of item.children) {
      let value: string | undefined;
      if (matches(child, RSS, 'category') || matches(child, DC, 'subject') || matches(child, OTHER, 'category'))
        value = this.plain(child);
      else if (matches(child, ATOM_IN_RSS, 'category'))
        value = optional(child.attr('term')) ?? optional(child.attr('label')) ?? this.plain(child);
      if (value && !found.includes(value)) found.push(value);
    }
    return found;
  }

  atomCategories(entry: XmlNode): string[] {
    const found: string[] = [];
    for (const child of entry.children) {
      let value: string | undefined;
      if (matches(child, ATOM, 'category'))
        value = optional(child.attr('term')) ?? optional(child.attr('label')) ?? this.plain(child);
      else if (matches(child, DC, 'subject')) value = this.plain(child);
      if (value && !found.includes(value)) found.push(value);
    }
    return found;
  }

  /** An Atom person's name (or, without one, its e-mail), or the person element's own text. */
  person(node: XmlNode): string | undefined {
    if (!node.mixed) return optional(node.text);
    return (
      first(node, ATOM, 'name', (child) => this.plain(child)) ??
      first(node, ATOM, 'email', (child) => this.value(child)) ??
      first(node, OTHER, 'name', (child) => this.plain(child))
    );
  }

  /** Media RSS descriptions, on the item, in media:group and in media:content. */
  *mediaDescriptions(item: XmlNode): Generator<string | undefined> {
    for (const child of item.children) {
      if (matches(child, MEDIA, 'description')) yield this.html(child);
      else if (matches(child, MEDIA, 'group') || matches(child, MEDIA, 'content')) {
        for (const inner of child.children) {
          if (matches(inner, MEDIA, 'description')) yield this.html(inner);
          else if (matches(inner, MEDIA, 'content'))
            for (const innermost of childrenOf(inner, MEDIA, 'description')) yield this.html(innermost);
        }
      }
    }
  }

  /**
   * The item's picture from its media tags: a media:content that is an image (medium="image" or an image type),
   * a media:thumbnail (on the item, in media:group or in media:content), else an image enclosure (RSS
   * <enclosure>, Atom <link rel="enclosure">). Absolute http(s) only.
   */
  mediaImage(item: XmlNode): string | undefined {
    const isImage = (node: XmlNode) =>
      node.attr('medium')?.trim().toLowerCase() === 'image' || /^image\//i.test(node.attr('type')?.trim() ?? '');
    const url = (node: XmlNode, attribute: string) => {
      const resolved = this.resolve(node.attr(attribute), node);
      return isHttpUrl(resolved) ? resolved : undefined;
    };
    const thumbnail = (node: XmlNode) => first(node, MEDIA, 'thumbnail', (child) => url(child, 'url'));
    const content = (node: XmlNode) =>
      childrenOf(node, MEDIA, 'content')
        .filter(isImage)
        .map((child) => url(child, 'url'))
        .find(Boolean) ?? first(node, MEDIA, 'content', thumbnail);
    return (
      content(item) ??
      first(item, MEDIA, 'group', (group) => content(group) ?? thumbnail(group)) ??
      thumbnail(item) ??
      childrenOf(item, RSS, 'enclosure')
        .filter(isImage)
        .map((child) => url(child, 'url'))
        .find(Boolean) ??
      [...childrenOf(item, ATOM, 'link'), ...childrenOf(item, ATOM_IN_RSS, 'link')]
        .filter((child) => child.attr('rel')?.trim().toLowerCase() === 'enclosure' && isImage(child))
        .map((child) => url(child, 'href'))
        .find(Boolean)
    );
  }

  mediaTitle(item: XmlNode): string | undefined {
    return (
      first(item, MEDIA, 'title', (child) => this.plain(child)) ??
      first(item, MEDIA, 'group', (group) => first(group, MEDIA, 'title', (child) => this.plain(child))) ??
      first(item, MEDIA, 'content', (content) => first(content, MEDIA, 'title', (child) => this.plain(child)))
    );
  }
}

const NOT_PAGE_RELS = new Set(['self', 'edit', 'edit-media', 'replies', 'hub', 'license', 'service.edit', 'payment']);

export function optional(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function isHttpUrl(value: string | undefined): boolean {
  return value !== undefined && /^https?:\/\//i.test(value);
}
