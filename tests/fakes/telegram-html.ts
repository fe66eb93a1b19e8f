/**
 * The subset of Telegram's HTML parse mode checks the fake applies, so a renderer bug that Telegram would reject
 * (unknown tag, unbalanced tags, a raw '<', text over 4096 characters) fails in tests too.
 */
const ALLOWED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
]);
const TAG = /^<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*>/;
const ENTITY = /^&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/;

export const TELEGRAM_MESSAGE_LIMIT = 4096;

export type HtmlCheck = { ok: true; plainText: string } | { ok: false; description: string };

export function checkTelegramHtml(text: string): HtmlCheck {
  const fail = (reason: string): HtmlCheck => ({
    ok: false,
    description: `Bad Request: can't parse entities: ${reason}`,
  });
  const open: string[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '<') {
      const tag = TAG.exec(text.slice(i));
      if (!tag) return fail(`Unexpected character '<' at byte offset ${Buffer.byteLength(text.slice(0, i))}`);
      const [whole, closing, rawName] = tag;
      const name = rawName!.toLowerCase();
      if (!ALLOWED_TAGS.has(name))
        return fail(`Unsupported start tag "${name}" at byte offset ${Buffer.byteLength(text.slice(0, i))}`);
      if (closing) {
        if (open.pop() !== name) return fail(`Can't find end tag corresponding to start tag "${name}"`);
      } else {
        open.push(name);
      }
      i += whole.length;
      continue;
    }
    if (char === '&') {
      const entity = ENTITY.exec(text.slice(i));
      if (entity) {
        plain += decodeEntity(entity[0]);
        i += entity[0].length;
        continue;
      }
    }
    plain += char;
    i += 1;
  }
  if (open.length > 0) return fail(`Can't find end tag corresponding to start tag "${open[open.length - 1]}"`);
  if (plain.trim() === '') return { ok: false, description: 'Bad Request: message text is empty' };
  if (plain.length > TELEGRAM_MESSAGE_LIMIT) return { ok: false, description: 'Bad Request: message is too long' };
  return { ok: true, plainText: plain };
}

function decodeEntity(entity: string): string {
  const named: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"' };
  if (named[entity]) return named[entity];
  const hex = entity.startsWith('&#x') || entity.startsWith('&#X');
  return String.fromCodePoint(Number.parseInt(entity.slice(hex ? 3 : 2, -1), hex ? 16 : 10));
}
