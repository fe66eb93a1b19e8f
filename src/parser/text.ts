import { DomUtils, parseDocument } from 'htmlparser2';

/**
 * Any value the XML layer produced (string, xml2js node `{ _: text, $: attrs, child: [...] }`, array) as text.
 * Element children are visited after the node's own text: xml2js does not keep mixed-content order.
 */
export function nodeText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(nodeText).join(' ');
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key === '$') continue;
      parts.push(nodeText(child));
    }
    return parts.join(' ');
  }
  return '';
}

const BLOCK_TAGS = /<\/?(?:p|br|div|li|ul|ol|h[1-6]|blockquote|tr|table|section|article)\b[^>]*>/gi;

/** HTML or text to one line of plain text: tags removed, entities decoded, whitespace collapsed. */
export function plainText(value: unknown): string {
  const raw = nodeText(value);
  if (!/[<&]/.test(raw)) return raw.replace(/\s+/g, ' ').trim();
  // Block boundaries become spaces so "<p>a</p><p>b</p>" reads "a b"; htmlparser2 decodes every HTML entity.
  const spaced = raw.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(BLOCK_TAGS, ' ');
  return DomUtils.textContent(parseDocument(spaced, { decodeEntities: true }))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Decodes HTML entities only (no trimming, no tag removal). */
export function decodeEntities(text: string): string {
  return DomUtils.textContent(parseDocument(text, { decodeEntities: true }));
}

/** A non-empty trimmed string, or undefined. */
export function optionalText(value: unknown): string | undefined {
  const text = plainText(value);
  return text === '' ? undefined : text;
}
