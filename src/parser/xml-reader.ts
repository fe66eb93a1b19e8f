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
import { NS, nsKind, type NsKind, UNDECLARED_PREFIXES } from './namespaces.js';

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

const enum Char {
  Tab = 0x09,
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Bang = 0x21,
  DoubleQuote = 0x22,
  SingleQuote = 0x27,
  Slash = 0x2f,
  Lt = 0x3c,
  Equals = 0x3d,
  Gt = 0x3e,
  Question = 0x3f,
  OpenBracket = 0x5b,
  CloseBracket = 0x5d,
}

function isSpace(code: number): boolean {
  return code === Char.Space || code === Char.LineFeed || code === Char.Tab || code === Char.CarriageReturn;
}

/** A tag name may start with a letter, `_`, `:` or any non-ASCII character. */
function isNameStart(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x3a || code >= 0x80
  );
}

function resolveUrl(href: string, base: string | undefined): string | undefined {
  try {
    return new URL(href, base).href;
  } catch {
    return base;
  }
}

/** `<!ENTITY name "value">` declarations of an internal DTD subset (parameter and external entities are ignored). */
const ENTITY_DECLARATION = /<!ENTITY\s+([^\s%"'>]+)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;

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

  /**
   * `<!DOCTYPE …>` with its internal subset, or another declaration: scanned to its closing `>`, skipping quoted
   * strings, comments and the bracketed subset, whose entity declarations are kept.
   */
  private declaration(lt: number): number {
    const source = this.source;
    const length = source.length;
    let index = lt + 2;
    let subsetStart = -1;
    while (index < length) {
      const code = source.charCodeAt(index);
      if (code === Char.DoubleQuote || code === Char.SingleQuote) {
        const end = source.indexOf(code === Char.DoubleQuote ? '"' : "'", index + 1);
        if (end === -1) break;
        index = end + 1;
      } else if (subsetStart !== -1 && code === Char.Lt && source.startsWith('<!--', index)) {
        const end = source.indexOf('-->', index + 4);
        if (end === -1) break;
        index = end + 3;
      } else if (code === Char.OpenBracket && subsetStart === -1) {
        subsetStart = index + 1;
        index += 1;
      } else if (code === Char.CloseBracket && subsetStart !== -1) {
        if (!this.seenRoot) this.declareEntities(source.slice(subsetStart, index));
        subsetStart = -2;
        index += 1;
      } else if (code === Char.Gt && subsetStart < 0) {
        return index + 1;
      } else index += 1;
    }
    this.problem('unterminated declaration');
    return length;
  }

  private declareEntities(subset: string): void {
    for (const match of subset.matchAll(ENTITY_DECLARATION)) {
      this.entities.declare(match[1]!, match[2] ?? match[3] ?? '');
    }
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
    let selfClosing = false;
    while (true) {
      while (index < length && isSpace(source.charCodeAt(index))) index += 1;
      if (index >= length) {
        this.problem(`unterminated start tag <${name}>`);
        break;
      }
      const code = source.charCodeAt(index);
      if (code === Char.Gt) {
        index += 1;
        break;
      }
      if (code === Char.Slash) {
        index += 1;
        if (source.charCodeAt(index) === Char.Gt) {
          selfClosing = true;
          index += 1;
          break;
        }
        continue;
      }
      if (code === Char.Lt) {
        this.problem(`unterminated start tag <${name}>`);
        break;
      }
      const nameStart = index;
      while (index < length) {
        const c = source.charCodeAt(index);
        if (isSpace(c) || c === Char.Equals || c === Char.Gt || c === Char.Slash || c === Char.Lt) break;
        index += 1;
      }
      const attributeName = source.slice(nameStart, index);
      while (index < length && isSpace(source.charCodeAt(index))) index += 1;
      let value = '';
      if (source.charCodeAt(index) === Char.Equals) {
        index += 1;
        while (index < length && isSpace(source.charCodeAt(index))) index += 1;
        const quote = source.charCodeAt(index);
        if (quote === Char.DoubleQuote || quote === Char.SingleQuote) {
          const end = source.indexOf(quote === Char.DoubleQuote ? '"' : "'", index + 1);
          if (end === -1) {
            this.problem(`unterminated attribute value in <${name}>`);
            index = length;
            break;
          }
          value = source.slice(index + 1, end);
          index = end + 1;
        } else {
          const valueStart = index;
          while (index < length) {
            const c = source.charCodeAt(index);
            if (isSpace(c) || c === Char.Gt || c === Char.Lt) break;
            index += 1;
          }
          value = source.slice(valueStart, index);
        }
      }
      // Namespace declarations come on top of the kept attributes; the rest of a long list is read past.
      if (attributes && attributes.length < (LIMITS.maxAttributes + 32) * 2) attributes.push(attributeName, value);
    }
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
