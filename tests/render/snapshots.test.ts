/**
 * Snapshots of one English, one Urdu and one title-only alert per platform, from real feed items
 * (tests/fixtures/render/SOURCES.md). Bidi controls and zero-width spaces are made visible as <RLM>,
 * <LRI> etc. so a reviewer can see where they go.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConsole, renderDiscord, renderDigest, renderTelegram } from '../../src/render/index.js';
import { expectDiscordWithinLimits, expectTelegramWithinLimits } from '../support/limits.js';
import { makeAlert } from '../support/alerts.js';

interface ItemFixture {
  feedTitle: string;
  language: string;
  title: string;
  link: string;
  published: string;
  html: string;
  terms: string[];
}

const NAMES = ['english', 'urdu', 'titleOnly'] as const;
const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/render/snapshot-items.json', import.meta.url), 'utf8'),
) as Record<(typeof NAMES)[number], ItemFixture>;

const INVISIBLES: Record<string, string> = {
  '\u200F': '<RLM>',
  '\u2066': '<LRI>',
  '\u2067': '<RLI>',
  '\u2068': '<FSI>',
  '\u2069': '<PDI>',
  '\u200B': '<ZWSP>',
};
const visible = (value: unknown): string =>
  JSON.stringify(value, null, 2).replace(
    /[\u200F\u2066-\u2069\u200B]/g,
    (character) => INVISIBLES[character] ?? character,
  );
const visibleText = (text: string): string =>
  text.replace(/[\u200F\u2066-\u2069\u200B]/g, (character) => INVISIBLES[character] ?? character);

const alerts = Object.fromEntries(
  NAMES.map((name) => [name, fixtures[name]] as const).map(([name, item]) => [
    name,
    makeAlert({
      title: item.title,
      link: item.link,
      published: item.published,
      html: item.html,
      language: item.language,
      feedTitle: item.feedTitle,
      terms: item.terms,
    }),
  ]),
) as Record<keyof typeof fixtures, ReturnType<typeof makeAlert>>;

describe.each(NAMES)('%s alert', (name) => {
  const alert = alerts[name];

  it('renders for Discord', () => {
    const message = renderDiscord(alert);
    expectDiscordWithinLimits(message);
    expect(visible(message)).toMatchSnapshot();
  });

  it('renders for Telegram', () => {
    const message = renderTelegram(alert);
    expectTelegramWithinLimits(message);
    expect(visible(message)).toMatchSnapshot();
  });

  it('renders for the console', () => {
    expect(renderConsole(alert)).toMatchSnapshot();
  });
});

describe('digest of the three alerts', () => {
  const all = [alerts.english, alerts.urdu, alerts.titleOnly];
  it('renders for every platform', () => {
    expect(visible(renderDigest(all, 'discord'))).toMatchSnapshot();
    expect(visible(renderDigest(all, 'telegram'))).toMatchSnapshot();
    expect(visibleText(renderDigest(all, 'console'))).toMatchSnapshot();
  });
});
