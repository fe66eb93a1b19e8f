/** The platform-neutral framework: loading commands/, checking definitions, text arguments, markup, usage. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/replies/errors.js';
import { code, esc, splitText, toTelegramHtml } from '../../src/replies/markup.js';
import { validateOptions } from '../../src/chat/options.js';
import { checkDefinition, loadCommands } from '../../src/chat/loader.js';
import { parseTextArguments } from '../../src/chat/text-arguments.js';
import { defineCommand, type CommandDefinition } from '../../src/chat/definition.js';
import { formatExample, usageLine } from '../../src/chat/usage.js';

const subscribe = defineCommand({
  name: 'subscribe',
  description: 'test',
  access: 'admin',
  options: [
    { name: 'feed', type: 'string', required: true, description: 'feed' },
    { name: 'keywords', type: 'string', required: true, multiword: true, maxLength: 20, description: 'keywords' },
    { name: 'channel', type: 'channel', description: 'channel' },
  ],
  examples: [],
  handler: async () => ({ ok: true, text: '' }),
});

const args = (definition: CommandDefinition, text: string) => {
  const parsed = parseTextArguments(definition, text);
  return { values: Object.fromEntries(parsed.values), target: parsed.target };
};

describe('the command registry', () => {
  it('loads one definition per file in commands/, sorted, each valid on both platforms', async () => {
    const commands = await loadCommands();
    expect(commands.map((c) => c.name)).toEqual([
      'dashboard',
      'edit',
      'export',
      'feeds',
      'help',
      'import',
      'list',
      'pause',
      'preview',
      'resume',
      'subscribe',
      'template',
      'unsubscribe',
    ]);
    for (const command of commands) {
      expect(() => checkDefinition(command)).not.toThrow();
      expect(command.examples.length, command.name).toBeGreaterThan(0);
    }
  });

  it('adding a command is adding a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taza-commands-'));
    try {
      const types = new URL('../../src/chat/mod.ts', import.meta.url).href;
      writeFileSync(
        join(dir, 'ping.ts'),
        `import { defineCommand } from '${types}';\nexport default defineCommand({ name: 'ping', description: 'Answers pong', access: 'everyone', options: [], examples: [{}], handler: async () => ({ ok: true, text: 'pong' }) });\n`,
      );
      const [ping] = await loadCommands(dir);
      expect(ping!.name).toBe('ping');
      writeFileSync(join(dir, 'bad.ts'), 'export default { name: "Bad Name" };\n');
      await expect(loadCommands(dir)).rejects.toThrow('commands/bad.ts must default-export defineCommand');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects definitions Discord would refuse: bad names, long descriptions, required after optional', () => {
    const base = { ...subscribe, options: [] };
    expect(() => checkDefinition({ ...base, name: 'Sub Scribe' })).toThrow('must be 1–32 lowercase');
    expect(() => checkDefinition({ ...base, description: 'x'.repeat(101) })).toThrow(
      'description must be 1–100 characters',
    );
    expect(() =>
      checkDefinition({
        ...base,
        options: [
          { name: 'a', type: 'string', description: 'a' },
          { name: 'b', type: 'string', required: true, description: 'b' },
        ],
      }),
    ).toThrow('required option "b" comes after an optional one');
  });
});

describe('text arguments (the Telegram form)', () => {
  it('reads positionals; the last multiword option takes the rest of the line unquoted', () => {
    expect(args(subscribe, 'bbc-urdu بٹ کوائن, crypto council -etf')).toEqual({
      values: { feed: 'bbc-urdu', keywords: 'بٹ کوائن, crypto council -etf' },
      target: undefined,
    });
  });

  it("groups quoted words and keeps a query's own quotes", () => {
    expect(args(subscribe, '"news:crypto council lang:ur" bitcoin, "spot etf"').values).toEqual({
      feed: 'news:crypto council lang:ur',
      keywords: 'bitcoin, "spot etf"',
    });
    expect(args(subscribe, 'dawn bitcoin "spot etf').values).toEqual({ feed: 'dawn', keywords: 'bitcoin "spot etf' });
  });

  it('reads named options up to the next option name, in any order', () => {
    expect(args(subscribe, 'keywords:crypto council feed:news:pakistan lang:ur').values).toEqual({
      keywords: 'crypto council',
      feed: 'news:pakistan lang:ur',
    });
    expect(args(subscribe, 'dawn keywords:title:bitcoin').values).toEqual({ feed: 'dawn', keywords: 'title:bitcoin' });
  });

  it('takes a leading @channel (or channel:) as the chat to act on', () => {
    expect(args(subscribe, '@tazanews dawn bitcoin')).toEqual({
      values: { feed: 'dawn', keywords: 'bitcoin' },
      target: '@tazanews',
    });
    expect(args(subscribe, 'dawn bitcoin channel:-1001234567')).toEqual({
      values: { feed: 'dawn', keywords: 'bitcoin' },
      target: '-1001234567',
    });
  });

  it('refuses extra arguments and a repeated option', () => {
    const pause = defineCommand({
      ...subscribe,
      name: 'pause',
      options: [{ name: 'id', type: 'string', required: true, description: 'id' }],
    });
    expect(() => parseTextArguments(pause, 'abc def')).toThrow(
      new UserError('Too many arguments for /pause: `def` is not expected. Send /help pause for its usage.'),
    );
    expect(() => parseTextArguments(subscribe, 'feed:a feed:b')).toThrow('`feed` is given twice');
  });
});

describe('option checks', () => {
  it('says which required option is missing, which is too long, and which is unknown', () => {
    expect(() => validateOptions(subscribe, new Map([['feed', 'x']]))).toThrow(
      '/subscribe needs `keywords`: keywords.',
    );
    expect(() =>
      validateOptions(
        subscribe,
        new Map([
          ['feed', 'x'],
          ['keywords', 'y'.repeat(21)],
        ]),
      ),
    ).toThrow('`keywords` is too long: 21 characters (the limit is 20).');
    expect(() => validateOptions(subscribe, new Map([['fed', 'x']]))).toThrow(
      '/subscribe has no option `fed` (its options: `feed`, `keywords`, `channel`).',
    );
  });

  it('reads booleans as yes/no in any usual spelling', () => {
    const resume = defineCommand({ ...subscribe, options: [{ name: 'missed', type: 'boolean', description: 'm' }] });
    expect(validateOptions(resume, new Map([['missed', 'yes']])).boolean('missed')).toBe(true);
    expect(validateOptions(resume, new Map([['missed', 'no']])).boolean('missed')).toBe(false);
    expect(() => validateOptions(resume, new Map([['missed', 'maybe']]))).toThrow(
      '`missed` must be yes or no, not `maybe`.',
    );
  });
});

describe('reply markup', () => {
  it('escapes user text for Discord and converts to Telegram HTML', () => {
    const markup = `**Title** ${esc('a*b_c <script> # x')} ${code('id`1')} <https://example.org/a?b=1&c=2>`;
    // The alerts' Discord escaper: it escapes '#' wherever it stands, not only where Discord reads a heading.
    expect(markup).toBe('**Title** a\\*b\\_c \\<script\\> \\# x `idˋ1` <https://example.org/a?b=1&c=2>');
    expect(toTelegramHtml(markup)).toBe(
      '<b>Title</b> a*b_c &lt;script&gt; # x <code>idˋ1</code> https://example.org/a?b=1&amp;c=2',
    );
    expect(toTelegramHtml(esc('- list # heading > quote'))).toBe('- list # heading &gt; quote');
  });

  it('splits long replies at line breaks within the limit', () => {
    const text = ['a'.repeat(6), 'b'.repeat(6), 'c'.repeat(14)].join('\n');
    expect(splitText(text, 13)).toEqual(['aaaaaa\nbbbbbb', 'c'.repeat(13), 'c']);
    expect(splitText('short', 13)).toEqual(['short']);
  });

  it("writes usage and examples in each platform's syntax", () => {
    expect(usageLine('discord', subscribe)).toBe('/subscribe feed:<feed> keywords:<keywords> [channel:<channel>]');
    expect(usageLine('telegram', subscribe)).toBe('/subscribe [@channel] <feed> <keywords>');
    const example = { feed: 'news:crypto council lang:ur', keywords: 'بٹ کوائن, bitcoin' };
    expect(formatExample('discord', subscribe, example)).toBe(
      '/subscribe feed:news:crypto council lang:ur keywords:بٹ کوائن, bitcoin',
    );
    expect(formatExample('telegram', subscribe, example)).toBe(
      '/subscribe "news:crypto council lang:ur" بٹ کوائن, bitcoin',
    );
    expect(args(subscribe, formatExample('telegram', subscribe, example).replace('/subscribe ', '')).values).toEqual(
      example,
    );
  });
});
