/**
 * A forgiving, namespace-aware XML reader for feeds, in one linear pass over the text.
 *
 * It builds a small tree of the elements a feed reader looks at (the root, the channel, items and their fields)
 * and no more: deeper or surplus elements are read past, their markup still reachable as the raw content of the
 * kept element around them. Every step does bounded work per character, so the cost is linear in the size of the
 * document whatever its structure, and the tree stays a small multiple of the kept part (see limits.ts).
 *
 * Errors a strict parser stops at are recorded and read past instead: unclosed and mismatched tags (a close tag
 * closes the nearest open element of its name), undeclared prefixes, bare ampersands, HTML entities, unquoted
 * attributes, HTML void elements such as <br>. Only nesting deeper than LIMITS.maxDepth is refused.
 */
import { decodeXml, EntityTable } from './entities.js';
import { tooComplex } from './errors.js';
import { LIMITS } from './limits.js';
import { NS, nsKind, UNDECLARED_PREFIXES } from './namespaces.js';
import { scanAttributes } from './xml-attributes.js';
import { Char, isNameStart, isSpace } from './xml-chars.js';
import { declareEntities, scanDeclaration } from './xml-doctype.js';
import { type XmlAttribute, type XmlDocument, XmlNode } from './xml-tree.js';

/** Elements HTML defines as empty: feeds that paste HTML into XML leave them unclosed. */
const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'wbr', 'input', 'area', 'col', 'param', 'track', 'embed', 'meta']);

interface Budget {
  left: number;
}

interface Frame {
  /** The element's name as written, lower-cased (close tags match it case-insensitively). */
  readonly key: string;
  readonly node: XmlNode | undefined;
  readonly scope: Map<string, string> | undefined;
  readonly budget: Budget;
  /** This element is an item or inside one. */
  readonly inItem: boolean;
}

function resolveUrl(href: string, base: string | undefined): string | undefined {
  try {
    return new URL(href, base).href;
  } catch {
    return base;
  }
}

class Reader {
  private readonly roots: XmlNode[] = [];
  private readonly problems: string[] = [];
  private readonly frames: Frame[] = [];
  /** How many elements of each (lower-cased) name are open: a close tag for a name not open is stray, in O(1). */
  private readonly open = new Map<string, number>();
  private readonly outside: Budget = { left: LIMITS.maxNodesOutsideItems };
  private readonly entities = new EntityTable();
  private itemsKept = 0;
  private omittedItems = 0;
  private keptNodes = 0;
  private work = 0;
  private seenRoot = false;

  constructor(
    private readonly source: string,
    private readonly baseUrl: string | undefined,
  ) {}

  read(): XmlDocument {
    const source = this.source;
    const length = source.length;
    let index = 0;
    while (index < length) {
      this.work += 1;
      const lt = source.indexOf('<', index);
      if (lt === -1) {
        this.text(index, length);
        break;
      }
      if (lt > index) this.text(index, lt);
      const next = source.charCodeAt(lt + 1);
      if (next === Char.Bang) index = this.markupDeclaration(lt);
      else if (next === Char.Question) index = this.skipPast(lt + 2, '?>', 'processing instruction');
      else if (next === Char.Slash) index = this.closeTag(lt);
      else if (isNameStart(next)) index = this.openTag(lt);
      else {
        // A lone "<" (as in "a < b") is text.
        this.text(lt, lt + 1);
        index = lt + 1;
      }
    }
    if (this.frames.length > 0) {
      this.problem(`<${this.frames[0]!.key}> is not closed`);
      while (this.frames.length > 0) this.pop(length);
    }
    this.work += length;
    return {
      source,
      roots: this.roots,
      problems: this.problems,
      omittedItems: this.omittedItems,
      keptNodes: this.keptNodes,
      work: this.work,
    };
  }

  private problem(message: string): void {
    if (this.problems.length < 5) this.problems.push(message);
  }

  /** `problem` bound once, for the scanners that report to it. */
  private readonly report = (message: string): void => this.problem(message);

