/**
 * The unit of matching: a pattern of segments that must match consecutive words of one field.
 *
 * A word segment matches one word: exactly, with English plural forms (flex), or as a prefix.
 * A joined segment holds consecutive Arabic-script words with their spaces removed; it matches one or more
 * consecutive words whose concatenation is exactly that text (or, for a prefix, starts with it). So
 * `بٹ کوائن`, `بٹکوائن` and `بٹ‌کوائن` all match each other, while the match still starts and ends on
 * word boundaries (`بٹن کوائن` does not match).
 */
import { isArabicScript, isPluralOf, takesPlural } from './words.js';

export const WORD = 0;
const JOINED = 1;

export interface Segment {
  kind: typeof WORD | typeof JOINED;
  /** The normalized word, or for JOINED the normalized words with no space between them. */
  text: string;
  /** English plural forms also match (unquoted words ending in a Latin letter). */
  flex: boolean;
  prefix: boolean;
}

/** One word of a query phrase after normalization. */
export interface QueryWord {
  token: string;
  prefix: boolean;
}

export const FIELD_TITLE = 1;
export const FIELD_TEXT = 2;
export const FIELD_LINK = 4;
export const FIELD_AUTHOR = 8;
export const FIELD_CATEGORY = 16;
export const DEFAULT_FIELDS = FIELD_TITLE | FIELD_TEXT;
export const ALL_FIELDS = FIELD_TITLE | FIELD_TEXT | FIELD_LINK | FIELD_AUTHOR | FIELD_CATEGORY;
export const FIELD_NAMES: ReadonlyArray<readonly [number, string]> = [
  [FIELD_TITLE, 'title'],
  [FIELD_TEXT, 'text'],
  [FIELD_LINK, 'link'],
  [FIELD_AUTHOR, 'author'],
  [FIELD_CATEGORY, 'category'],
];

const FIELD_LISTS: string[] = [];
for (let mask = 0; mask < 32; mask++) {
  const names = FIELD_NAMES.filter(([bit]) => mask & bit).map(([, name]) => name);
  FIELD_LISTS.push(
    names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`,
  );
}

/** 'title', 'title and text', 'title, text and link'. */
export function fieldList(mask: number): string {
  return FIELD_LISTS[mask & 31]!;
}

/** Build the segments of a phrase; `exact` (a quoted phrase) turns plural forms off. */
export function segmentsOf(words: readonly QueryWord[], exact: boolean): Segment[] {
  const segs: Segment[] = [];
  let joined = '';
  const flush = (prefix: boolean): void => {
    if (joined) segs.push({ kind: JOINED, text: joined, flex: false, prefix });
    joined = '';
  };
  for (const { token, prefix } of words) {
    if (isArabicScript(token)) {
      joined += token;
      if (prefix) flush(true);
    } else {
      flush(false);
      segs.push({ kind: WORD, text: token, flex: !exact && !prefix && takesPlural(token), prefix });
    }
  }
  flush(false);
  return segs;
}

/** A canonical key: two patterns with the same key match exactly the same texts. */
export function segmentsKey(segs: readonly Segment[]): string {
  let key = '';
  for (const s of segs)
    key += `${key ? ' ' : ''}${s.kind === WORD ? 'w' : 'j'}${s.prefix ? '*' : ''}${s.flex ? '~' : ''}${s.text}`;
  return key;
}

/** Does the pattern match the words of `tokens` starting at position p? */
export function matchSegmentsAt(segs: readonly Segment[], tokens: readonly string[], p: number): boolean {
  let i = p;
  const n = tokens.length;
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k]!;
    if (i >= n) return false;
    if (seg.kind === WORD) {
      const t = tokens[i]!;
      if (seg.prefix) {
        if (!t.startsWith(seg.text)) return false;
      } else if (t !== seg.text && !(seg.flex && isPluralOf(t, seg.text))) {
        return false;
      }
      i++;
      continue;
    }
    // JOINED: consume whole words while they spell out the segment's text.
    const key = seg.text;
    let o = 0;
    for (;;) {
      if (i >= n) return false;
      const t = tokens[i]!;
      const rest = key.length - o;
      if (t.length >= rest) {
        if (seg.prefix ? !t.startsWith(o === 0 ? key : key.slice(o)) : t.length !== rest || !key.startsWith(t, o))
          return false;
        i++;
        break;
      }
      if (!key.startsWith(t, o)) return false;
      o += t.length;
      i++;
    }
  }
  return true;
}

/** Does the pattern match anywhere in `tokens`? */
export function matchSegments(segs: readonly Segment[], tokens: readonly string[]): boolean {
  for (let p = 0; p < tokens.length; p++) if (matchSegmentsAt(segs, tokens, p)) return true;
  return false;
}
