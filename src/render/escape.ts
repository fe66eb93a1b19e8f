/** Making feed text show as typed on each platform: no markdown, no mentions, no HTML. The one place for each. */

const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Break every mention so it cannot ping or resolve, whatever allowed_mentions says: `@everyone`,
 * `@here`, `<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `</command:id>`. A zero-width space after the `@` or `#`
 * keeps the text readable.
 */
export function neutralizeDiscordMentions(text: string): string {
  return (
    text
      .replace(/@(everyone|here)\b/gi, `@${ZERO_WIDTH_SPACE}$1`)
      // `</name:id>` is a slash-command mention; a plain closing tag such as `</b>` is left alone.
      .replace(/<([@#]|\/(?=[\w-]+(?: [\w-]+){0,2}:\d+>))/g, `<$1${ZERO_WIDTH_SPACE}`)
  );
}

/**
 * Escape Discord markdown in feed text so that `*`, `_`, `~`, `` ` ``, `|`, `>`, `#`, `[`, `]`, `\` and `<`
 * show as typed (Discord hides a backslash before any ASCII punctuation), line-leading list markers stay
 * text, and mentions are neutralized. For fields Discord renders as markdown: title, description, fields.
 */
export function escapeDiscordMarkdown(text: string): string {
  const escaped = text
    .replace(/[\\*_~`|>#[\]<]/g, (character) => `\\${character}`)
    // List markers ("- ", "+ ", "1. ") only count at the start of a line.
    .replace(/^(\s*)([-+])(?=\s)/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.');
  return neutralizeDiscordMentions(escaped);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * Escape text for HTML: Telegram's HTML parse mode, the paragraphs of an article page, XML. Also safe inside a
 * double-quoted attribute such as href.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => HTML_ESCAPES[character] ?? character);
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/**
 * The length Telegram checks against its 4096 limit: UTF-16 code units of the text after entity
 * parsing, i.e. with tags removed and the entities decoded. For HTML built by this module (every `<` in
 * text escaped), removing `<…>` is exact.
 */
export function telegramLength(html: string): number {
  const text = html
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => NAMED_ENTITIES[name] ?? '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([\da-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)));
  return text.length;
}
