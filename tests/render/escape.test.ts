import { describe, expect, it } from 'vitest';
import {
  escapeDiscordMarkdown,
  escapeTelegramHtml,
  neutralizeDiscordMentions,
  telegramLength,
} from '../../src/render/index.js';

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

describe('escapeTelegramHtml', () => {
  it('escapes &, <, > and "', () => {
    expect(escapeTelegramHtml('<b>x</b> & "q"')).toBe('&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;');
  });
});

describe('telegramLength', () => {
  it('counts UTF-16 units of the text after entity parsing', () => {
    expect(telegramLength('<b><a href="https://x.test/?a=1&amp;b=2">Hi</a></b> &amp; &lt;3')).toBe('Hi & <3'.length);
    expect(telegramLength('😀')).toBe(2);
    expect(telegramLength('اردو')).toBe(4);
  });
});
