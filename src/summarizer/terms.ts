/**
 * Finding the matched terms in a sentence, with the matcher's own normalization and tokenizer (NFKC, case
 * fold, Urdu/Arabic letter variants, digits), so a sentence counts as holding a term exactly when the
 * term's words appear in it in order.
 */
import { tokenize } from '../matcher/index.js';

export type TermWords = readonly string[];

/** Each distinct term (and surface variant) as its list of normalized words; empty terms dropped. */
export function termWords(terms: readonly string[]): TermWords[] {
  const seen = new Set<string>();
  const result: TermWords[] = [];
  for (const term of terms) {
    const words = tokenize(term);
    const key = words.join(' ');
    if (words.length === 0 || seen.has(key)) continue;
    seen.add(key);
    result.push(words);
  }
  return result;
}

function holds(sentenceWords: readonly string[], term: TermWords): boolean {
  outer: for (let start = 0; start + term.length <= sentenceWords.length; start += 1) {
    for (const [offset, word] of term.entries()) if (sentenceWords[start + offset] !== word) continue outer;
    return true;
  }
  return false;
}

/** How many of the terms the sentence holds. */
export function countTermsIn(sentence: string, terms: readonly TermWords[]): number {
  if (terms.length === 0) return 0;
  const words = tokenize(sentence);
  return terms.filter((term) => holds(words, term)).length;
}
