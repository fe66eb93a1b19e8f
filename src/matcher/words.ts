/**
 * The tokenizer: text to normalized words, in one pass over the text after preFold (NFKC, lower case,
 * Latin diacritics), applying the character folds of normalizeText as it goes. A word is a run of letters,
 * marks and digits of any script; everything else is a boundary, Urdu punctuation and quotation marks
 * included. Ignored characters (ZWNJ, harakat, tatweel…) vanish inside a word without splitting it. A
 * possessive 's is dropped (bitcoin's -> bitcoin). Chinese and Japanese characters are a word each.
 * tokenize(text) equals tokenizeNormalized(normalizeText(text)).
 */
import { FOLD, preFold } from './normalize.js';

const UNKNOWN = 0;
const BOUNDARY = 1;
const WORD = 2;
/** Chinese and Japanese characters: a word each (those scripts do not separate words with spaces). */
const SINGLE = 3;
/** Removed by the folds: part of the word it is in, contributing nothing. */
const IGNORE = 4;
/** A word character replaced by the folds (ي -> ی, ß -> ss, ٣ -> 3). */
const MAPPED = 5;
/** ' and its look-alikes: a boundary, and what makes a following "s" a possessive. */
const APOSTROPHE = 6;

const CLASS = new Uint8Array(0x10000);
const REPLACEMENT: string[] = [];
const WORD_CHAR_RE = /^[\p{L}\p{M}\p{N}]$/u;
const CJK_RE = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const classify = (ch: string): number => (CJK_RE.test(ch) ? SINGLE : WORD_CHAR_RE.test(ch) ? WORD : BOUNDARY);
for (let c = 0; c < 128; c++) CLASS[c] = classify(String.fromCharCode(c));
CLASS[39] = APOSTROPHE;
for (const [ch, to] of Object.entries(FOLD)) {
  const c = ch.charCodeAt(0);
  CLASS[c] = to === '' ? IGNORE : to === "'" ? APOSTROPHE : MAPPED;
  REPLACEMENT[c] = to;
}

// What came before the current character, for possessives.
const AFTER_OTHER = 0;
const AFTER_WORD = 1;
const AFTER_WORD_APOSTROPHE = 2;

function push(tokens: string[], word: string, possessive: boolean): void {
  if (!(possessive && word === 's')) tokens.push(word);
}

function words(s: string): string[] {
  const tokens: string[] = [];
  const n = s.length;
  let start = -1; // start of the current word, -1 when between words
  let clean = -1; // start of the part of the current word not yet copied into built, when built is used
  let built = ''; // the current word so far, when it has folded characters
  let possessive = false; // the current word follows word + apostrophe
  let before = AFTER_OTHER;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let k = CLASS[c]!;
    if (k === WORD) {
      if (start < 0) {
        start = i;
        possessive = before === AFTER_WORD_APOSTROPHE;
      }
      before = AFTER_WORD;
      continue;
    }
    let width = 1;
    if (k === UNKNOWN) {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const cp = s.codePointAt(i)!;
        k = cp > 0xffff ? classify(String.fromCodePoint(cp)) : BOUNDARY;
        width = cp > 0xffff ? 2 : 1;
      } else {
        k = CLASS[c] = classify(String.fromCharCode(c));
      }
    }
    if (k === WORD || k === MAPPED) {
      if (start < 0) {
        start = i;
        possessive = before === AFTER_WORD_APOSTROPHE;
      }
      if (k === MAPPED) {
        built = (clean < 0 ? s.slice(start, i) : built + s.slice(clean, i)) + REPLACEMENT[c]!;
        clean = i + 1;
      }
      before = AFTER_WORD;
    } else if (k === IGNORE) {
      if (start >= 0) {
        built = clean < 0 ? s.slice(start, i) : built + s.slice(clean, i);
        clean = i + 1;
      }
    } else {
      if (start >= 0) {
        push(tokens, clean < 0 ? s.slice(start, i) : built + s.slice(clean, i), possessive);
        start = clean = -1;
      }
      if (k === SINGLE) tokens.push(s.slice(i, i + width));
      before = k === APOSTROPHE && before === AFTER_WORD ? AFTER_WORD_APOSTROPHE : AFTER_OTHER;
    }
    i += width - 1;
  }
  if (start >= 0) push(tokens, clean < 0 ? s.slice(start) : built + s.slice(clean), possessive);
  return tokens;
}

/** Words of text already normalized by normalizeText. */
export function tokenizeNormalized(normalized: string): string[] {
  return words(normalized);
}

/** The words of a text, normalized: what both queries and items are matched as. */
export function tokenize(text: string): string[] {
  return words(preFold(text));
}

/** True when the word has a letter of the Arabic script (Urdu, Arabic, Persian…): its spacing varies. */
export function isArabicScript(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if ((c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f) || (c >= 0x08a0 && c <= 0x08ff)) return true;
  }
  return false;
}

/** True when the word ends in an ASCII letter: English plural forms apply to it. */
export function takesPlural(word: string): boolean {
  const c = word.charCodeAt(word.length - 1);
  return c >= 97 && c <= 122;
}

/**
 * Does token t match the query word w, allowing English plural forms: t is w with s or es added, or w ending in y
 * with ies for the y (bitcoins -> bitcoin, taxes -> tax, policies -> policy).
 */
export function isPluralOf(token: string, word: string): boolean {
  const n = token.length;
  const w = word.length;
  if (n === w + 1) return token.charCodeAt(n - 1) === 115 /* s */ && token.startsWith(word);
  if (n !== w + 2 || !token.endsWith('es')) return false;
  if (token.startsWith(word)) return true; // tax -> taxes
  return word.endsWith('y') && token.endsWith('ies') && token.startsWith(word.slice(0, -1)); // policy -> policies
}
