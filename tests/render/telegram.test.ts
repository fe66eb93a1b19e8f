import { describe, expect, it } from 'vitest';
import { renderTelegram, TELEGRAM_LIMITS, telegramLength } from '../../src/render/index.js';
import { makeAlert } from '../support/alerts.js';
import { expectTelegramWithinLimits } from '../support/limits.js';

describe('renderTelegram', () => {
  it('renders a bold linked title, the summary, source and time, and the matched terms', () => {
    const message = renderTelegram(
      makeAlert({
        title: 'Bitcoin tops $100k',
        link: 'https://news.example/btc?id=1&utm=rss',
        published: '2025-12-12T22:20:18Z',
        html: '<p>Bitcoin rose above $100,000 on Friday. Traders cheered.</p>',
        feedTitle: 'Example News',
        terms: ['bitcoin'],
      }),
    );
    expect(message).toEqual({
      text:
        '<b><a href="https://news.example/btc?id=1&amp;utm=rss">Bitcoin tops $100k</a></b>\n\n' +
        'Bitcoin rose above $100,000 on Friday. Traders cheered.\n\n' +
        '<i>Example News · 2025-12-12 22:20 UTC</i>\nMatched: bitcoin',
      parse_mode: 'HTML',
      link_preview_options: { url: 'https://news.example/btc?id=1&utm=rss' },
    });
    expectTelegramWithinLimits(message);
  });

  it('turns the preview off and the link off when there is no usable link', () => {
    const message = renderTelegram(makeAlert({ title: 'No link', link: 'ftp://files.example/x' }));
    expect(message.text.startsWith('<b>No link</b>')).toBe(true);
    expect(message.link_preview_options).toEqual({ is_disabled: true });
  });

  it('stays within 4096 UTF-16 units after entity parsing, counting & and emoji as Telegram does', () => {
    const sentence = 'Fish & chips 😀 <cheap> "deals" everywhere today. ';
    const message = renderTelegram(
      makeAlert({ title: 'T & <b>', summary: { text: sentence.repeat(400).trim(), dir: 'ltr' } }),
    );
    const visible = expectTelegramWithinLimits(message);
    expect(telegramLength(message.text)).toBeLessThanOrEqual(TELEGRAM_LIMITS.text);
    expect(telegramLength(message.text)).toBeGreaterThan(TELEGRAM_LIMITS.text - sentence.length - 200); // filled, not over-cut
    expect(visible).toContain('Fish & chips 😀 <cheap> "deals" everywhere today.');
    expect(message.text.length).toBeGreaterThan(TELEGRAM_LIMITS.text); // the raw HTML is longer; only parsed text counts
  });
});
