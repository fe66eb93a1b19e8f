/**
 * Hostile and awkward items (mentions, markup and HTML in a title, a very long article, an item with only a link,
 * a summary that is all boilerplate): each must render safely and readably on Discord, Telegram and the console.
 */
import { describe, expect, it } from 'vitest';
import { renderConsole, renderDiscord, renderTelegram } from '../../src/render/index.js';
import { expectDiscordWithinLimits, expectTelegramWithinLimits } from '../support/limits.js';
import { makeAlert } from '../support/alerts.js';

const HOSTILE_TITLE = '@everyone <@&123> **bold** <b>x</b> & "q"';
/** What Discord displays for escaped markdown: backslashes before punctuation hidden, zero-width spaces invisible. */
const discordShows = (text: string) => text.replace(/\\([^\p{L}\p{N}\s])/gu, '$1').replace(/\u200B/g, '');

describe('a title with mentions, markdown, HTML, & and quotes', () => {
  const alert = makeAlert({
    title: HOSTILE_TITLE,
    link: 'https://evil.example/a',
    html: '<p>Body @here <@42> text.</p>',
  });

  it('shows as typed on Discord, pings nobody and formats nothing', () => {
    const message = renderDiscord(alert);
    expectDiscordWithinLimits(message);
    const [embed] = message.embeds;
    expect(discordShows(embed?.title ?? '')).toBe(HOSTILE_TITLE);
    expect(embed?.title).toContain('\\*\\*bold\\*\\*');
    expect(embed?.title).toContain('@\u200Beveryone');
    expect(embed?.description).toContain('@\u200Bhere');
    expect(discordShows(embed?.description ?? '')).toBe('Body @here <@42> text.');
  });

  it("shows as typed on Telegram, with only Taza's own tags", () => {
    const message = renderTelegram(alert);
    const visible = expectTelegramWithinLimits(message);
    expect(visible.startsWith(HOSTILE_TITLE)).toBe(true);
    expect(message.text).toContain('&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;');
  });

  it('prints the title verbatim on the console', () => {
    expect(renderConsole(alert).split('\n')[0]).toBe(`▶ ${HOSTILE_TITLE}`);
  });
});

describe('a 20,000-character body', () => {
  const sentence = 'The committee met again to review the long list of proposals on digital assets. ';
  const body = `<p>${sentence.repeat(Math.ceil(20_000 / sentence.length))}</p>`;
  const noPunctuation = `<p>${'lorem ipsum dolor sit amet '.repeat(800)}</p>`;

  for (const [name, html] of [
    ['with sentences', body],
    ['without punctuation', noPunctuation],
  ] as const) {
    it(`is summarized within budget and fits both platforms (${name})`, () => {
      expect(html.length).toBeGreaterThanOrEqual(20_000);
      const alert = makeAlert({ title: 'Long read', link: 'https://news.example/long', html, terms: ['proposals'] });
      expect(alert.summary.text.length).toBeLessThanOrEqual(500);
      expect(alert.summary.text).toMatch(/[.…]$/);
      expectDiscordWithinLimits(renderDiscord(alert));
      expectTelegramWithinLimits(renderTelegram(alert));
    });
  }

  it('is shortened by the renderers when a summary arrives unshortened', () => {
    const alert = makeAlert({ title: 'Long read', summary: { text: sentence.repeat(250).trim(), dir: 'ltr' } });
    const discord = renderDiscord(alert);
    expectDiscordWithinLimits(discord);
    expect(discord.embeds[0]?.description?.endsWith('proposals on digital assets.')).toBe(true);
    const visible = expectTelegramWithinLimits(renderTelegram(alert));
    expect(visible).toContain('proposals on digital assets.\n\n');
  });
});

describe('an item with only a link', () => {
  const alert = makeAlert({ title: '', link: 'https://news.example/2025/12/only-a-link', html: '' });

  it('uses the link as the title on every platform', () => {
    expect(alert.summary.text).toBe('');
    const message = renderDiscord(alert);
    expectDiscordWithinLimits(message);
    expect(message.embeds[0]).toMatchObject({
      title: 'https://news.example/2025/12/only-a-link',
      url: 'https://news.example/2025/12/only-a-link',
    });
    expect(message.embeds[0]?.description).toBeUndefined();
    const visible = expectTelegramWithinLimits(renderTelegram(alert));
    expect(visible.split('\n')[0]).toBe('https://news.example/2025/12/only-a-link');
    expect(renderConsole(alert)).toContain('https://news.example/2025/12/only-a-link');
  });

  it('still renders something readable with neither title nor link', () => {
    const bare = makeAlert({ title: '', link: undefined, html: '' });
    expect(renderDiscord(bare).embeds[0]?.title).toBe('(untitled item)');
    expect(expectTelegramWithinLimits(renderTelegram(bare)).startsWith('(untitled item)')).toBe(true);
  });
});

describe('an item whose summary is all boilerplate', () => {
  const alert = makeAlert({
    title: 'Council meets',
    link: 'https://news.example/council',
    html: '<p>تازہ ترین</p><p>Advertisement</p><p>Share this article</p><p>Leave A Comment</p><p>The post Council meets appeared first on Example.</p>',
  });

  it('renders as a title-only alert', () => {
    expect(alert.summary.text).toBe('');
    const discord = renderDiscord(alert);
    expectDiscordWithinLimits(discord);
    expect(discord.embeds[0]?.description).toBeUndefined();
    const visible = expectTelegramWithinLimits(renderTelegram(alert));
    for (const junk of ['Advertisement', 'Leave A Comment', 'تازہ ترین', 'appeared first']) {
      expect(visible).not.toContain(junk);
      expect(JSON.stringify(discord)).not.toContain(junk);
      expect(renderConsole(alert)).not.toContain(junk);
    }
  });
});
