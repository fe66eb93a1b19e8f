/**
 * One checker of Telegram's HTML parse mode, with two profiles:
 * - TELEGRAM_ACCEPTS, what Telegram itself takes (the fake Bot API applies it, so a renderer bug that Telegram would
 *   reject — an unknown tag, unbalanced tags, a raw '<', text over 4096 characters — fails in tests too);
 * - TAZA_WRITES, what Taza's alert renderer promises: only <b>, <i> and <a href="…">, and every '&', '<' and '>' of
 *   the text written as one of the four entities Taza uses.
 * Returns the text as Telegram shows it, or Telegram's kind of error description.
 */

export interface HtmlProfile {
  tags: ReadonlySet<string>;
  /** Taza's own output: lowercase tags, only href on <a>, only &amp; &lt; &gt; &quot;, no raw '&' or '>'. */
  strict: boolean;
}

export const TELEGRAM_ACCEPTS: HtmlProfile = {
  tags: new Set([
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
  ]),
  strict: false,
};

export const TAZA_WRITES: HtmlProfile = { tags: new Set(['b', 'i', 'a']), strict: true };

export const TELEGRAM_MESSAGE_LIMIT = 4096;

export type HtmlCheck = { ok: true; plainText: string } | { ok: false; description: string };

const TAG = /^<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*>/;
const ENTITY = /^&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/;
const NAMED: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"' };

export function checkTelegramHtml(text: string, profile: HtmlProfile = TELEGRAM_ACCEPTS): HtmlCheck {
  const fail = (reason: string): HtmlCheck => ({
    ok: false,
    description: `Bad Request: can't parse entities: ${reason}`,
  });
  const offset = (i: number) => Buffer.byteLength(text.slice(0, i));
  const open: string[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '<') {
      const tag = TAG.exec(text.slice(i));
      if (!tag) return fail(`Unexpected character '<' at byte offset ${offset(i)}`);
      const [whole, closing, rawName, attributes = ''] = tag;
      const name = profile.strict ? rawName! : rawName!.toLowerCase();
      if (!profile.tags.has(name)) return fail(`Unsupported start tag "${name}" at byte offset ${offset(i)}`);
      if (closing) {
        if (open.pop() !== name) return fail(`Can't find end tag corresponding to start tag "${name}"`);
      } else {
        if (profile.strict && !(name === 'a' ? /^ href="[^"<>]*"$/.test(attributes) : attributes === ''))
          return fail(`Unexpected attributes on "${name}" at byte offset ${offset(i)}: ${attributes}`);
        open.push(name);
      }
      i += whole.length;
      continue;
    }
    if (char === '&') {
      const entity = ENTITY.exec(text.slice(i));
      if (entity && (!profile.strict || NAMED[entity[0]] !== undefined)) {
        plain += decodeEntity(entity[0]);
        i += entity[0].length;
        continue;
      }
      if (profile.strict) return fail(`Raw '&' at byte offset ${offset(i)}`);
    }
    if (char === '>' && profile.strict) return fail(`Raw '>' at byte offset ${offset(i)}`);
    plain += char;
    i += 1;
  }
  if (open.length > 0) return fail(`Can't find end tag corresponding to start tag "${open[open.length - 1]}"`);
  if (plain.trim() === '') return { ok: false, description: 'Bad Request: message text is empty' };
  if (plain.length > TELEGRAM_MESSAGE_LIMIT) return { ok: false, description: 'Bad Request: message is too long' };
  return { ok: true, plainText: plain };
}

function decodeEntity(entity: string): string {
  if (NAMED[entity]) return NAMED[entity];
  const hex = entity.startsWith('&#x') || entity.startsWith('&#X');
  return String.fromCodePoint(Number.parseInt(entity.slice(hex ? 3 : 2, -1), hex ? 16 : 10));
}
