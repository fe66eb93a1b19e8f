/**
 * Alert templates: checked when set, filled from the item, escaped per platform (so neither the template nor the
 * feed pings anyone or becomes live markup), right-to-left safe, and within every platform limit.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { parseFeed } from '../../src/parser/index.js';
import { LRI, PDI, RLI, RLM } from '../../src/render/bidi.js';
import { parseTemplate, renderDiscord, renderTelegram, TELEGRAM_LIMITS } from '../../src/render/index.js';
import { detectDirection } from '../../src/summarizer/direction.js';
import { makeAlert } from '../support/alerts.js';
import { checkTelegramHtml } from '../support/telegram-html.js';
import { BBC_URDU_FEED, corpusFile } from '../support/corpus.js';

function templated(template: string, spec: Parameters<typeof makeAlert>[0] = {}, item: Partial<Alert['item']> = {}) {
  const alert = makeAlert({ to: { platform: 'discord', id: '1300000000000000002' }, ...spec });
  return { ...alert, item: { ...alert.item, ...item }, style: { template } } satisfies Alert;
}

const description = (alert: Alert) => renderDiscord(alert).embeds[0]!.description!;

describe('parseTemplate', () => {
  it('accepts every placeholder, limits and time zones', () => {
    const parsed = parseTemplate(
      '{title} {link} {summary:300} {terms} {feed} {published:Asia/Karachi} {author:40} {categories} {{x}}',
    );
    expect(parsed.ok).toBe(true);
  });

  it.each([
    ['{titel}', /\{titel\} is not a placeholder\. Use \{title\} \{link\}/],
    ['{summary:0}', /length limit is a number of characters from 1 to 4000/],
    ['{published:Mars/Olympus}', /"Mars\/Olympus" is not a time zone/],
    ['{title:Asia/Karachi}', /after the colon comes a length limit/],
    ['{title', /"\{" is not closed/],
    ['title}', /"\}" closes no placeholder/],
    ['just text', /at least one placeholder/],
  ])('refuses %s with a message that says why', (template, message) => {
    const parsed = parseTemplate(template);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(message);
  });
});

describe('rendering a template', () => {
  it('fills every placeholder, with {summary:N} cut and {published:zone} in that zone', () => {
    const alert = templated(
      'T={title} L={link} S={summary:20} M={terms} F={feed} P={published:Asia/Karachi} U={published} A={author} C={categories}',
      { summary: { text: 'First sentence here. Second sentence that is long.', dir: 'ltr' } },
      { author: 'Asad', categories: ['Crypto', 'Pakistan'] },
    );
    const text = renderTelegram({ ...alert, destination: { platform: 'telegram', id: '-100123' } }).text;
    expect(text).toBe(
      'T=Story 1 L=https://news.example/1 S=First sentence here. M=bitcoin F=Example News ' +
        'P=2026-11-29 15:00 GMT+5 U=2026-11-29 10:00 UTC A=Asad C=Crypto, Pakistan',
    );
  });

  it('a title of @everyone </b> **x** pings nobody and shows as typed on both platforms', () => {
    const hostile = '@everyone </b> **x** <@&123456789012345678> <a href="https://evil.test">y</a>';
    const alert = templated('**{title}** <b>{link}</b> @here', {}, { title: hostile });
    const discord = renderDiscord(alert);
    const text = discord.embeds[0]!.description!;
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.content).toBeUndefined();
    // Every mention is broken by a zero-width space and every markdown character escaped.
    expect(text).not.toMatch(/@everyone|@here|<@&\d/);
    expect(text).toContain('\\*\\*x\\*\\*');
    expect(text).toContain('\\*\\*@\u200Beveryone');
    expect(text.replace(/\\(.)/g, '$1').replace(/\u200B/g, '')).toBe(
      `**${hostile}** <b>https://news.example/1</b> @here`,
    );

    const telegram = renderTelegram({ ...alert, destination: { platform: 'telegram', id: '-100123' } });
    const check = checkTelegramHtml(telegram.text);
    expect(check.ok).toBe(true);
    // Telegram shows the entities decoded: exactly the text as typed, and no tag of the feed's survives.
    expect(check.ok && check.plainText).toBe(`**${hostile}** <b>https://news.example/1</b> @here`);
    expect(telegram.text).not.toMatch(/<(?!\/?(b|i|a)\b)|<a href="https:\/\/evil/);
  });

  it('an Urdu title from BBC Urdu keeps its direction marks and isolates its Latin fragment', () => {
    const feed = parseFeed(corpusFile(BBC_URDU_FEED));
    const urdu = feed.items[5]!.title;
    const title = `${urdu} (Bitcoin ETF)`;
    const dir = detectDirection(title, 'ur').dir;
    expect(dir).toBe('rtl');
    const alert = templated(
      '{title}\n{feed}',
      { summary: { text: '', dir, lang: 'ur' }, feedTitle: feed.title },
      { title },
    );
    const [titleLine, feedLine] = description(alert).split('\n');
    expect(titleLine!.startsWith(`${RLM}${RLI}`)).toBe(true);
    expect(titleLine!.endsWith(PDI)).toBe(true);
    expect(titleLine).toContain(`${LRI}Bitcoin ETF)${PDI}`);
    expect(feedLine).toContain(`${LRI}BBC News${PDI}`);
    const telegram = renderTelegram({ ...alert, destination: { platform: 'telegram', id: '-100123' } }).text;
    expect(telegram.startsWith(`${RLM}${RLI}`)).toBe(true);
    expect(telegram).toContain(`${LRI}Bitcoin ETF)${PDI}`);
  });

  it('stays within each platform limit: the summary shortened first, the link never cut', () => {
    const long = Array.from({ length: 400 }, (_, i) => `Sentence ${i} is about bitcoin.`).join(' ');
    const alert = templated('{title}\n{summary}\n{link}', { summary: { text: long, dir: 'ltr' } });
    const discord = description(alert);
    expect(discord.length).toBeLessThanOrEqual(4096);
    expect(discord.endsWith('\nhttps://news.example/1')).toBe(true);
    const telegram = renderTelegram({ ...alert, destination: { platform: 'telegram', id: '-100123' } }).text;
    const plain = checkTelegramHtml(telegram);
    expect(plain.ok && plain.plainText.length).toBeLessThanOrEqual(TELEGRAM_LIMITS.text);
    expect(telegram.endsWith('\nhttps://news.example/1')).toBe(true);
    const photo = renderTelegram({
      ...alert,
      destination: { platform: 'telegram', id: '-100123' },
      item: { ...alert.item, image: 'https://cdn.news.example/a.jpg' },
    });
    const caption = checkTelegramHtml(photo.text);
    expect(caption.ok && caption.plainText.length).toBeLessThanOrEqual(TELEGRAM_LIMITS.caption);
    expect(photo.text.endsWith('https://news.example/1')).toBe(true);
  });

  it('a title repeated past the limit is cut after a word, the message still valid', () => {
    const title = 'word '.repeat(150).trim();
    const alert = templated(`${'{title} '.repeat(20)}{link}`, {}, { title });
    const telegram = renderTelegram({
      ...alert,
      destination: { platform: 'telegram', id: '-100123' },
      item: { ...alert.item, image: 'https://cdn.news.example/a.jpg' },
    });
    const check = checkTelegramHtml(telegram.text);
    expect(check.ok && check.plainText.length).toBeLessThanOrEqual(1024);
    expect(telegram.text).toContain('https://news.example/1');
    expect(description(alert).length).toBeLessThanOrEqual(4096);
  });

  it('snapshots of a templated Urdu alert per platform (reviewed by eye)', () => {
    const feed = parseFeed(corpusFile(BBC_URDU_FEED));
    const item = feed.items[1]!;
    const alert = templated(
      '📰 {title}\n{summary:200}\nMatched: {terms} · {published:Asia/Karachi}\n{link}',
      {
        summary: {
          text: 'امریکہ نے پاکستان کی عسکری امداد روک دی ہے۔ یہ فیصلہ Trump انتظامیہ نے کیا۔',
          dir: 'rtl',
          lang: 'ur',
        },
        feedTitle: feed.title,
        terms: ['امریکہ', 'Trump'],
        link: item.link,
        published: '2018-01-05T08:30:00.000Z',
      },
      { title: item.title },
    );
    expect(
      renderDiscord({ ...alert, style: { ...alert.style, mention: 'role:1300000000000000099', silent: true } }),
    ).toMatchSnapshot();
    expect(renderTelegram({ ...alert, destination: { platform: 'telegram', id: '-100123' } })).toMatchSnapshot();
  });
});
