/** Test helpers: assert a message obeys every platform limit and safety rule Taza promises. */
import { expect } from 'vitest';
import {
  DISCORD_LIMITS,
  discordEmbedLength,
  type DiscordMessage,
  TELEGRAM_LIMITS,
  type TelegramMessage,
  telegramLength,
} from '../../src/render/index.js';
import { checkTelegramHtml, TAZA_WRITES } from './telegram-html.js';

const isHttpUrl = (value: string) => /^https?:\/\//.test(value) && URL.canParse(value);

export function expectDiscordWithinLimits(message: DiscordMessage): void {
  expect(message.allowed_mentions).toEqual({ parse: [] });
  expect(message.embeds.length).toBeGreaterThanOrEqual(1);
  expect(message.embeds.length).toBeLessThanOrEqual(10);
  let total = (message.content ?? '').length;
  for (const embed of message.embeds) {
    expect(embed.title ?? embed.description).toBeTruthy(); // never an empty embed
    if (embed.title !== undefined) expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    if (embed.description !== undefined) {
      expect(embed.description.length).toBeGreaterThan(0);
      expect(embed.description.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    }
    if (embed.url !== undefined) expect(isHttpUrl(embed.url)).toBe(true);
    if (embed.timestamp !== undefined) expect(new Date(embed.timestamp).toISOString()).toBe(embed.timestamp);
    if (embed.footer) expect(embed.footer.text.length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeGreaterThan(0);
      expect(field.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
      expect(field.value.length).toBeGreaterThan(0);
      expect(field.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    }
    expect((embed.fields ?? []).length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    total += discordEmbedLength(embed);
  }
  expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.total);
  // Plain JSON: survives a round trip unchanged (no functions, classes or undefined values).
  expect(JSON.parse(JSON.stringify(message))).toEqual(message);
  // No mention survives anywhere.
  const everything = JSON.stringify(message);
  expect(everything).not.toMatch(/@(everyone|here)\b|<@[!&]?\d|<#\d/i);
}

/** Asserts limits and well-formed HTML; returns the text as Telegram shows it. */
export function expectTelegramWithinLimits(message: TelegramMessage): string {
  expect(message.parse_mode).toBe('HTML');
  const check = checkTelegramHtml(message.text, TAZA_WRITES);
  if (!check.ok) throw new Error(`${check.description}: ${message.text.slice(0, 200)}`);
  const visible = check.plainText;
  expect(telegramLength(message.text)).toBe(visible.length);
  expect(visible.length).toBeGreaterThan(0);
  expect(visible.length).toBeLessThanOrEqual(TELEGRAM_LIMITS.text);
  const preview = message.link_preview_options;
  if (preview.url !== undefined) expect(isHttpUrl(preview.url)).toBe(true);
  else expect(preview.is_disabled).toBe(true);
  expect(JSON.parse(JSON.stringify(message))).toEqual(message);
  return visible;
}
