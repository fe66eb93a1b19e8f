/**
 * Text normalization shared by queries and items.
 *
 * normalizeText: NFKC, case folding, Latin (and Greek) diacritics folded, Arabic-Indic and Persian digits
 * to ASCII, Arabic-script letter variants folded to their Urdu forms, invisible characters (tatweel, harakat,
 * ZWJ/ZWNJ, bidi controls, soft hyphen) removed, apostrophe look-alikes made ', whitespace collapsed.
 * Punctuation is kept, so the result stays readable. The tokenizer (words.ts) applies the same character
 * folds (FOLD) while it splits text into words, in one pass.
 */

/** Arabic-script letters folded as Urdu writers and websites mix them, and digits folded to ASCII. */
const ARABIC_FOLD: Record<string, string> = {
  '\u064A': '\u06CC', // ي Arabic yeh -> ی
  '\u0649': '\u06CC', // ى alef maksura -> ی
  '\u0626': '\u06CC', // ئ yeh with hamza -> ی (also what ی + U+0654 becomes once the hamza mark is dropped)
  '\u0643': '\u06A9', // ك Arabic kaf -> ک
  '\u06AA': '\u06A9', // ڪ swash kaf -> ک
  '\u0647': '\u06C1', // ه Arabic heh -> ہ
  '\u06C3': '\u06C1', // ۃ teh marbuta goal -> ہ
  '\u06C2': '\u06C1', // ۂ heh goal with hamza -> ہ
  '\u0629': '\u06C1', // ة teh marbuta -> ہ
  '\u06C0': '\u06C1', // ۀ heh with yeh above -> ہ
  '\u06D5': '\u06C1', // ە ae -> ہ
  '\u0624': '\u0648', // ؤ waw with hamza -> و
  '\u06D3': '\u06CC\u06D2', // ۓ (shorthand for ئے, as in ہوۓ = ہوئے) -> یے
  '\u0623': '\u0627', // أ -> ا
  '\u0625': '\u0627', // إ -> ا
  '\u0671': '\u0627', // ٱ -> ا
};
for (let d = 0; d < 10; d++) {
  ARABIC_FOLD[String.fromCharCode(0x0660 + d)] = String(d);
  ARABIC_FOLD[String.fromCharCode(0x06f0 + d)] = String(d);
}
// Ignored: tatweel, harakat U+064B–U+065F and superscript alef U+0670, ZWNJ/ZWJ, soft hyphen, bidi marks
// and isolates, BOM, Arabic letter mark. (Zero-width space is a word boundary: it becomes a space below.)
const IGNORED: Array<readonly [number, number]> = [
  [0x0640, 0x0640], [0x064b, 0x065f], [0x0670, 0x0670], [0x200c, 0x200d], [0x00ad, 0x00ad], [0x200e, 0x200f],
  [0x202a, 0x202e], [0x2066, 0x2069], [0xfeff, 0xfeff], [0x061c, 0x061c],
];
for (const [from, to] of IGNORED) for (let c = from; c <= to; c++) ARABIC_FOLD[String.fromCharCode(c)] = '';
/** Latin letters without a canonical decomposition, folded by hand; apostrophe look-alikes become '. */
const SPECIAL: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ħ: 'h', ı: 'i', þ: 'th', ð: 'd',
  '\u02BC': "'", '\u2019': "'", '\u2018': "'", '\u0060': "'", '\u2032': "'",
};
/** Every character fold applied after NFKC and lower-casing: '' removes the character. */
export const FOLD: Readonly<Record<string, string>> = { ...ARABIC_FOLD, ...SPECIAL };
const FOLD_RE = new RegExp(`[${Object.keys(FOLD).join('')}]`, 'g');
const foldChar = (c: string): string => FOLD[c] ?? c;
const NEEDS_DECOMPOSE_RE = /[\u00C0-\u024F\u0370-\u03FF\u1E00-\u1FFF]|[\u0300-\u036F]/;
const LATIN_MARKS_RE = /([\p{Script=Latin}\p{Script=Greek}])[\u0300-\u036F]+/gu;
const ASCII_RE = /^[\t\n\r\x20-\x7E]*$/;
const SPACES_RE = /[\s\u200B]+/g;

/** NFKC, lower case, Latin diacritics removed: normalizeText before its character folds (FOLD). */
export function preFold(text: string): string {
  if (ASCII_RE.test(text)) return text.toLowerCase();
  // ´ first: NFKC would turn it into a space and a combining accent.
  const s = (text.includes('\u00B4') ? text.replace(/\u00B4/g, "'") : text).normalize('NFKC').toLowerCase();
  return NEEDS_DECOMPOSE_RE.test(s) ? s.normalize('NFD').replace(LATIN_MARKS_RE, '$1').normalize('NFC') : s;
}

/** The normalization used for both queries and items. */
export function normalizeText(text: string): string {
  return preFold(text).replace(FOLD_RE, foldChar).replace(SPACES_RE, ' ').trim();
}
