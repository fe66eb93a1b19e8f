/**
 * Feed HTML to clean plain text. htmlparser2's tokenizer and our linear walk (html-walk.ts) read the markup;
 * this file only decides which elements carry text and where paragraphs break.
 */
import { truncateHtml, walkHtml } from './html-walk.js';

/** Elements whose content is never text a reader should see (code, embeds, forms, metadata). */
const DROPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'form',
  'button',
  'select',
  'option',
  'textarea',
  'input',
  'svg',
  'math',
  'canvas',
  'audio',
  'video',
  'picture',
  'map',
  'head',
  'title',
  'meta',
  'link',
  'base',
  'figcaption',
]);

/** Elements that start and end a paragraph. */
const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'aside',
  'nav',
  'blockquote',
  'pre',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'table',
  'tr',
  'figure',
  'hr',
  'address',
  'center',
  'body',
  'html',
]);

/** Void elements never get a close tag, so they must not open a dropped region. */
const VOID = new Set([
  'input',
  'meta',
  'link',
  'base',
  'embed',
  'img',
  'br',
  'hr',
  'source',
  'track',
  'wbr',
  'area',
  'col',
  'param',
]);

// Private-use markers for breaks while the text is assembled; stripped from the input first.
const PARAGRAPH = '\uE000';
const LINE = '\uE001';
const MARKERS = /[\uE000\uE001]/g;

/**
 * Characters removed from feed text: C0/C1 controls (terminal escapes), bidi embeddings/overrides/isolates
 * (feed text must not be able to reorder our message; the renderers add their own isolates), BOM and
 * soft hyphen. ZWNJ/ZWJ stay: Urdu and Persian spelling needs them.
 */
const UNWANTED =
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Looks like markup that survived one decoding pass (a feed that encoded its HTML twice). */
const LEFTOVER_TAG =
  /<\/?(?:p|div|br|span|a|b|i|em|strong|img|ul|ol|li|h[1-6]|script|style|iframe|table|font|blockquote)\b[^<>]*>/i;

export function cleanControlCharacters(text: string): string {
  return text.replace(UNWANTED, '');
}

/** Collapse spaces inside lines and keep at most one blank line between paragraphs. */
function tidy(raw: string): string {
  const paragraphs = raw
    .split(PARAGRAPH)
    .map((paragraph) =>
      paragraph
        .split(LINE)
        .map((line) => line.replace(/\s+/g, ' ').trim())
        .filter((line) => line !== '')
        .join('\n'),
    )
    .filter((paragraph) => paragraph !== '');
  return paragraphs.join('\n\n');
}

function parseHtml(html: string): string {
  // At most one piece per token, so this stays within the size of the input.
  const out: string[] = [];
  let droppedDepth = 0;
  walkHtml(html, {
    open(name) {
      if (DROPPED.has(name) && !VOID.has(name)) droppedDepth += 1;
      if (droppedDepth > 0) return;
      if (name === 'br') out.push(LINE);
      else if (BLOCK.has(name)) out.push(PARAGRAPH);
      else if (name === 'td' || name === 'th') out.push(' ');
    },
    text(text) {
      if (droppedDepth === 0) out.push(text);
    },
    close(name) {
      if (DROPPED.has(name) && !VOID.has(name)) {
        droppedDepth = Math.max(0, droppedDepth - 1);
        return;
      }
      if (droppedDepth === 0 && BLOCK.has(name)) out.push(PARAGRAPH);
    },
  });
  return out.join('');
}

/** Plain text (no tags at all): decode entities, blank lines are paragraph breaks. */
function plainToText(text: string): string {
  const marked = text
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]*\n\s*/g, PARAGRAPH)
    .replace(/\n/g, LINE);
  return parseHtml(marked); // no tags, so the parser only decodes entities
}

const HAS_TAG = /<[a-zA-Z!/?]/;

/**
 * Input past this many UTF-16 units is cut off, and the text ends with "…". Feed descriptions and article
 * bodies are far shorter; the cap bounds the time and memory a hostile item can cost (both are linear).
 */
export const MAX_HTML_CHARS = 2_000_000;
export const TRUNCATED_MARK = '…';

/**
 * Clean plain text from feed HTML: entities decoded; scripts, styles, iframes, forms, images dropped;
 * paragraphs separated by "\n\n", line breaks by "\n"; other whitespace collapsed.
 * Text without any tag is treated as plain text whose blank lines are paragraph breaks. Input longer than
 * MAX_HTML_CHARS is cut there, and the text then ends with TRUNCATED_MARK.
 */
export function htmlToText(html: string): string {
  const truncated = html.length > MAX_HTML_CHARS;
  const input = (truncated ? truncateHtml(html, MAX_HTML_CHARS) : html).replace(MARKERS, '');
  let text = HAS_TAG.test(input) ? parseHtml(input) : plainToText(input);
  // One more pass for feeds that entity-encode their HTML twice (`&lt;p&gt;` arrives as `<p>` after one pass).
  if (LEFTOVER_TAG.test(text)) text = parseHtml(text.split(PARAGRAPH).join('<p>').split(LINE).join('<br>'));
  const clean = tidy(cleanControlCharacters(text.replace(/\u00A0/g, ' ')));
  return truncated && clean !== '' ? `${clean}${TRUNCATED_MARK}` : clean;
}
