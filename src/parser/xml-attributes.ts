import { LIMITS } from './limits.js';
import { Char, isSpace } from './xml-chars.js';

export interface TagEnd {
  /** Index just past the start tag. */
  index: number;
  /** The tag ended in `/>`. */
  selfClosing: boolean;
}

/**
 * Scans a start tag's attributes, from just past its name to its end. Quoted values are skipped whole (a quoted
 * ">" does not end the tag), unquoted ones end at white space; a tag cut short by the end of the text or by
 * another "<" ends there. Names and raw values are pushed onto `attributes` in pairs when it is given (a kept
 * element), up to a bound.
 */
export function scanAttributes(
  source: string,
  from: number,
  name: string,
  attributes: string[] | undefined,
  problem: (message: string) => void,
): TagEnd {
  const length = source.length;
  let index = from;
  let selfClosing = false;
  while (true) {
    while (index < length && isSpace(source.charCodeAt(index))) index += 1;
    if (index >= length) {
      problem(`unterminated start tag <${name}>`);
      break;
    }
    const code = source.charCodeAt(index);
    if (code === Char.Gt) {
      index += 1;
      break;
    }
    if (code === Char.Slash) {
      index += 1;
      if (source.charCodeAt(index) === Char.Gt) {
        selfClosing = true;
        index += 1;
        break;
      }
      continue;
    }
    if (code === Char.Lt) {
      problem(`unterminated start tag <${name}>`);
      break;
    }
    const nameStart = index;
    while (index < length) {
      const c = source.charCodeAt(index);
      if (isSpace(c) || c === Char.Equals || c === Char.Gt || c === Char.Slash || c === Char.Lt) break;
      index += 1;
    }
    const attributeName = source.slice(nameStart, index);
    while (index < length && isSpace(source.charCodeAt(index))) index += 1;
    let value = '';
    if (source.charCodeAt(index) === Char.Equals) {
      index += 1;
      while (index < length && isSpace(source.charCodeAt(index))) index += 1;
      const quote = source.charCodeAt(index);
      if (quote === Char.DoubleQuote || quote === Char.SingleQuote) {
        const end = source.indexOf(quote === Char.DoubleQuote ? '"' : "'", index + 1);
        if (end === -1) {
          problem(`unterminated attribute value in <${name}>`);
          index = length;
          break;
        }
        value = source.slice(index + 1, end);
        index = end + 1;
      } else {
        const valueStart = index;
        while (index < length) {
          const c = source.charCodeAt(index);
          if (isSpace(c) || c === Char.Gt || c === Char.Lt) break;
          index += 1;
        }
        value = source.slice(valueStart, index);
      }
    }
    // Namespace declarations come on top of the kept attributes; the rest of a long list is read past.
    if (attributes && attributes.length < (LIMITS.maxAttributes + 32) * 2) attributes.push(attributeName, value);
  }
  return { index, selfClosing };
}
