/**
 * A linear walk over HTML: htmlparser2's Tokenizer (tokens, entity decoding, raw-text elements) with our own
 * element stack. htmlparser2's Parser keeps its open-element stack with the newest element first, so every
 * start tag is an `unshift` that moves the whole stack, and every end tag an `indexOf` over it: a page of
 * 200,000 nested tags costs 200,000²/2 element moves (14 s of CPU for 1 MB). This stack grows at its end,
 * finds end tags through a per-name count, and never grows past `maxDepth`: deeper elements are flattened.
 *
 * The events follow the Parser's tree rules (void elements, the start tags that close an open `<p>`, `<li>`,
 * `<td>`…, an end tag that closes the elements opened after its match, `</p>` and `</br>` without a start
 * tag), so text comes out as it did. Every `open` gets exactly one `close`, at the latest at the end.
 * Names are compared lower-cased, SVG's camel-cased ones too (the Parser camel-cases them inside <svg> only).
 */
import { Tokenizer } from 'htmlparser2';

export interface HtmlEvents {
  /** A start tag (name lower-cased), after the closes it implies; void elements are closed at once. */
  open?(name: string): void;
  close?(name: string): void;
  /** Text, entities decoded; a text run may arrive in several pieces. */
  text?(text: string): void;
}

export interface WalkStats {
  /** Elements opened, void ones included. */
  elements: number;
  /** The deepest the element stack went (at most `maxDepth`). */
  deepest: number;
  /** Elements opened beyond `maxDepth`, kept off the stack. */
  flattened: number;
}

/** Browsers cap the tree depth too (Blink at 512); real pages stay well under 100. */
export const DEFAULT_MAX_DEPTH = 256;

const VOID = new Set([
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'isindex',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

const FORM_TAGS = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const P_TAG = new Set(['p']);
const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p']);
const TABLE_SECTION_TAGS = new Set(['thead', 'tbody']);
const DD_DT_TAGS = new Set(['dd', 'dt']);
const RT_RP_TAGS = new Set(['rt', 'rp']);

/** Start tags that close the open element on top of the stack while it is one of these (htmlparser2's table). */
const IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['a', new Set(['a'])],
  ['li', new Set(['li'])],
  ['p', P_TAG],
  ['h1', HEADING_TAGS],
  ['h2', HEADING_TAGS],
  ['h3', HEADING_TAGS],
  ['h4', HEADING_TAGS],
  ['h5', HEADING_TAGS],
  ['h6', HEADING_TAGS],
  ['select', FORM_TAGS],
  ['input', FORM_TAGS],
  ['output', FORM_TAGS],
  ['button', FORM_TAGS],
  ['datalist', FORM_TAGS],
  ['textarea', FORM_TAGS],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', DD_DT_TAGS],
  ['dt', DD_DT_TAGS],
  ['address', P_TAG],
  ['article', P_TAG],
  ['aside', P_TAG],
  ['blockquote', P_TAG],
  ['details', P_TAG],
  ['div', P_TAG],
  ['dl', P_TAG],
  ['fieldset', P_TAG],
  ['figcaption', P_TAG],
  ['figure', P_TAG],
  ['footer', P_TAG],
  ['form', P_TAG],
  ['header', P_TAG],
  ['hr', P_TAG],
  ['main', P_TAG],
  ['nav', P_TAG],
  ['ol', P_TAG],
  ['pre', P_TAG],
  ['section', P_TAG],
  ['table', P_TAG],
  ['ul', P_TAG],
  ['rt', RT_RP_TAGS],
  ['rp', RT_RP_TAGS],
  ['tbody', TABLE_SECTION_TAGS],
  ['tfoot', TABLE_SECTION_TAGS],
]);

/** Inside SVG and MathML, `<x/>` closes and `<style>` or `<title>` are not raw text; these lead back to HTML. */
const FOREIGN = new Map([
  ['svg', true],
  ['math', true],
  ['mi', false],
  ['mo', false],
  ['mn', false],
  ['ms', false],
  ['mtext', false],
  ['annotation-xml', false],
  ['foreignobject', false],
  ['desc', false],
  ['title', false],
]);

function increment(counts: Map<string, number>, name: string, by: number): void {
  const next = (counts.get(name) ?? 0) + by;
  if (next === 0) counts.delete(name);
  else counts.set(name, next);
}

/**
 * Walk `html` once, calling `events` in document order. Time is linear in the length of `html`, and the
 * walk holds at most `maxDepth` open elements plus one count per distinct tag name opened beyond that depth.
 * Flattened elements still open and close, but their end tags close only themselves (not the flattened
 * elements opened after them), they imply no closes, and the ones still open when an element below them
 * closes are closed together, in no particular order. So a flattened element never closes before its own
 * end tag or an ancestor's: past the depth, text inside a dropped element stays dropped.
 */
