/**
 * `taza check <feed-url-or-file>… [--keywords "<query>"] [--json]`: runs fetch → parse → identify → match →
 * summarize on each input and prints what would be posted: the evaluation alerts are built from, with the
 * configured summary limits and aliases. Exit 0 when every input parsed, 2 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { applyAliasesFile } from '../config/aliases-file.js';
import { loadConfig } from '../config/load.js';
import type { ParsedFeed } from '../core/feed.js';
import { createFetcher, createNetworkPolicy } from '../fetcher/index.js';
import { identifyItems } from '../identify/index.js';
import { parseQuery, type CompiledQuery } from '../matcher/index.js';
import { parseFeed } from '../parser/index.js';
import { evaluateItem, type EvaluationSettings } from '../pipeline/evaluate-item.js';
import { cleanControlCharacters as clean } from '../summarizer/html-to-text.js';
import { userAgent } from '../app/version.js';
import { describeError } from '../pipeline/feed-health.js';

export const CHECK_HELP = `Usage: taza check <feed-url-or-file>… [--keywords "<query>"] [--json]

Fetches each URL (or reads each file), parses it and prints every item with whether it matches
the query and the summary that would be posted. Summaries use SUMMARY_MAX_SENTENCES,
SUMMARY_MAX_CHARS and ALIASES_FILE as \`taza run\` does. Nothing is saved and nothing is posted.

Options:
  -k, --keywords <query>  the keyword query, e.g. "bitcoin, crypto council, بٹ کوائن" (default: every item)
      --json              one JSON document per input, one per line
  -h, --help              show this help

Exit code: 0 when every input parsed, 2 otherwise.`;

export interface CheckedItem {
  id: string;
  title: string;
  link?: string;
  published?: string;
  matched: boolean;
  matchedTerms: string[];
  /** Where the terms were found, or why the item does not match. */
  why: string;
  summary: string;
}

export type CheckReport =
  | {
      input: string;
      feed: { title: string; link?: string; format: string; language?: string; itemCount: number };
      items: CheckedItem[];
    }
  | { input: string; error: string };

export async function runCheck(args: string[]): Promise<number> {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({
      args,
      allowPositionals: true,
      options: { keywords: { type: 'string', short: 'k' }, json: { type: 'boolean' } },
    });
  } catch (error) {
    console.error(`taza check: ${(error as Error).message}. Run "taza check --help".`);
    return 2;
  }
  const { values, positionals } = parsedArgs;
  if (positionals.length === 0) {
    console.error('taza check: give at least one feed URL or file. Run "taza check --help".');
    return 2;
  }
  // The configuration `taza run` reads: the same aliases and summary limits, so the output is what would be posted.
  const config = loadConfig();
  applyAliasesFile(config);
  const query = parseQuery(values.keywords ?? '');
  if (!query.ok) {
    console.error(`taza check: --keywords: ${query.error}`);
    return 2;
  }
  const settings: EvaluationSettings = {
    summaryMaxSentences: config.SUMMARY_MAX_SENTENCES,
    summaryMaxChars: config.SUMMARY_MAX_CHARS,
  };
  const fetcher = createFetcher({
    userAgent: userAgent(config.USER_AGENT),
    networkPolicy: createNetworkPolicy(config.ALLOW_PRIVATE_NETWORKS),
  });
  const read = async (input: string) => {
    if (/^https?:\/\//i.test(input)) {
      const result = await fetcher({ url: input });
      if (result.kind !== 'fetched')
        throw new Error('the server answered 304 Not Modified to an unconditional request');
      return { body: result.body, contentType: result.contentType };
    }
    return { body: await readFile(input), contentType: undefined };
  };
  let failures = 0;
  for (const input of positionals) {
    const report = await checkOne(input, read, query.query, settings);
    if ('error' in report) failures++;
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  }
  return failures === 0 ? 0 : 2;
}

/**
 * One input, read and evaluated. Feed text is cleaned of control characters and bidi overrides here, as in
 * alerts, so neither the terminal report nor the JSON can carry a feed's escape sequences.
 */
export async function checkOne(
  input: string,
  read: (input: string) => Promise<{ body: Buffer; contentType?: string }>,
  query: CompiledQuery,
  settings: EvaluationSettings,
): Promise<CheckReport> {
  let feed: ParsedFeed;
  try {
    const { body, contentType } = await read(input);
    feed = parseFeed(body, contentType);
  } catch (error) {
    return { input, error: clean(describeError(error, new Date()).message) };
  }
  const items = identifyItems(feed.items).map((item): CheckedItem => {
    const evaluation = evaluateItem(item, feed, query, settings);
    return {
      id: item.key,
      title: clean(item.title),
      ...(item.link ? { link: clean(item.link) } : {}),
      published: item.published?.toISOString(),
      matched: evaluation.matched,
      matchedTerms: evaluation.terms.map(clean),
      why: clean(evaluation.explanation),
      summary: evaluation.summary.text,
    };
  });
  return {
    input,
    feed: {
      title: clean(feed.title),
      ...(feed.link ? { link: clean(feed.link) } : {}),
      format: feed.format,
      ...(feed.language ? { language: clean(feed.language) } : {}),
      itemCount: items.length,
    },
    items,
  };
}

function formatReport(report: CheckReport): string {
  if ('error' in report) return `✗ ${report.input}\n  ${report.error}\n\n`;
  const { feed, items } = report;
  const matched = items.filter((item) => item.matched).length;
  const lines = [
    `✓ ${report.input}`,
    `  ${feed.title || '(untitled)'} — ${feed.format}${feed.language ? `, ${feed.language}` : ''}, ${feed.itemCount} items, ${matched} match`,
  ];
  for (const item of items) {
    lines.push('', `  ${item.matched ? '●' : '○'} ${item.title || '(no title)'}`);
    if (item.link) lines.push(`    ${item.link}`);
    if (item.published) lines.push(`    ${item.published}`);
    if (item.matched && item.matchedTerms.length > 0) lines.push(`    Matched: ${item.matchedTerms.join(', ')}`);
    if (item.matched && item.summary) lines.push(...item.summary.split('\n').map((line) => `    ${line}`));
  }
  return `${lines.join('\n')}\n\n`;
}
