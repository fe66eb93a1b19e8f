/**
 * One item, one query, four surfaces: `taza check --json`, /preview (Discord and Telegram), /subscribe's sample
 * and the alert the pipeline puts in the outbox and the platform receives. They must show the same matched terms
 * and the same summary, with the configured summary limits and the self-hoster's aliases (ALIASES_FILE).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alert.js';
import { loadAliases, shippedAliases, useAliases } from '../../src/matcher/index.js';
import { jsonLines, taza } from '../cli/taza-cli.js';
import { slash } from '../support/discord-user.js';
import { ADMIN_USER, CHANNEL_A, GROUP, startHarness, type Harness } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

const QUERY = 'zarcoin, bitcoin, crypto council, بٹ کوائن';
/** Not the defaults (3 and 500): a surface that ignores the configuration shows a different summary. */
const LIMITS = { sentences: 2, chars: 240 };

/** Matched only through the alias "zar token", which stands in the last sentence. */
const ALIAS_ITEM = {
  guid: 'urn:agree:alias',
  title: 'Markets wait for the central bank',
  link: 'https://news.example/agree/alias',
  description:
    'Markets opened quietly on Monday morning. Traders waited for the central bank statement. ' +
    'Analysts expected little change in rates. Volumes stayed thin across the region. ' +
    'Later the zar token rose sharply after its listing.',
};
/** English only: "بٹ کوائن" matches it through its alias "bitcoin", but the reader sees only "bitcoin". */
const ENGLISH_ITEM = {
  guid: 'urn:agree:english',
  title: 'Bitcoin climbs as the crypto council meets',
  link: 'https://news.example/agree/english',
  description: 'The crypto council met in Islamabad on Tuesday. Bitcoin rose five percent after the meeting.',
};

interface Shown {
  title: string;
  terms: string[];
  /** The summary's non-empty lines, joined by line breaks (how replies quote it). */
  summary: string;
}

