/**
 * `taza check <feed-url-or-file>… [--keywords "<query>"] [--json]`: runs fetch → parse → identify → match →
 * summarize on each input and prints what would be posted: the evaluation alerts are built from, with the
 * configured summary limits and aliases. Exit 0 when every input parsed, 2 otherwise.
 */
import { parseArgs } from 'node:util';
import { applyAliasesFile } from '../config/aliases-file.js';
import { parseDuration } from '../config/duration.js';
import { loadConfig } from '../config/load.js';
import { createFetcher, createNetworkPolicy } from '../fetcher/index.js';
import type { FeedLoading } from '../subscriptions/load-feed.js';
import { parseQuery, type CompiledQuery } from '../matcher/index.js';
import { evaluateItem, type EvaluationSettings } from '../pipeline/evaluate-item.js';
import { cleanControlCharacters as clean } from '../summarizer/html-to-text.js';
import { userAgent } from '../app/version.js';
import { plural } from '../replies/format.js';
import { CheckInputProblem, readCheckInput } from './check-input.js';

export const CHECK_HELP = `Usage: taza check <feed-url-or-file>… [--keywords "<query>"] [--json] [--timeout <time>]

Fetches each URL (or reads each file), parses it and prints every item with whether it matches
the query and the summary that would be posted. A web page is followed to the feed it links to; an
address typed without https:// is tried as one when there is no such file. Summaries use
SUMMARY_MAX_SENTENCES, SUMMARY_MAX_CHARS and ALIASES_FILE as \`taza run\` does. Nothing is saved
and nothing is posted.

Options:
  -k, --keywords <query>  the keyword query, e.g. "bitcoin, crypto council, بٹ کوائن" (default: every item)
      --json              one JSON document per input, one per line
      --timeout <time>    give up on a URL after this long, e.g. 5s (default 20s)
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
      /** The feed's URL when it was fetched (the advertised feed when a page was given). */
      url?: string;
      discoveredFrom?: string;
      note?: string;
      feed: { title: string; link?: string; format: string; language?: string; itemCount: number };
      items: CheckedItem[];
    }
  | { input: string; error: string };

const DEFAULT_TIMEOUT_MS = 20_000;

export async function runCheck(args: string[]): Promise<number> {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({
      args,
      allowPositionals: true,
      options: {
        keywords: { type: 'string', short: 'k' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
      },
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
  const timeoutMs = values.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(values.timeout);
  if (!timeoutMs) {
    console.error(`taza check: --timeout: "${values.timeout}" is not a duration such as 5s or 1m.`);
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
  const networkPolicy = createNetworkPolicy(config.ALLOW_PRIVATE_NETWORKS);
  const loading: FeedLoading = {
    fetcher: createFetcher({ userAgent: userAgent(config.USER_AGENT), networkPolicy, totalTimeoutMs: timeoutMs }),
    networkPolicy,
    now: () => new Date(),
  };
  let failures = 0;
  for (const input of positionals) {
    const report = await checkOne(loading, input, query.query, settings);
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
  loading: FeedLoading,
  input: string,
  query: CompiledQuery,
  settings: EvaluationSettings,
): Promise<CheckReport> {
  let read;
  try {
    read = await readCheckInput(loading, input);
  } catch (error) {
    if (!(error instanceof CheckInputProblem)) throw error;
    return { input, error: clean(error.message) };
  }
  const { parsed } = read;
  const items = read.items.map((item): CheckedItem => {
    const evaluation = evaluateItem(item, parsed, query, settings);
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
    ...(read.url ? { url: read.url } : {}),
    ...(read.discoveredFrom ? { discoveredFrom: read.discoveredFrom } : {}),
    ...(read.note ? { note: read.note } : {}),
    feed: {
      title: clean(parsed.title),
      ...(parsed.link ? { link: clean(parsed.link) } : {}),
      format: parsed.format,
      ...(parsed.language ? { language: clean(parsed.language) } : {}),
      itemCount: items.length,
    },
    items,
  };
}

/** "12 items, 3 match", "12 items, 1 matches", "1 item, none matches". */
function itemCounts(items: number, matched: number): string {
  const verb = matched === 1 || (matched === 0 && items === 1) ? 'matches' : 'match';
  return `${plural(items, 'item')}, ${matched === 0 ? 'none' : matched} ${verb}`;
}

function formatReport(report: CheckReport): string {
  if ('error' in report) return `✗ ${report.input}\n  ${report.error}\n\n`;
  const { feed, items } = report;
  const matched = items.filter((item) => item.matched).length;
  const lines = [`✓ ${report.input}`];
  if (report.note) lines.push(`  (${report.note})`);
  if (report.discoveredFrom) lines.push(`  (a web page; Taza read the feed it links to: ${report.url})`);
  lines.push(
    `  ${feed.title || '(untitled)'} — ${feed.format}${feed.language ? `, ${feed.language}` : ''}, ${itemCounts(feed.itemCount, matched)}`,
  );
  for (const item of items) {
    lines.push('', `  ${item.matched ? '●' : '○'} ${item.title || '(no title)'}`);
    if (item.link) lines.push(`    ${item.link}`);
    if (item.published) lines.push(`    ${item.published}`);
    if (item.matched && item.matchedTerms.length > 0) lines.push(`    Matched: ${item.matchedTerms.join(', ')}`);
    if (item.matched && item.summary) lines.push(...item.summary.split('\n').map((line) => `    ${line}`));
  }
  return `${lines.join('\n')}\n\n`;
}
