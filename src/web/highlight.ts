/** Marks the matched terms, in every spelling the matcher accepts for them (aliases), inside feed text. */
import { aliasVariants } from '../matcher/index.js';
import { escapeText, trusted, type Html } from './html.js';

function pattern(terms: readonly string[]): RegExp | undefined {
  const spellings = [...new Set(terms.flatMap((t) => [t, ...aliasVariants(t)]).map((s) => s.trim()))]
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'));
  return spellings.length > 0 ? new RegExp(spellings.join('|'), 'giu') : undefined;
}

/** The text escaped, with each occurrence of a term wrapped in <mark>. */
export function highlight(text: string, terms: readonly string[]): Html {
  const re = pattern(terms);
  if (!re) return trusted(escapeText(text));
  let out = '';
  let last = 0;
  for (const match of text.matchAll(re)) {
    out += escapeText(text.slice(last, match.index)) + `<mark>${escapeText(match[0])}</mark>`;
    last = match.index + match[0].length;
  }
  return trusted(out + escapeText(text.slice(last)));
}
