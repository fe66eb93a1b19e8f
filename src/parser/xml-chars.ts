/** Character codes and classes the XML scanners test, without building strings. */

export const enum Char {
  Tab = 0x09,
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Bang = 0x21,
  DoubleQuote = 0x22,
  SingleQuote = 0x27,
  Slash = 0x2f,
  Lt = 0x3c,
  Equals = 0x3d,
  Gt = 0x3e,
  Question = 0x3f,
  OpenBracket = 0x5b,
  CloseBracket = 0x5d,
}

export function isSpace(code: number): boolean {
  return code === Char.Space || code === Char.LineFeed || code === Char.Tab || code === Char.CarriageReturn;
}

/** A tag name may start with a letter, `_`, `:` or any non-ASCII character. */
export function isNameStart(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x3a || code >= 0x80
  );
}
