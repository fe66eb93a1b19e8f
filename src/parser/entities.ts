import { DomUtils, parseDocument } from 'htmlparser2';
import { tooComplex } from './errors.js';
import { LIMITS } from './limits.js';

/**
 * Builds a long string from many small pieces with memory near the result's size: pieces are joined every
 * thousand, where an array of millions of one-character strings, or a rope of concatenations, costs tens of bytes
 * per piece.
 */
export class TextBuilder {
  private parts: string[] = [];
  private readonly chunks: string[] = [];

  push(piece: string): void {
    this.parts.push(piece);
    if (this.parts.length >= 1_024) {
      this.chunks.push(this.parts.join(''));
      this.parts = [];
    }
  }

  toString(): string {
    if (this.chunks.length === 0) return this.parts.join('');
    return this.chunks.join('') + this.parts.join('');
  }
}

const XML_ENTITIES = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

// HTML's named entities (&nbsp;, &eacute;, …) are not XML, but feeds use them without declaring them, and the RSS
// 0.91 DTD declares the HTML 4 set. htmlparser2 knows them all; each distinct name is looked up once.
const htmlEntityCache = new Map<string, string | null>();

function htmlEntity(name: string): string | undefined {
  let value = htmlEntityCache.get(name);
  if (value === undefined) {
    const reference = `&${name};`;
    const decoded = DomUtils.textContent(parseDocument(reference, { decodeEntities: true }));
    value = decoded === reference ? null : decoded;
    if (htmlEntityCache.size < 4_096) htmlEntityCache.set(name, value);
  }
  return value ?? undefined;
}

function codePoint(value: number): string {
  if (value === 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return '';
  // Control characters XML forbids (some feeds write &#8; or &#x1b;) are dropped like their literal forms.
  if (value < 0x20 && value !== 0x09 && value !== 0x0a && value !== 0x0d) return '';
  return String.fromCodePoint(value);
}

/**
 * Entities a document declares in its internal DTD subset. A declared value is decoded once, without expanding
 * other declared entities, so a reference costs at most its value's length: nested "billion laughs" declarations
 * expand one level only, and the total is capped.
 */
export class EntityTable {
  private readonly declared = new Map<string, string>();
  private expanded = 0;

  declare(name: string, value: string): void {
    if (this.declared.size >= LIMITS.maxDeclaredEntities || this.declared.has(name) || XML_ENTITIES.has(name)) return;
    this.declared.set(name, decodeXml(value));
  }

  get size(): number {
    return this.declared.size;
  }

  lookup(name: string): string | undefined {
    const value = this.declared.get(name);
    if (value === undefined) return undefined;
    this.expanded += value.length;
    if (this.expanded > LIMITS.maxDeclaredEntityExpansion)
      throw tooComplex(
        `entities declared in its DTD expand to more than ${LIMITS.maxDeclaredEntityExpansion.toLocaleString('en')} characters`,
      );
    return value;
  }
}

function isReferenceChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x23 ||
    code === 0x5f ||
    code === 0x2e ||
    code === 0x3a ||
    code === 0x2d
  );
}

/** Length of the reference `reference` last recognised (a module variable: no tuple per reference). */
let referenceLength = 0;

/** The replacement for the reference at `&` at `index` (its length in referenceLength), or undefined. */
function reference(raw: string, index: number, table: EntityTable | undefined): string | undefined {
  // Looks no further than the longest reference, so a bare "&" costs a bounded amount.
  const limit = Math.min(raw.length, index + 66);
  let end = index + 1;
  while (end < limit && isReferenceChar(raw.charCodeAt(end))) end += 1;
  if (end === limit || raw.charCodeAt(end) !== 0x3b || end === index + 1) return undefined;
  const body = raw.slice(index + 1, end);
  if (body.charCodeAt(0) === 0x23) {
    const hex = body.charCodeAt(1) === 0x78 || body.charCodeAt(1) === 0x58;
    const digits = body.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9a-fA-F]{1,8}$/ : /^\d{1,8}$/).test(digits)) return undefined;
    referenceLength = end - index + 1;
    return codePoint(Number.parseInt(digits, hex ? 16 : 10));
  }
  if (!NAME_START.test(body)) return undefined;
  referenceLength = end - index + 1;
  return XML_ENTITIES.get(body) ?? table?.lookup(body) ?? htmlEntity(body);
}

const NAME_START = /^[A-Za-z_:]/;

/**
 * Decodes character and entity references in XML text or an attribute value: the five XML entities, numeric
 * references, entities declared in the document, then HTML's named entities. Unknown names and a bare `&` stay
 * as written. One pass: each `&` is looked at once.
 */
export function decodeXml(raw: string, table?: EntityTable): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  const parts = new TextBuilder();
  let copied = 0;
  while (amp !== -1) {
    const found = reference(raw, amp, table);
    if (found !== undefined) {
      if (amp > copied) parts.push(raw.slice(copied, amp));
      parts.push(found);
      copied = amp + referenceLength;
    }
    amp = raw.indexOf('&', found !== undefined ? copied : amp + 1);
  }
  if (copied === 0) return raw;
  if (copied < raw.length) parts.push(raw.slice(copied));
  return parts.toString();
}
