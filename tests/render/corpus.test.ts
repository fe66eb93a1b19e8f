/**
 * Every item of every feed in tests/fixtures/corpus/feeds, summarized and rendered for Discord and Telegram:
 * within every limit, Telegram HTML well-formed with only allowed tags, no raw HTML tags left in the
 * text a reader sees, and no script content anywhere (the feedparser sanitize case).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { renderConsole, renderDiscord, renderTelegram } from '../../src/render/index.js';
import { type CorpusFeed, loadCorpusFeeds } from '../support/corpus.js';
import { expectDiscordWithinLimits, expectTelegramWithinLimits } from '../support/limits.js';
import { makeAlert } from '../support/alerts.js';

/**
 * An HTML tag left in the text: a real element name such as `<p>`, `</div>`, `<img src=…>`, or a comment.
 * Angle brackets around other words are legitimate text (IRC nicknames like `<L29Ah>` in the bash.org feed).
 */
const RAW_TAG =
  /<\/?(?:a|abbr|b|blockquote|br|code|div|em|figure|font|h[1-6]|hr|i|iframe|img|li|ol|p|pre|script|section|span|strong|style|table|td|tr|u|ul)(?:\s[^<>]*)?\/?>|<!--/i;
/** The feedparser sanitize case's script and what it does; "JavaScript:" in prose (heise) is fine. */
const SCRIPT_CONTENT = /<script|location\.href\s*=/i;
const discordShows = (text: string) =>
  text.replace(/\\([^\p{L}\p{N}\s])/gu, '$1').replace(/[\u200B\u200F\u2066-\u2069]/g, '');

let listed: string[] = [];
let feeds: CorpusFeed[] = [];
const alerts: { file: string; alert: Alert }[] = [];

beforeAll(() => {
  ({ listed, feeds } = loadCorpusFeeds());
  for (const feed of feeds) {
    for (const item of feed.items) {
      // Match every item on a word of its title, as a subscription would, so term sentences get picked.
      const term = item.title.split(/\s+/).find((word) => word.length > 4) ?? 'news';
      alerts.push({
        file: feed.file,
        alert: makeAlert({
          title: item.title,
          html: item.html,
          feedTitle: feed.title,
          terms: [term.toLowerCase()],
          link: item.link,
          published: item.published,
          ...(feed.language !== undefined && { language: feed.language }),
        }),
      });
    }
  }
});

describe('the shared feed corpus', () => {
  it('covers the corpus: every listed feed tried, most parsed, over 300 items', () => {
    // The corpus has 19 feed files, some deliberately broken (malformed XML, a missing RSS version, a bad Atom
    // date, UTF-16 without items); the parse stage reads what it can, and a feed it refuses is left out.
    expect(listed.length).toBeGreaterThanOrEqual(19);
    expect(feeds.length).toBeGreaterThanOrEqual(15);
    expect(alerts.length).toBeGreaterThanOrEqual(300);
    expect(feeds.map((feed) => feed.file)).toContain('miniflux/internal/reader/parser/testdata/urdu_UTF8.xml');
    expect(feeds.map((feed) => feed.file)).toContain('feedparser/tests/wellformed/sanitize/entry_content_script.xml');
  });

  it('summaries are clean plain text within the default budget', () => {
    for (const { file, alert } of alerts) {
      const { text } = alert.summary;
      expect(text.length, file).toBeLessThanOrEqual(500);
      expect(text, `${file}: ${text}`).not.toMatch(RAW_TAG);
      expect(text, file).not.toMatch(SCRIPT_CONTENT);
      expect(text, file).toBe(text.trim());
    }
  });

  it('renders every item for Discord within every limit, with nothing raw left', () => {
    for (const { file, alert } of alerts) {
      const message = renderDiscord(alert);
      expectDiscordWithinLimits(message);
      const [embed] = message.embeds;
      for (const shown of [embed?.title, embed?.description].map((text) => discordShows(text ?? ''))) {
        expect(shown, `${file}: ${shown}`).not.toMatch(RAW_TAG);
        expect(shown, file).not.toMatch(SCRIPT_CONTENT);
      }
    }
  });

  it('renders every item for Telegram within 4096 units, well-formed, with nothing raw left', () => {
    for (const { file, alert } of alerts) {
      const message = renderTelegram(alert);
      const visible = expectTelegramWithinLimits(message);
      expect(visible, `${file}: ${visible}`).not.toMatch(RAW_TAG);
      expect(message.text, file).not.toMatch(SCRIPT_CONTENT);
    }
  });

  it('renders every item for the console', () => {
    for (const { file, alert } of alerts) {
      const text = renderConsole(alert);
      expect(text.length, file).toBeGreaterThan(0);
      expect(text, file).not.toMatch(SCRIPT_CONTENT);
    }
  });

  it('keeps the script out of the feedparser sanitize case and its text in', () => {
    const sanitize = alerts.find(({ file }) => file.endsWith('entry_content_script.xml'));
    expect(sanitize?.alert.summary.text).toBe('safe description');
    expect(JSON.stringify(renderDiscord(sanitize!.alert))).not.toMatch(SCRIPT_CONTENT);
    expect(renderTelegram(sanitize!.alert).text).not.toMatch(SCRIPT_CONTENT);
  });

  it('marks the BBC Urdu items right to left', () => {
    const urdu = alerts.filter(({ file }) => file.endsWith('urdu_UTF8.xml'));
    expect(urdu.length).toBeGreaterThanOrEqual(20);
    for (const { alert } of urdu) expect(alert.summary).toMatchObject({ lang: 'ur', dir: 'rtl' });
  });
});