const unescapeMarkdown = (text: string) => text.replace(/\\(.)/g, '$1');
const decodeHtml = (text: string) =>
  text.replace(/&(lt|gt|quot|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[name]!);
const summaryLines = (text: string) => text.split('\n').filter(Boolean).join('\n');

/** The items of a Discord reply in the reply markup ("● **title**", link, "Matched: `a`, `b`", "> summary"). */
function markupItems(markup: string): Shown[] {
  return markup
    .split('\n\n')
    .filter((block) => block.startsWith('● '))
    .map((block) => {
      const lines = block.split('\n');
      const matched = lines.find((line) => line.startsWith('Matched: '));
      return {
        title: unescapeMarkdown(lines[0]!.slice(2).replace(/^\*\*|\*\*$/g, '')),
        terms: matched ? [...matched.matchAll(/`([^`]*)`/g)].map((m) => m[1]!) : [],
        summary: lines
          .filter((line) => line.startsWith('> '))
          .map((line) => unescapeMarkdown(line.slice(2)))
          .join('\n'),
      };
    });
}

/** The same from Telegram HTML ("<b>title</b>", "Matched: <code>a</code>", "<blockquote>summary</blockquote>"). */
function htmlItem(block: string): Shown {
  const matched = /^Matched: (.*)$/m.exec(block)?.[1] ?? '';
  return {
    title: decodeHtml(/<b>(.*?)<\/b>/.exec(block)![1]!),
    terms: [...matched.matchAll(/<code>(.*?)<\/code>/g)].map((m) => decodeHtml(m[1]!)),
    summary: decodeHtml(/<blockquote>([\s\S]*?)<\/blockquote>/.exec(block)?.[1] ?? ''),
  };
}

describe('every surface shows what the alert says', () => {
  let h: Harness;
  let dir: string;
  let aliasesFile: string;
  const enqueued: Alert[] = [];
  const feed = () => h.feedServer.url('agree');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'taza-agree-'));
    aliasesFile = join(dir, 'aliases.json');
    writeFileSync(aliasesFile, JSON.stringify([['zarcoin', 'zar token']]));
    // What `taza run` does with ALIASES_FILE at start, before any query is compiled.
    useAliases(loadAliases(aliasesFile));
    h = await startHarness();
    h.app.pipeline.settings.summaryMaxSentences = LIMITS.sentences;
    h.app.pipeline.settings.summaryMaxChars = LIMITS.chars;
    const enqueue = h.outbox.enqueue.bind(h.outbox);
    h.outbox.enqueue = (alert, now) => {
      enqueued.push(alert);
      return enqueue(alert, now);
    };
    h.feedServer.setItems('agree', [
      { guid: 'urn:agree:old', title: 'An older story', link: 'https://news.example/agree/old', description: 'Old.' },
    ]);
  });
  afterAll(async () => {
    await h.close();
    useAliases(shippedAliases());
    rmSync(dir, { recursive: true, force: true });
  });

  it('check --json, /preview, the subscribe sample and the alert agree on terms and summary', async () => {
    expect((await slash(h.discord, 'subscribe', { feed: feed(), keywords: QUERY })).content).toContain('✓ Subscribed');
    h.feedServer.publish('agree', { ...ENGLISH_ITEM, pubDate: new Date() });
    h.feedServer.publish('agree', { ...ALIAS_ITEM, pubDate: new Date() });
    await h.check(feed());
    await h.drained();

    // The alert, as the pipeline built it.
    const alerts: Shown[] = enqueued.map((alert) => ({
      title: alert.item.title,
      terms: alert.matchedTerms,
      summary: summaryLines(alert.summary.text),
    }));
    const byTitle = (shown: Shown[]) => [...shown].sort((a, b) => a.title.localeCompare(b.title));
    expect(byTitle(alerts)).toEqual(
      byTitle([
        {
          title: ALIAS_ITEM.title,
          terms: ['zarcoin'],
          summary: 'Markets opened quietly on Monday morning. Later the zar token rose sharply after its listing.',
        },
        {
          title: ENGLISH_ITEM.title,
          terms: ['bitcoin', 'crypto council'],
          summary: 'The crypto council met in Islamabad on Tuesday. Bitcoin rose five percent after the meeting.',
        },
      ]),
    );

    // What Discord received for them.
    const embeds = h.discord
      .messages(CHANNEL_A)
      .flatMap(
        (m) => (m.body.embeds as Array<{ title: string; description?: string; fields?: { value: string }[] }>) ?? [],
      );
    expect(
      byTitle(
        embeds.map((embed) => ({
          title: unescapeMarkdown(embed.title),
          terms: unescapeMarkdown(embed.fields?.[0]?.value ?? '').split(', '),
          summary: unescapeMarkdown(embed.description ?? ''),
        })),
      ),
    ).toEqual(byTitle(alerts));

    // /preview on both platforms.
    const discordPreview = (await slash(h.discord, 'preview', { feed: feed(), keywords: QUERY })).content;
    expect(byTitle(markupItems(discordPreview))).toEqual(byTitle(alerts));
    const telegramPreview = (
      await tgCommand(h.telegram, `/preview ${feed()} ${QUERY}`, { chat: GROUP, from: ADMIN_USER })
    ).text;
    const telegramItems = telegramPreview
      .split('\n\n')
      .filter((block) => block.startsWith('● '))
      .map(htmlItem);
    expect(byTitle(telegramItems)).toEqual(byTitle(alerts));

    // The sample /subscribe replies with: the newest matching item.
    const subscribed = (await tgCommand(h.telegram, `/subscribe ${feed()} ${QUERY}`, { chat: GROUP, from: ADMIN_USER }))
      .text;
    const sample = htmlItem(subscribed.slice(subscribed.indexOf('(it is not posted):')));
    expect(alerts).toContainEqual(sample);

    // taza check, configured as `taza run` would be.
    const { code, stdout, stderr } = await taza(['check', '--json', feed(), '--keywords', QUERY], {
      ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      ALIASES_FILE: aliasesFile,
      SUMMARY_MAX_SENTENCES: String(LIMITS.sentences),
      SUMMARY_MAX_CHARS: String(LIMITS.chars),
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [report] = jsonLines<{
      items: Array<{ title: string; matched: boolean; matchedTerms: string[]; summary: string }>;
    }>(stdout);
    const checked = report!.items
      .filter((item) => item.matched)
      .map((item) => ({ title: item.title, terms: item.matchedTerms, summary: summaryLines(item.summary) }));
    expect(byTitle(checked)).toEqual(byTitle(alerts));
  });
});
