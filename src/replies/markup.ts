/**
 * Replies are written once in a small markup that Discord reads as Markdown and the Telegram adapter converts to
 * HTML: **bold**, `code`, <https://link>, and a backslash before any character to take it literally. Values that
 * come from users or feeds go through esc() or code(), so a title with `*` or `<` cannot change the formatting,
 * and a title with terminal escapes or bidi overrides reaches no chat with them (the alerts' own cleaning).
 * Every span stays on one line, so a reply can be split at line breaks.
 */
import { escapeDiscordMarkdown, escapeHtml } from '../render/escape.js';
import { cleanControlCharacters } from '../summarizer/html-to-text.js';

/** Text shown as it is. */
export function esc(text: string): string {
  return escapeDiscordMarkdown(cleanControlCharacters(text));
}

/** A value shown as code (ids, URLs, queries). Backticks and line breaks cannot be represented and are replaced. */
export function code(text: string): string {
  const clean = cleanControlCharacters(text)
    .replace(/`/g, 'ˋ')
    .replace(/\s*\n\s*/g, ' ');
  return clean === '' ? '(empty)' : `\`${clean}\``;
}

export function bold(text: string): string {
  return `**${esc(text)}**`;
}

/** A clickable link (no Discord preview); anything that is not an http(s) URL is shown as code instead. */
export function link(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return `<${parsed.href}>`;
  } catch {
    // fall through
  }
  return code(url);
}

/** Converts the markup to Telegram HTML (parse_mode HTML); consecutive `> ` lines become one <blockquote>. */
export function toTelegramHtml(markup: string): string {
  const out: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length) out.push(`<blockquote>${quote.join('\n')}</blockquote>`);
    quote = [];
  };
  for (const line of markup.split('\n')) {
    if (line.startsWith('> ')) {
      quote.push(inlineHtml(line.slice(2)));
    } else {
      flush();
      out.push(inlineHtml(line));
    }
  }
  flush();
  return out.join('\n');
}

function inlineHtml(markup: string): string {
  let out = '';
  let boldOpen = false;
  for (let i = 0; i < markup.length; i++) {
    const ch = markup[i]!;
    if (ch === '\\' && i + 1 < markup.length) {
      out += escapeHtml(markup[++i]!);
    } else if (ch === '*' && markup[i + 1] === '*') {
      out += boldOpen ? '</b>' : '<b>';
      boldOpen = !boldOpen;
      i++;
    } else if (ch === '`') {
      const end = markup.indexOf('`', i + 1);
      if (end === -1) {
        out += escapeHtml(ch);
        continue;
      }
      out += `<code>${escapeHtml(markup.slice(i + 1, end))}</code>`;
      i = end;
    } else if (ch === '<' && /^<https?:\/\/[^\s>]+>/.test(markup.slice(i))) {
      const end = markup.indexOf('>', i);
      out += escapeHtml(markup.slice(i + 1, end));
      i = end;
    } else {
      out += escapeHtml(ch);
    }
  }
  return boldOpen ? `${out}</b>` : out;
}

/** The markup as plain text for a terminal (`taza check`): bold and code unmarked, escapes and link brackets gone. */
export function toPlainText(markup: string): string {
  return markup.replace(/\\(.)|\*\*|`([^`\n]*)`|<(https?:\/\/[^\s>]+)>/g, (_, escaped, quoted, url) =>
    String(escaped ?? quoted ?? url ?? ''),
  );
}

/** Splits text at line breaks into pieces of at most `limit` characters (a longer line is cut). */
export function splitText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > limit) {
      if (current) pieces.push(current);
      current = '';
      pieces.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    const joined = current ? `${current}\n${rest}` : rest;
    if (joined.length > limit) {
      pieces.push(current);
      current = rest;
    } else {
      current = joined;
    }
  }
  if (current || pieces.length === 0) pieces.push(current);
  return pieces;
}