export function walkHtml(html: string, events: HtmlEvents, maxDepth = DEFAULT_MAX_DEPTH): WalkStats {
  const stats: WalkStats = { elements: 0, deepest: 0, flattened: 0 };
  /** Open elements, innermost last, at most `maxDepth`. */
  const stack: string[] = [];
  /** How many elements of each name are on `stack`, so an end tag without a match costs O(1). */
  const onStack = new Map<string, number>();
  /** Elements opened beyond `maxDepth` and not closed yet, by name. */
  const flattened = new Map<string, number>();
  let flattenedOpen = 0;
  /** For each open svg, math or HTML integration point on `stack`: whether its content is foreign. */
  const foreign: boolean[] = [];
  /** The element the tokenizer is inside the start tag of: where it went, for `<x/>` in foreign content. */
  let current: { name: string; place: 'stack' | 'flattened' | 'none' } = { name: '', place: 'none' };

  const pop = (): void => {
    const name = stack.pop();
    if (name === undefined) return;
    increment(onStack, name, -1);
    if (FOREIGN.has(name)) foreign.pop();
    events.close?.(name);
  };
  const closeFlattened = (): void => {
    if (flattenedOpen === 0) return;
    for (const [name, count] of flattened) for (let index = 0; index < count; index += 1) events.close?.(name);
    flattened.clear();
    flattenedOpen = 0;
  };
  const inForeign = (): boolean => foreign[foreign.length - 1] === true;

  const openElement = (name: string): void => {
    // A second <form> inside one is ignored (as the HTML spec and htmlparser2 do).
    if (name === 'form' && (onStack.has('form') || flattened.has('form'))) {
      current = { name, place: 'none' };
      return;
    }
    // Implied closes only apply to the real top of the stack, never across flattened elements.
    const implies = flattenedOpen === 0 ? IMPLIES_CLOSE.get(name) : undefined;
    if (implies) {
      while (stack.length > 0 && implies.has(stack[stack.length - 1] ?? '')) pop();
    }
    stats.elements += 1;
    events.open?.(name);
    if (VOID.has(name)) {
      current = { name, place: 'none' };
      events.close?.(name);
    } else if (stack.length < maxDepth) {
      stack.push(name);
      increment(onStack, name, 1);
      const isForeign = FOREIGN.get(name);
      if (isForeign !== undefined) foreign.push(isForeign);
      if (stack.length > stats.deepest) stats.deepest = stack.length;
      current = { name, place: 'stack' };
    } else {
      increment(flattened, name, 1);
      flattenedOpen += 1;
      stats.flattened += 1;
      current = { name, place: 'flattened' };
    }
  };

  const closeElement = (name: string): void => {
    if (VOID.has(name)) {
      // `</br>` is a line break, as in browsers; other void end tags mean nothing.
      if (name === 'br') {
        events.open?.('br');
        events.close?.('br');
      }
      return;
    }
    if (flattened.has(name)) {
      increment(flattened, name, -1);
      flattenedOpen -= 1;
      events.close?.(name);
    } else if (onStack.has(name)) {
      closeFlattened();
      while (stack.length > 0 && stack[stack.length - 1] !== name) pop();
      pop();
    } else if (name === 'p') {
      // `</p>` without a `<p>` is an empty paragraph.
      events.open?.('p');
      events.close?.('p');
    }
  };

  const slice = (start: number, end: number): string => html.slice(start, end);
  const nameAt = (start: number, end: number): string => {
    const name = slice(start, end).toLowerCase();
    return name === 'image' && !inForeign() ? 'img' : name;
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname: (start, end) => openElement(nameAt(start, end)),
      onclosetag: (start, end) => closeElement(nameAt(start, end)),
      onselfclosingtag: () => {
        // Only foreign content knows self-closing tags; in HTML `<div/>` opens a div.
        if (!inForeign()) return;
        if (current.place === 'stack' && stack[stack.length - 1] === current.name) pop();
        else if (current.place === 'flattened' && flattened.has(current.name)) closeElement(current.name);
        current = { name: '', place: 'none' };
      },
      ontext: (start, end) => events.text?.(slice(start, end)),
      ontextentity: (codepoint) => events.text?.(String.fromCodePoint(codepoint)),
      isInForeignContext: inForeign,
      onopentagend: () => undefined,
      onattribdata: () => undefined,
      onattribentity: () => undefined,
      onattribend: () => undefined,
      onattribname: () => undefined,
      // CDATA is text in SVG and MathML, a comment in HTML.
      oncdata: (start, end, offset) => {
        if (inForeign()) events.text?.(slice(start, end - offset));
      },
      oncomment: () => undefined,
      ondeclaration: () => undefined,
      onprocessinginstruction: () => undefined,
      onend: () => undefined,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  closeFlattened();
  while (stack.length > 0) pop();
  return stats;
}

/**
 * The first `max` characters of `html`, less a tag the cut would split (the tokenizer ignores an unfinished
 * tag, but would show `<` or `</` as text) and less half a surrogate pair.
 */
export function truncateHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  const head = html.slice(0, max);
  // Only the last few characters: a `<` further back is text, or a tag the tokenizer ignores anyway.
  const tagStart = head.lastIndexOf('<');
  if (tagStart >= max - 256 && tagStart > head.lastIndexOf('>')) return head.slice(0, tagStart);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}
