/**
 * Reads the arguments of a text command (`/subscribe bbc-urdu بٹ کوائن, crypto council`) into the same option
 * values a Discord slash command carries. Two forms, mixable:
 * - positional, in the definition's order; a last `multiword` option (a query) takes the rest of the line, so a
 *   query needs no quotes; "double quotes" group words elsewhere (`"news:crypto council lang:ur" bitcoin`);
 * - named, `keywords:bitcoin etf`: the value runs to the next `option:` of this command.
 * A leading `@channelname` (or a -100… chat id) names the chat to act on instead of the current one.
 */
import { UserError } from '../replies/errors.js';
import { code } from '../replies/markup.js';
import type { RawOptionValue } from './options.js';
import type { CommandDefinition } from './definition.js';

export interface TextArguments {
  values: Map<string, RawOptionValue>;
  /** `@channel` or a chat id given as the first word or as the `channel` option. */
  target?: string;
}

interface Token {
  text: string;
  start: number;
}

const QUOTES: Record<string, string> = { '"': '"', '“': '”', '«': '»' };
const TARGET = /^(@[A-Za-z][A-Za-z0-9_]{3,31}|-100\d{5,16})$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    const close = QUOTES[text[i]!];
    const end = close === undefined ? -1 : text.indexOf(close, i + 1);
    if (end !== -1) {
      tokens.push({ text: text.slice(i + 1, end), start });
      i = end + 1;
    } else {
      // An unclosed quote is an ordinary character: a query's own quotes reach the matcher, which explains them.
      while (i < text.length && !/\s/.test(text[i]!)) i++;
      tokens.push({ text: text.slice(start, i), start });
    }
  }
  return tokens;
}

function unquote(text: string): string {
  const trimmed = text.trim();
  const close = QUOTES[trimmed[0] ?? ''];
  return close !== undefined && trimmed.length >= 2 && trimmed.endsWith(close) ? trimmed.slice(1, -1) : trimmed;
}

/** Splits `text` at `name:` markers of this command's options; returns the text before the first marker. */
function splitNamed(definition: CommandDefinition, text: string, values: Map<string, RawOptionValue>): string {
  const names = definition.options.map((o) => o.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (names.length === 0) return text;
  const marker = new RegExp(`(^|\\s)(${names.join('|')}):`, 'g');
  const found = [...text.matchAll(marker)];
  if (found.length === 0) return text;
  found.forEach((match, i) => {
    const name = match[2]!;
    const valueStart = match.index + match[0].length;
    const valueEnd = i + 1 < found.length ? found[i + 1]!.index : text.length;
    if (values.has(name)) throw new UserError(`${code(name)} is given twice.`);
    values.set(name, unquote(text.slice(valueStart, valueEnd)));
  });
  return text.slice(0, found[0]!.index);
}

export function parseTextArguments(definition: CommandDefinition, text: string): TextArguments {
  const values = new Map<string, RawOptionValue>();
  const positional = splitNamed(definition, text, values);
  let tokens = tokenize(positional);
  let target: string | undefined;
  const channelOption = definition.options.find((o) => o.type === 'channel');
  if (channelOption && values.has(channelOption.name)) {
    target = String(values.get(channelOption.name));
    values.delete(channelOption.name);
  }
  if (tokens[0] && TARGET.test(tokens[0].text)) {
    if (target !== undefined) throw new UserError('Name the chat to act on only once.');
    target = tokens[0].text;
    tokens = tokens.slice(1);
  }
  const slots = definition.options.filter(
    (o) => o.type !== 'channel' && o.type !== 'attachment' && !o.namedOnly && !values.has(o.name),
  );
  for (let s = 0; s < slots.length && tokens.length > 0; s++) {
    const option = slots[s]!;
    const isLast = s === slots.length - 1;
    if (option.type === 'string' && option.multiword && isLast) {
      values.set(option.name, unquote(positional.slice(tokens[0]!.start)));
      tokens = [];
    } else {
      values.set(option.name, tokens.shift()!.text);
    }
  }
  if (tokens.length > 0) {
    const extra = tokens.map((t) => t.text).join(' ');
    throw new UserError(
      `Too many arguments for /${definition.name}: ${code(extra)} is not expected. Send /help ${definition.name} for its usage.`,
    );
  }
  return { values, target };
}
