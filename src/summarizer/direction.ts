/** Which language and writing direction an item is in: the feed's declared language, checked against the text's script. */
import type { TextDirection } from '../core/alert.js';

/** Languages written right to left (primary subtags). */
const RTL_LANGUAGES = new Set([
  'ar',
  'arc',
  'ckb',
  'dv',
  'fa',
  'he',
  'iw',
  'ks',
  'ku-arab',
  'ps',
  'sd',
  'ug',
  'ur',
  'yi',
  'syr',
  'nqo',
]);

/** Letters that only Urdu (among Arabic-script languages in news feeds) uses: ٹ ڈ ڑ ں ے ھ ہ. */
const URDU_LETTERS = /[\u0679\u0688\u0691\u06BA\u06D2\u06BE\u06C1]/gu;
/** Letters Persian shares with Urdu but Arabic lacks: پ چ ژ گ ک ی. */
const PERSIAN_LETTERS = /[\u067E\u0686\u0698\u06AF\u06A9\u06CC]/gu;

const ARABIC_SCRIPT = /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/gu;
const HEBREW_SCRIPT = /\p{Script=Hebrew}/gu;
const ANY_LETTER = /\p{L}/gu;

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

function primaryTag(language: string): string | undefined {
  const tag = language.trim().toLowerCase().replace(/_/g, '-');
  if (!/^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/.test(tag)) return undefined;
  if (tag.startsWith('ku-arab')) return 'ku-arab';
  return tag.split('-')[0];
}

/** The text's right-to-left language when most of its letters are Arabic or Hebrew script, else undefined. */
function rtlLanguageOfText(text: string): string | undefined {
  const sample = text.slice(0, 4000);
  const letters = count(sample, ANY_LETTER);
  if (letters === 0) return undefined;
  const arabic = count(sample, ARABIC_SCRIPT);
  const hebrew = count(sample, HEBREW_SCRIPT);
  if (hebrew * 2 > letters) return 'he';
  if (arabic * 2 <= letters) return undefined;
  if (count(sample, URDU_LETTERS) > 0) return 'ur';
  if (count(sample, PERSIAN_LETTERS) > 0) return 'fa';
  return 'ar';
}

/**
 * The item's language tag and direction. The feed's `language` wins when its script agrees with the text;
 * when it does not (many Urdu WordPress sites still declare the default `en-US`), the text decides, because
 * rendering Urdu as left-to-right is the worse mistake. Text with no letters follows the declared language.
 */
export function detectDirection(text: string, language?: string): { lang?: string; dir: TextDirection } {
  const declared = language ? primaryTag(language) : undefined;
  const fromText = rtlLanguageOfText(text);
  const hasLetters = count(text.slice(0, 4000), ANY_LETTER) > 0;
  if (declared && RTL_LANGUAGES.has(declared)) {
    // Declared RTL but the text is plainly in a left-to-right script: keep the tag, follow the text's direction.
    if (hasLetters && !fromText) return { lang: declared, dir: 'ltr' };
    return { lang: declared === 'ku-arab' ? 'ckb' : declared, dir: 'rtl' };
  }
  if (fromText) return { lang: fromText, dir: 'rtl' };
  return declared ? { lang: declared, dir: 'ltr' } : { dir: 'ltr' };
}
