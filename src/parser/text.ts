import { escapeHtml } from '../render/escape.js';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { TextBuilder } from './entities.js';
import { LIMITS } from './limits.js';

/**
 * HTML helpers on htmlparser2's tokenizer alone: no DOM and no element stack, so their cost is linear in the
 * length of the HTML however deeply it nests (a DOM, or a parser keeping a stack, is quadratic or recursive there).
 */

const BLOCK_TAGS = new Set([
  'p',
  'br',
  'div',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'tr',
  'td',
  'th',
  'table',
  'section',
  'article',
  'hr',
  'dd',
  'dt',
  'pre',
  'header',
  'footer',
  'figure',
  'figcaption',
]);

const IGNORE = (): void => {};

/** Callbacks for the tokenizer with nothing to do; each helper overrides the events it needs. */
function callbacks(overrides: Partial<TokenizerCallbacks>): TokenizerCallbacks {
  return {
    onattribdata: IGNORE,
    onattribentity: IGNORE,
    onattribend: IGNORE,
    onattribname: IGNORE,
    oncdata: IGNORE,
    onclosetag: IGNORE,
    oncomment: IGNORE,
    ondeclaration: IGNORE,
    onend: IGNORE,
    onopentagend: IGNORE,
    onopentagname: IGNORE,
    onprocessinginstruction: IGNORE,
    onselfclosingtag: IGNORE,
    ontext: IGNORE,
    ontextentity: IGNORE,
    ...overrides,
  };
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** HTML or text to one line of plain text: tags removed, entities decoded, whitespace collapsed. */
export function plainText(value: unknown): string {
  const raw = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  if (!/[<&]/.test(raw)) return collapse(raw);
  const parts = new TextBuilder();
  // Inside <script> or <style>, whose content is never text a reader sees.
  let hidden: string | undefined;
  const tagName = (start: number, end: number) => raw.slice(start, end).toLowerCase();
  const tokenizer = new Tokenizer(
    { xmlMode: false, decodeEntities: true },
    callbacks({
      ontext(start, end) {
        if (!hidden) parts.push(raw.slice(start, end));
      },
      ontextentity(codePoint) {
        if (!hidden) parts.push(String.fromCodePoint(codePoint));
      },
      onopentagname(start, end) {
        const name = tagName(start, end);
        // Block boundaries become spaces so "<p>a</p><p>b</p>" reads "a b".
        if (BLOCK_TAGS.has(name)) parts.push(' ');
        else if (name === 'script' || name === 'style') hidden = name;
      },
      onclosetag(start, end) {
        const name = tagName(start, end);
        if (BLOCK_TAGS.has(name)) parts.push(' ');
        else if (name === hidden) hidden = undefined;
      },
    }),
  );
  tokenizer.write(raw);
  tokenizer.end();
  return collapse(parts.toString());
}

/** A non-empty trimmed plain text, or undefined. */
export function optionalText(value: unknown): string | undefined {
  const text = plainText(value);
  return text === '' ? undefined : text;
}

const INVISIBLE = /\s|\u200b|\u200c|\u200d|\u2060|\ufeff/;
const BLANK_ENTITY = /^&(?:nbsp|ensp|emsp|thinsp|zwsp|zwnj|zwj|#160|#x0*a0|#8203|#x0*200b);/i;

/**
 * True when the HTML shows some text: tags, comments and whitespace (including &nbsp;) alone do not count. Stops
 * at the first visible character, so it is cheap on real content.
 */
export function hasVisibleText(html: string): boolean {
  const length = html.length;
  let index = 0;
  while (index < length) {
    const code = html.charCodeAt(index);
    if (code === 0x3c) {
      const next = html.charCodeAt(index + 1);
      const isLetter = (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7a;
      if (html.startsWith('<!--', index)) {
        const end = html.indexOf('-->', index + 4);
        if (end === -1) return false;
        index = end + 3;
        continue;
      }
      if (isLetter || next === 0x2f || next === 0x21 || next === 0x3f) {
        const end = html.indexOf('>', index + 1);
        if (end === -1) return false;
        index = end + 1;
        continue;
      }
      return true;
    }
    if (code === 0x26) {
      const entity = BLANK_ENTITY.exec(html.slice(index, index + 12));
      if (!entity) return true;
      index += entity[0].length;
      continue;
    }
    if (!INVISIBLE.test(html[index]!)) return true;
    index += 1;
  }
  return false;
}

const VOID_HTML = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
/** Elements that an opening of the same name closes (HTML's most common omitted end tags). */
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'option', 'tr', 'td', 'th']);

/**
 * True when the HTML nests elements deeper than `limit`, as an HTML parser would build them (void elements and
 * the usual omitted end tags allowed for; stray end tags ignored). Later stages parse item HTML with a stack, so
 * pathological nesting is taken out here, once.
 */
export function nestsDeeperThan(html: string, limit: number): boolean {
  // Fewer tags than the limit cannot nest deeper than it.
  let tags = 0;
  for (let index = html.indexOf('<'); index !== -1 && tags <= limit; index = html.indexOf('<', index + 1)) tags += 1;
  if (tags <= limit) return false;

  const stack: string[] = [];
  const open = new Map<string, number>();
  let exceeded = false;
  const push = (name: string) => {
    stack.push(name);
    open.set(name, (open.get(name) ?? 0) + 1);
    if (stack.length > limit) {
      exceeded = true;
      tokenizer.pause();
    }
  };
  const pop = () => {
    const name = stack.pop()!;
    open.set(name, open.get(name)! - 1);
  };
  let pending: string | undefined;
  const opened = () => {
    const name = pending;
    pending = undefined;
    if (name === undefined || VOID_HTML.has(name)) return;
    if (SELF_CLOSING_SIBLINGS.has(name) && stack[stack.length - 1] === name) pop();
    push(name);
  };
  const tokenizer = new Tokenizer(
    { xmlMode: false, decodeEntities: false },
    callbacks({
      onopentagname(start, end) {
        pending = html.slice(start, end).toLowerCase();
      },
      // HTML ignores "/>" on elements that are not void: <div/> opens a div like <div> does.
      onopentagend: opened,
      onselfclosingtag: opened,
      onclosetag(start, end) {
        const name = html.slice(start, end).toLowerCase();
        // Each element is popped once, so closing down to a match costs no more than the pushes did.
        if (!open.get(name)) return;
        while (stack.length > 0 && stack[stack.length - 1] !== name) pop();
        pop();
      },
    }),
  );
  tokenizer.write(html);
  if (!exceeded) tokenizer.end();
  return exceeded;
}

/** Item HTML as later stages receive it: HTML nested past LIMITS.maxHtmlDepth becomes its plain text. */
export function boundedHtml(html: string): string {
  return nestsDeeperThan(html, LIMITS.maxHtmlDepth) ? escapeHtml(plainText(html)) : html;
}