  /** Index just past `terminator` at or after `from`, or the end of the text (recorded as a problem). */
  private skipPast(from: number, terminator: string, what: string): number {
    const end = this.source.indexOf(terminator, from);
    if (end !== -1) return end + terminator.length;
    this.problem(`unterminated ${what}`);
    return this.source.length;
  }

  private markupDeclaration(lt: number): number {
    const source = this.source;
    if (source.startsWith('--', lt + 2)) return this.skipPast(lt + 4, '-->', 'comment');
    if (source.startsWith('[CDATA[', lt + 2)) {
      const start = lt + 9;
      const end = source.indexOf(']]>', start);
      if (end === -1) {
        this.problem('unterminated CDATA section');
        this.characters(source.slice(start));
        return source.length;
      }
      this.characters(source.slice(start, end));
      return end + 3;
    }
    return this.declaration(lt);
  }

  /** A declaration (`<!DOCTYPE …>` and others); entities declared before the root element are kept. */
  private declaration(lt: number): number {
    const end = scanDeclaration(this.source, lt, (subset) => {
      if (!this.seenRoot) declareEntities(subset, this.entities);
    });
    if (end !== -1) return end;
    this.problem('unterminated declaration');
    return this.source.length;
  }

  private text(start: number, end: number): void {
    const top = this.frames[this.frames.length - 1];
    if (!top?.node || top.node.mixed) return;
    this.work += end - start;
    top.node.text += decodeXml(this.source.slice(start, end), this.entities);
  }

  private characters(data: string): void {
    const top = this.frames[this.frames.length - 1];
    if (!top?.node || top.node.mixed) return;
    this.work += data.length;
    top.node.text += data;
  }

  private openTag(lt: number): number {
    const source = this.source;
    const length = source.length;
    let index = lt + 1;
    while (index < length) {
      const code = source.charCodeAt(index);
      if (isSpace(code) || code === Char.Slash || code === Char.Gt || code === Char.Lt) break;
      index += 1;
    }
    const name = source.slice(lt + 1, index);
    const depth = this.frames.length + 1;
    if (depth > LIMITS.maxDepth) throw tooComplex(`elements are nested more than ${LIMITS.maxDepth} deep`);

    const parentFrame = this.frames[this.frames.length - 1];
    const parent = parentFrame?.node;
    if (parent) {
      parent.mixed = true;
      parent.text = '';
    }
    const key = name.toLowerCase();
    const colon = key.indexOf(':');
    const local = colon === -1 ? key : key.slice(colon + 1);
    let keep = (parentFrame === undefined || parent !== undefined) && depth <= LIMITS.maxFieldDepth;
    // Items sit at depth 2 or 3; a feed wrapped in another element or two puts them deeper.
    const isItem = keep && depth <= 5 && (local === 'item' || local === 'entry') && !parentFrame?.inItem;
    let budget: Budget;
    if (isItem) {
      budget = { left: LIMITS.maxNodesPerItem };
      if (this.itemsKept >= LIMITS.maxItems) {
        keep = false;
        this.omittedItems += 1;
      } else this.itemsKept += 1;
    } else {
      budget = parentFrame?.budget ?? this.outside;
      if (keep && budget.left <= 0) keep = false;
      else if (keep) budget.left -= 1;
    }

    // Attributes: always scanned (a quoted ">" does not end the tag), kept only for kept elements.
    const attributes: string[] | undefined = keep ? [] : undefined;
    const tagEnd = scanAttributes(source, index, name, attributes, this.report);
    index = tagEnd.index;
    let selfClosing = tagEnd.selfClosing;
    if (!selfClosing && colon === -1 && VOID_ELEMENTS.has(key)) selfClosing = true;

    let node: XmlNode | undefined;
    let scope: Map<string, string> | undefined;
    if (attributes) {
      scope = this.declarations(attributes);
      node = this.node(name, colon, local, parent, attributes, scope, index);
      if (parent) parent.children.push(node);
      else if (parentFrame === undefined) this.roots.push(node);
    }
    if (depth === 1) this.seenRoot = true;
    if (selfClosing) return index;
    this.frames.push({ key, node, scope, budget, inItem: isItem || (parentFrame?.inItem ?? false) });
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
    return index;
  }

