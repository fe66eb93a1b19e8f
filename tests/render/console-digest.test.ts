import { describe, expect, it } from 'vitest';
import { type DiscordMessage, renderConsole, renderDigest, type TelegramMessage } from '../../src/render/index.js';
import { expectDiscordWithinLimits, expectTelegramWithinLimits } from '../support/limits.js';
import { makeAlert } from '../support/alerts.js';

describe('renderConsole', () => {
  it('prints title, source and time, summary, link and matched terms as plain text', () => {
    const text = renderConsole(
      makeAlert({
        title: 'Bitcoin tops $100k',
        link: 'https://news.example/btc',
        published: '2025-12-12T22:20:18Z',
        html: '<p>Bitcoin rose. Traders cheered.</p>',
        feedTitle: 'Example Feed',
        terms: ['bitcoin'],
      }),
    );
    expect(text).toBe(
      [
        '▶ Bitcoin tops $100k',
        '  Example Feed · 2025-12-12 22:20 UTC',
        '  Bitcoin rose. Traders cheered.',
        '  https://news.example/btc',
        '  Matched: bitcoin',
      ].join('\n'),
    );
  });

  it('cannot be made to send terminal escape sequences', () => {
    const text = renderConsole(
      makeAlert({ title: 'Red\u001b[31m alert\u0007', html: '<p>x\u001b]0;pwned\u0007y</p>' }),
    );
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
  });
});

describe('renderDigest', () => {
  const alerts = Array.from({ length: 5 }, (_, index) =>
    makeAlert({ title: `Story *${index}*`, link: `https://news.example/${index}?q=(x)`, feedTitle: 'Feed <one>' }),
  );

  it('lists each alert as a linked title with its feed on Discord', () => {
    const message = renderDigest(alerts, 'discord') as DiscordMessage;
    expectDiscordWithinLimits(message);
    expect(message.embeds[0]?.title).toBe('5 new alerts');
    expect(message.embeds[0]?.description?.split('\n')[0]).toBe(
      '• [Story \\*0\\*](https://news.example/0?q=%28x%29) — Feed \\<one\\>',
    );
  });

  it('lists each alert as a linked title with its feed on Telegram, previews off', () => {
    const message = renderDigest(alerts, 'telegram') as TelegramMessage;
    const visible = expectTelegramWithinLimits(message);
    expect(message.link_preview_options).toEqual({ is_disabled: true });
    expect(message.text).toContain('• <a href="https://news.example/0?q=(x)">Story *0*</a> — <i>Feed &lt;one&gt;</i>');
    expect(visible.split('\n')).toHaveLength(2 + 5);
  });

  it('lists each alert on the console', () => {
    const text = renderDigest(alerts, 'console') as string;
    expect(text.split('\n')[0]).toBe('5 new alerts:');
    expect(text).toContain('- Story *4* (Feed <one>)\n  https://news.example/4?q=(x)');
  });

  it('stays within the limits for a large burst and says how many were left out', () => {
    const burst = Array.from({ length: 300 }, (_, index) =>
      makeAlert({
        title: `A fairly long headline about crypto markets number ${index}`,
        link: `https://news.example/story/${index}`,
      }),
    );
    const discord = renderDigest(burst, 'discord') as DiscordMessage;
    expectDiscordWithinLimits(discord);
    const discordLines = discord.embeds[0]?.description?.split('\n') ?? [];
    const shown = discordLines.length - 1;
    expect(discordLines.at(-1)).toBe(`…and ${300 - shown} more`);

    const telegram = renderDigest(burst, 'telegram') as TelegramMessage;
    const visible = expectTelegramWithinLimits(telegram);
    const telegramLines = visible.split('\n');
    expect(telegramLines.at(-1)).toBe(`…and ${300 - (telegramLines.length - 3)} more`);
  });
});
