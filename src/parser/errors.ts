/**
 * Why a body could not be read as a feed. The pipeline records `parse:<kind>` and the message as the feed's last
 * error, so the message is written for the person reading feed health.
 */
export type ParseErrorKind = 'empty' | 'html-page' | 'not-a-feed' | 'malformed' | 'too-complex';

export class ParseError extends Error {
  constructor(
    readonly kind: ParseErrorKind,
    message: string,
    readonly feedLinks?: string[],
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

/** A document whose structure would cost more than its size justifies; the message starts "feed too complex: ". */
export function tooComplex(reason: string): ParseError {
  return new ParseError('too-complex', `feed too complex: ${reason}`);
}
