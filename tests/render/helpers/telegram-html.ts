/**
 * Test-only check of Telegram HTML as Taza builds it: only <b>, <i> and <a href="…">, properly nested and
 * closed, and every `&` one of the four entities Taza writes. Returns the visible text, or throws.
 */
const TOKEN = /<(\/?)([a-zA-Z][\w-]*)([^<>]*)>|&(?:amp|lt|gt|quot);|[^<&]+|[<&]/g;
const ALLOWED = new Set(['b', 'i', 'a']);
const ENTITY_TEXT: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };

export function parseTelegramHtml(html: string): string {
  const open: string[] = [];
  let visible = '';
  for (const match of html.matchAll(TOKEN)) {
    const [token, closing, name, attributes] = match;
    if (name !== undefined) {
      if (!ALLOWED.has(name)) throw new Error(`tag <${name}> is not allowed: ${html.slice(0, 200)}`);
      if (closing) {
        if (open.pop() !== name) throw new Error(`</${name}> closes nothing open: ${html.slice(0, 200)}`);
        continue;
      }
      const attrs = attributes ?? '';
      if (name === 'a' ? !/^ href="[^"<>]*"$/.test(attrs) : attrs.trim() !== '') {
        throw new Error(`bad attributes on <${name}>: ${attrs}`);
      }
      open.push(name);
    } else if (token === '<' || token === '&') {
      throw new Error(`raw "${token}" in Telegram HTML: ${html.slice(0, 200)}`);
    } else if (token.startsWith('&')) {
      visible += ENTITY_TEXT[token] ?? '';
    } else {
      if (token.includes('>')) throw new Error(`raw ">" in Telegram HTML text: ${token}`);
      visible += token;
    }
  }
  if (open.length > 0) throw new Error(`unclosed tags: ${open.join(', ')}`);
  return visible;
}
