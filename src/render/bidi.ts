/**
 * Right-to-left layout for Urdu (and other RTL) text inside Discord and Telegram messages.
 *
 * Why isolates and a mark, not marks alone:
 * - Telegram picks each paragraph's direction from its first strong character; Discord lays messages out
 *   in a left-to-right container. A line of RTL text therefore starts with RLM (U+200F), which makes
 *   first-strong clients choose right-to-left even when the line begins with a Latin name or a number,
 *   and then sits inside RLI … PDI (U+2067 … U+2069), which makes clients with a fixed LTR base still
 *   order the line's runs right to left.
 * - Each left-to-right fragment inside it (a Latin name, a number, a URL) is wrapped in LRI … PDI
 *   (U+2066 … U+2069). An isolate keeps the fragment's own punctuation and spaces with it ("El Salvador's
 *   Bitcoin Office (2025)"), where LRM marks would only fix its two edges and let neutral characters in
 *   between attach to the surrounding Urdu. Isolates are default-ignorable, so a client without isolate
 *   support shows nothing for them and still has the RLM.
 * The feed's own bidi controls were removed when the text was cleaned, so only these are in play.
 */
import type { TextDirection } from '../core/alert.js';

export const RLM = '\u200F';
export const LRI = '\u2066';
export const RLI = '\u2067';
export const FSI = '\u2068';
export const PDI = '\u2069';

const RTL_SCRIPTS = '\\p{Script=Arabic}\\p{Script=Hebrew}\\p{Script=Syriac}\\p{Script=Thaana}\\p{Script=Nko}';
/** A strong left-to-right character: a letter or digit of any script but the right-to-left ones. */
const LTR_CHAR = `(?:(?![${RTL_SCRIPTS}])[\\p{L}\\p{N}])`;
/**
 * An LTR fragment: starts with an LTR letter or digit; keeps going through marks, LTR characters and
 * neutral joiners (spaces, URL and number punctuation) as long as more LTR text follows; may end with a
 * closing bracket, percent sign or slash.
 */
const LTR_FRAGMENT = new RegExp(
  `${LTR_CHAR}(?:[\\p{M}]|${LTR_CHAR}|[\\s\\-.,:;/'’&@_%+#?=~()*$€£]+(?=${LTR_CHAR}))*[)%/]?`,
  'gu',
);
const RTL_CHAR = new RegExp(`[${RTL_SCRIPTS}]`, 'u');

/** Wrap every left-to-right fragment of RTL text in LRI … PDI. */
export function isolateLtrRuns(text: string): string {
  return text.replace(LTR_FRAGMENT, (fragment) => `${LRI}${fragment}${PDI}`);
}

/** Lay out one line of RTL text (see the file comment). */
function rtlLine(line: string): string {
  return line === '' ? line : `${RLM}${RLI}${isolateLtrRuns(line)}${PDI}`;
}

/** Apply the RTL layout to each line of feed text when its direction is right to left; LTR text is unchanged. */
export function withDirection(text: string, dir: TextDirection): string {
  return dir === 'rtl' ? text.split('\n').map(rtlLine).join('\n') : text;
}

/**
 * A piece of feed text placed inside one of Taza's own (left-to-right) lines, such as an Urdu term in
 * "Matched: bitcoin, کرپٹو کونسل": first-strong isolated so it cannot pull the commas around it.
 */
export function isolateInline(text: string): string {
  return RTL_CHAR.test(text) ? `${FSI}${text}${PDI}` : text;
}
