import { createHash } from 'node:crypto';

// Feed-level elements that change on every request or rebuild without any item changing.
const VOLATILE_ELEMENTS = ['lastBuildDate', 'sy:updateBase', 'sy:updatePeriod', 'generator'];
// The feed's own dates, volatile only before the first item: item dates are content.
const HEAD_DATES = ['pubDate', 'updated', 'dc:date'];

/**
 * The spans of `lower` (a lower-cased text) from each `open` to the next `close`, found with indexOf, never a lazy
 * regex: once a close is missing after some point no later open can have one, so the scan stops there and the
 * cost stays linear however many opens are left unclosed.
 */
function spans(lower: string, open: string, close: string, element: boolean, found: [number, number][]): void {
  let from = 0;
  while (true) {
    const start = lower.indexOf(open, from);
    if (start === -1) return;
    // "<generator" must not match "<generators": an element's name is followed by ">" or whitespace (an empty
    // <generator/> has no content to drop).
    const after = lower.charCodeAt(start + open.length);
    if (element && !(after === 0x3e || after <= 0x20)) {
      from = start + open.length;
      continue;
    }
    const end = lower.indexOf(close, start + open.length);
    if (end === -1) return;
    found.push([start, end + close.length]);
    from = end + close.length;
  }
}

/** `text` without the given elements (matched case-insensitively), and without comments when asked. */
function without(text: string, names: string[], comments: boolean): string {
  const lower = text.toLowerCase();
  const found: [number, number][] = [];
  for (const name of names) spans(lower, `<${name.toLowerCase()}`, `</${name.toLowerCase()}>`, true, found);
  if (comments) spans(lower, '<!--', '-->', false, found);
  if (found.length === 0) return text;
  found.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let copied = 0;
  for (const [start, end] of found) {
    if (start >= copied) parts.push(text.slice(copied, start));
    copied = Math.max(copied, end);
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * A digest of the body that ignores volatile feed-level parts (lastBuildDate, the channel's pubDate, the Atom
 * feed's own updated, comments such as "generated in 0.03 s"). Equal fingerprints on a 200 mean no parse is needed.
 * Works on the raw bytes read as latin1 so it costs no decoding, and in time linear in the body's size.
 */
export function bodyFingerprint(body: Buffer): string {
  let text = body.toString('latin1');
  text = without(text, VOLATILE_ELEMENTS, true);
  // Only the header before the first item/entry: item dates are content.
  const firstItem = text.search(/<(item|entry)[\s>]/);
  if (firstItem > 0) text = without(text.slice(0, firstItem), HEAD_DATES, false) + text.slice(firstItem);
  return createHash('sha256').update(text, 'latin1').digest('hex').slice(0, 32);
}
