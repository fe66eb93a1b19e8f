import { createHash } from 'node:crypto';

// Feed-level elements that change on every request or rebuild without any item changing.
const VOLATILE = [
  /<lastBuildDate>[\s\S]*?<\/lastBuildDate>/gi,
  /<(sy:updateBase|sy:updatePeriod|generator)[^>]*>[\s\S]*?<\/\1>/gi,
  /<!--[\s\S]*?-->/g,
];

/**
 * A digest of the body that ignores volatile feed-level parts (lastBuildDate, the channel's pubDate, the Atom
 * feed's own updated, comments such as "generated in 0.03 s"). Equal fingerprints on a 200 mean no parse is needed.
 * Works on the raw bytes read as latin1 so it costs no decoding.
 */
export function bodyFingerprint(body: Buffer): string {
  let text = body.toString('latin1');
  for (const pattern of VOLATILE) text = text.replace(pattern, '');
  // Only the header before the first item/entry: item dates are content.
  const firstItem = text.search(/<(item|entry)[\s>]/);
  if (firstItem > 0) {
    const head = text.slice(0, firstItem).replace(/<(pubDate|updated|dc:date)>[\s\S]*?<\/\1>/gi, '');
    text = head + text.slice(firstItem);
  }
  return createHash('sha256').update(text, 'latin1').digest('hex').slice(0, 32);
}
