import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, renderDiscord } from '../../src/render/index.js';
import { makeAlert } from '../support/alerts.js';
import { expectDiscordWithinLimits } from '../support/limits.js';

describe('renderDiscord', () => {
  const alert = makeAlert({
    title: 'Bitcoin tops $100k',
    link: 'https://news.example/btc?id=1',
    published: 'Fri, 12 Dec 2025 22:20:18 +0000',
    html: '<p>Bitcoin rose above $100,000 on Friday. Traders cheered.</p>',
    feedTitle: 'Example News',
    terms: ['bitcoin', 'btc'],
  });

  it('makes one embed: linked title, summary, feed name, timestamp and matched terms', () => {
    const message = renderDiscord(alert);
    expect(message).toEqual({
      embeds: [
        {
          title: 'Bitcoin tops $100k',
          url: 'https://news.example/btc?id=1',
          description: 'Bitcoin rose above $100,000 on Friday. Traders cheered.',
          color: expect.any(Number),
          fields: [{ name: 'Matched', value: 'bitcoin, btc', inline: true }],
          footer: { text: 'Example News' },
          timestamp: '2025-12-12T22:20:18.000Z',
        },
      ],
      allowed_mentions: { parse: [] },
    });
    expectDiscordWithinLimits(message);
  });

  it('leaves out the url, timestamp, description and fields it has no valid value for', () => {
    const bare = makeAlert({
      title: 'T',
      link: 'javascript:alert(1)',
      published: 'not a date',
      html: '',
      feedTitle: 'Example Feed',
      terms: [],
    });
    const [embed] = renderDiscord(bare).embeds;
    expect(embed).toEqual({ title: 'T', color: expect.any(Number), footer: { text: 'Example Feed' } });
  });

  it('refuses links with credentials that disguise the host', () => {
    const [embed] = renderDiscord(makeAlert({ title: 'T', link: 'https://discord.com@evil.example/x' })).embeds;
    expect(embed?.url).toBeUndefined();
  });

  it('cuts a long title after a word, within 256 characters', () => {
    const title = 'Headline '.repeat(60).trim();
    const [embed] = renderDiscord(makeAlert({ title })).embeds;
    expect(embed?.title?.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(embed?.title).toMatch(/^(Headline )+Headline…$/);
  });

  it('keeps the whole message within 6000 characters when every part is at its largest', () => {
    const long = `${'A sentence that is long enough to matter here. '.repeat(200)}`;
    const message = renderDiscord(
      makeAlert({
        title: 'x'.repeat(1000),
        feedTitle: 'F'.repeat(3000),
        terms: Array.from({ length: 200 }, (_, index) => `term${index}`),
        summary: { text: long, dir: 'ltr' },
      }),
    );
    expectDiscordWithinLimits(message);
    const description = message.embeds[0]?.description ?? '';
    expect(description.endsWith('here.')).toBe(true); // whole sentences only
    expect(message.embeds[0]?.fields?.[0]?.value.endsWith('…')).toBe(true);
  });
});
