import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { code, esc, toTelegramHtml } from '../../src/replies/markup.js';
import { writeOpml } from '../../src/subscriptions/opml.js';
import { parseFeed } from '../../src/parser/index.js';
import {
  escapeDiscordMarkdown,
  escapeHtml,
  neutralizeDiscordMentions,
  telegramLength,
} from '../../src/render/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What Discord shows for escaped text: a backslash before ASCII punctuation is hidden. */
const shownByDiscord = (text: string) => text.replace(/\\([^\p{L}\p{N}\s])/gu, '$1');

/** Markdown characters that Discord would still interpret: those not consumed by a preceding backslash. */
function unescapedSpecials(text: string): string[] {
  const found: string[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index] ?? '';
    if (character === '\\')
      index += 1; // the next character is shown as typed
    else if ('*_~`|>#[]'.includes(character)) found.push(character);
  }
  return found;
}

describe('escapeDiscordMarkdown', () => {
  it('escapes every markdown character so the text shows as typed', () => {
    const typed = '*bold* _it_ ~~strike~~ `code` ||spoiler|| > quote # head [link](https://x.test) back\\slash';
    const escaped = escapeDiscordMarkdown(typed);
    expect(unescapedSpecials(escaped)).toEqual([]);
    expect(shownByDiscord(escaped)).toBe(typed);
  });

  it('escapes list markers only at the start of a line', () => {
    expect(escapeDiscordMarkdown('- item\n1. first\nprice - 5')).toBe('\\- item\n1\\. first\nprice - 5');
  });

  it('neutralizes every kind of mention', () => {
    const escaped = escapeDiscordMarkdown('@everyone @here <@123> <@!456> <@&789> <#111>');
    expect(escaped).not.toMatch(/@everyone|@here|<@\d|<@!|<@&|<#\d/);
    expect(shownByDiscord(escaped).replace(/\u200B/g, '')).toBe('@everyone @here <@123> <@!456> <@&789> <#111>');
  });

  it('neutralizes mentions without escaping anything else', () => {
    expect(neutralizeDiscordMentions('hi @Everyone')).toBe('hi @\u200BEveryone');
    expect(neutralizeDiscordMentions('</ban user:123> and </b>')).toBe('</\u200Bban user:123> and </b>');
  });
});

describe('escapeHtml', () => {
  it('escapes &, <, > and "', () => {
    expect(escapeHtml('<b>x</b> & "q"')).toBe('&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;');
  });
});

describe('one escaper of each kind', () => {
  const sources = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );
  /** How an HTML escaper (chained replaces or a table) or a Discord markdown escaper (a class of its specials) reads. */
  const ESCAPER = /\.replace\(\s*\/&\/g|'&':\s*'&amp;'|\[[^\]\n]*\*_~/;

  it('no module but render/escape.ts writes its own HTML or Discord markdown escaper', () => {
    const own = [...sources('src'), ...sources('commands')].filter((file) =>
      ESCAPER.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(own).toEqual([join('src', 'render', 'escape.ts')]);
  });

  it('command replies, JSON Feed text and OPML go through them', () => {
    const typed = '*bold* _it_ <b> # head & "q"';
    expect(esc(typed)).toBe(escapeDiscordMarkdown(typed));
    expect(toTelegramHtml(esc(typed))).toBe(escapeHtml(typed));
    const feed = parseFeed(
      Buffer.from(
        JSON.stringify({
          version: 'https://jsonfeed.org/version/1.1',
          title: 't',
          items: [{ id: '1', content_text: 'a < b & "c"' }],
        }),
      ),
    );
    expect(feed.items[0]!.html).toBe(escapeHtml('a < b & "c"'));
    expect(writeOpml('Taza', [{ url: 'https://x.test/?a=1&b=2', title: '"A" <B>', keywords: 'x' }])).toContain(
      `text="${escapeHtml('"A" <B>')}"`,
    );
  });

  it('reply markup cleans feed text first: no terminal escapes, no bidi overrides or isolates', () => {
    const hostile = 'Evil \u001b[2J\u001b]0;owned\u0007 \u202Edesrever\u202C \u2066isolated\u2069';
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    const raw = /[\u001b\u0007\u202A-\u202E\u2066-\u2069]/u;
    for (const text of [esc(hostile), code(hostile), toTelegramHtml(esc(hostile))]) {
      expect(text).not.toMatch(raw);
      expect(text).toContain('desrever');
    }
  });
});

describe('telegramLength', () => {
  it('counts UTF-16 units of the text after entity parsing', () => {
    expect(telegramLength('<b><a href="https://x.test/?a=1&amp;b=2">Hi</a></b> &amp; &lt;3')).toBe('Hi & <3'.length);
    expect(telegramLength('😀')).toBe(2);
    expect(telegramLength('اردو')).toBe(4);
  });
});