  private declarations(attributes: string[]): Map<string, string> | undefined {
    let scope: Map<string, string> | undefined;
    for (let index = 0; index < attributes.length; index += 2) {
      const name = attributes[index]!;
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        scope ??= new Map();
        scope.set(name === 'xmlns' ? '' : name.slice(6), decodeXml(attributes[index + 1]!, this.entities).trim());
      }
    }
    return scope;
  }

  /** The namespace URI a prefix ('' for the default namespace) stands for where the element being opened is. */
  private resolvePrefix(prefix: string, own: Map<string, string> | undefined): string {
    const found = own?.get(prefix);
    if (found !== undefined) return found;
    for (let index = this.frames.length - 1; index >= 0; index--) {
      this.work += 1;
      const uri = this.frames[index]!.scope?.get(prefix);
      if (uri !== undefined) return uri;
    }
    if (prefix === '') return '';
    return UNDECLARED_PREFIXES[prefix.toLowerCase()] ?? `urn:undeclared-prefix:${prefix}`;
  }

  private node(
    name: string,
    colon: number,
    local: string,
    parent: XmlNode | undefined,
    raw: string[],
    scope: Map<string, string> | undefined,
    contentStart: number,
  ): XmlNode {
    const ns = this.resolvePrefix(colon === -1 ? '' : name.slice(0, colon), scope);
    let base = parent ? parent.base : this.baseUrl;
    let lang = parent?.lang;
    const attributes: XmlAttribute[] = [];
    for (let index = 0; index < raw.length; index += 2) {
      const attributeName = raw[index]!;
      if (attributeName === 'xmlns' || attributeName.startsWith('xmlns:')) continue;
      const value = decodeXml(raw[index + 1]!, this.entities);
      const split = attributeName.indexOf(':');
      const attributeLocal = (split === -1 ? attributeName : attributeName.slice(split + 1)).toLowerCase();
      const attributeNs = split === -1 ? '' : this.resolvePrefix(attributeName.slice(0, split), scope);
      if (attributeNs === NS.xml && attributeLocal === 'base') base = resolveUrl(value.trim(), base);
      else if (attributeNs === NS.xml && attributeLocal === 'lang') lang = value.trim() || undefined;
      if (attributes.length < LIMITS.maxAttributes) attributes.push({ ns: attributeNs, local: attributeLocal, value });
    }
    this.keptNodes += 1;
    return new XmlNode(ns, nsKind(ns), local, parent, attributes, contentStart, base, lang);
  }

  private closeTag(lt: number): number {
    const source = this.source;
    const end = source.indexOf('>', lt + 2);
    if (end === -1) {
      this.problem('unterminated end tag');
      return source.length;
    }
    const key = source
      .slice(lt + 2, end)
      .trim()
      .toLowerCase();
    if (!this.open.get(key)) {
      this.problem(`</${key}> closes no open element`);
      return end + 1;
    }
    // The nearest open element of that name closes, and every element opened inside it that was left open.
    // Each frame is popped once, so the search costs no more than the pops over the whole document.
    while (this.frames.length > 0) {
      this.work += 1;
      const top = this.frames[this.frames.length - 1]!;
      if (top.key === key) {
        this.pop(lt);
        break;
      }
      this.problem(`<${top.key}> is not closed before </${key}>`);
      this.pop(lt);
    }
    return end + 1;
  }

  private pop(contentEnd: number): void {
    const frame = this.frames.pop()!;
    // Names no longer open are dropped, so a document of a million distinct names keeps a small map.
    const count = this.open.get(frame.key)! - 1;
    if (count === 0) this.open.delete(frame.key);
    else this.open.set(frame.key, count);
    if (frame.node) frame.node.contentEnd = contentEnd;
  }
}

/** Reads `source` (already decoded text). `baseUrl` is the base for xml:base and relative links. */
export function readXml(source: string, baseUrl?: string): XmlDocument {
  return new Reader(source, baseUrl).read();
}
