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
  [0x0640, 0x0640],
  [0x064b, 0x065f],
  [0x0670, 0x0670],
  [0x200c, 0x200d],
  [0x00ad, 0x00ad],
  [0x200e, 0x200f],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
  [0xfeff, 0xfeff],
  [0x061c, 0x061c],
];
for (const [from, to] of IGNORED) for (let c = from; c <= to; c++) ARABIC_FOLD[String.fromCharCode(c)] = '';
/** Latin letters without a canonical decomposition, folded by hand; apostrophe look-alikes become '. */
const SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ħ: 'h',
  ı: 'i',
  þ: 'th',
  ð: 'd',
  '\u02BC': "'",
  '\u2019': "'",
  '\u2018': "'",
  '\u0060': "'",
  '\u2032': "'",
};
const LATIN_MARKS_RE = /([\p{Script=Latin}\p{Script=Greek}])(\p{M}+)/gu;
/** Latin (and Greek) diacritics removed: decompose, drop U+0300–U+036F from the marks on those letters, recompose. */
const stripMarks = (s: string): string =>
  s
    .normalize('NFD')
    .replace(LATIN_MARKS_RE, (_, letter: string, marks: string) => letter + marks.replace(/[\u0300-\u036F]/g, ''))
    .normalize('NFC');
const BASE_FOLD: Record<string, string> = { ...ARABIC_FOLD, ...SPECIAL };
const BASE_FOLD_RE = new RegExp(`[${Object.keys(BASE_FOLD).join('')}]`, 'g');
/** Precomposed accented letters, folded like stripMarks would (é -> e, ǿ -> o), so most text skips it. */
const ACCENTED: Record<string, string> = {};
for (const [from, to] of [
  [0x00c0, 0x024f],
  [0x0370, 0x03ff],
  [0x1e00, 0x1fff],
] as const) {
  for (let c = from; c <= to; c++) {
    const ch = String.fromCharCode(c);
    const folded = stripMarks(ch).replace(BASE_FOLD_RE, (x) => BASE_FOLD[x] ?? x);
    if (folded !== ch && folded !== (BASE_FOLD[ch] ?? ch)) ACCENTED[ch] = folded;
  }
}
/** Every character fold applied after NFKC and lower-casing: '' removes the character. */
export const FOLD: Readonly<Record<string, string>> = { ...ACCENTED, ...BASE_FOLD };
const FOLD_RE = new RegExp(`[${Object.keys(FOLD).join('')}]`, 'g');
const foldChar = (c: string): string => FOLD[c] ?? c;
const MARKS_RE = /[\u0300-\u036F]/;
/**
 * Text made only of these characters is its own NFKC (no decompositions, nothing that composes with a
 * neighbour): ASCII, Latin-1 letters and signs, basic Cyrillic, Arabic and Urdu letters, digits and
 * punctuation (not the harakat), common quotes and dashes, ZWNJ/ZWJ and direction marks, kana, CJK
 * ideographs. Most feed text is, and skips normalize('NFKC').
 */
const NFKC_STABLE_RE =
  /^[\t\n\r\x20-\x7E\u00A1-\u00A7\u00A9\u00AB-\u00AE\u00B0\u00B1\u00B6\u00B7\u00BB\u00BF-\u00FF\u0400-\u045F\u060C\u061B\u061F\u0621-\u063A\u0640-\u064A\u0660-\u066D\u0679-\u06D4\u06F0-\u06F9\u200C-\u200F\u2013\u2014\u2018\u2019\u201C\u201D\u2022\u3001\u3002\u3041-\u3096\u30A1-\u30FA\u30FC\u4E00-\u9FFF]*$/;
const SPACES_RE = /[\s\u200B]+/g;
/**
 * Per UTF-16 code unit, 1 when outside NFKC_STABLE_RE: preFold reads a text's flags in one loop over it
 * instead of testing the pattern (the check runs on every field of every item).
 */
const NOT_STABLE = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) NOT_STABLE[c] = NFKC_STABLE_RE.test(String.fromCharCode(c)) ? 0 : 1;

/** NFKC, lower case, diacritics that survive NFKC as marks removed: normalizeText before FOLD. */
export function preFold(text: string): string {
  let unstable = 0;
  for (let i = 0; i < text.length; i++) unstable |= NOT_STABLE[text.charCodeAt(i)]!;
  // Lower-casing characters of NFKC_STABLE never yields a combining mark (a test checks every one).
  if (unstable === 0) return text.toLowerCase();
  // ´ first: NFKC would turn it into a space and a combining accent.
  const s = (text.includes('\u00B4') ? text.replace(/\u00B4/g, "'") : text).normalize('NFKC').toLowerCase();
  return MARKS_RE.test(s) ? stripMarks(s) : s;
}

/** The normalization used for both queries and items. */
export function normalizeText(text: string): string {
  return preFold(text).replace(FOLD_RE, foldChar).replace(SPACES_RE, ' ').trim();
}

/** For tests: the characters preFold trusts to be their own NFKC. */
export const NFKC_STABLE = NFKC_STABLE_RE;
