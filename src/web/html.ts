/**
 * HTML built by tagged templates: every interpolated value is escaped with the one escaper (src/render/escape.ts)
 * after its control characters are removed, unless it is already Html (made here). Feed text goes through
 * feedText(), which adds dir="auto" so an Urdu title lays out right to left, and isolates it from its line.
 */
import { safeLink } from '../render/common.js';
import { escapeHtml } from '../render/escape.js';
import { cleanControlCharacters } from '../summarizer/html-to-text.js';

/** A piece of markup that is safe to place as it is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = Html | string | number | boolean | undefined | null | readonly Value[];

/** Text for an HTML text node or a double-quoted attribute. */
export function escapeText(text: string): string {
  return escapeHtml(cleanControlCharacters(text));
}

function render(value: Value): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return (value as readonly Value[]).map(render).join('');
  return escapeText(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Markup produced by code that already escaped it (the reply renderer, the SVG chart). */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/**
 * Feed text as an inline element: `<bdi>` isolates it from the sentence around it (an Urdu title inside
 * "Feed: … (3 items)" cannot reorder the English), and dir="auto" picks its direction from its first strong letter.
 */
export function feedText(text: string | undefined, fallback = '(no title)'): Html {
  const shown = text?.trim() ? text : fallback;
  return html`<bdi dir="auto">${shown}</bdi>`;
}

/** A block of feed text (a summary, a title on its own line). */
export function feedBlock(tag: 'p' | 'div' | 'h3' | 'blockquote', text: string, className = ''): Html {
  const cls = className ? ` class="${escapeText(className)}"` : '';
  return trusted(`<${tag} dir="auto"${cls}>${escapeText(text)}</${tag}>`);
}

/** A feed's link when it is one a page may point to (http or https, no credentials); else undefined. */
export function safeHref(url: string | undefined): string | undefined {
  return safeLink(url);
}
