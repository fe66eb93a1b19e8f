/**
 * What one item is for one query: whether it matches, which of the subscriber's terms it matched and where, its
 * text, and the summary an alert would carry. The one evaluation behind every surface: the alert the pipeline
 * builds, `taza check`, /preview and /subscribe's sample; so what a person is shown beforehand is what is posted.
 */
import type { Summary } from '../core/alert.js';
import type { FeedItem, ParsedFeed } from '../core/feed.js';
import {
  AliasTable,
  aliasVariants,
  matchPrepared,
  matchQuery,
  normalizeText,
  parseQuery,
  prepareItem,
  type CompiledQuery,
  type MatchInput,
  type MatchResult,
  type PreparedItem,
} from '../matcher/index.js';
import { htmlToText, summarize } from '../summarizer/index.js';

/** What the feed says about all its items that the evaluation needs. */
export type FeedContext = Pick<ParsedFeed, 'language'>;

/** SUMMARY_MAX_SENTENCES and SUMMARY_MAX_CHARS, as configured. */
export interface EvaluationSettings {
  summaryMaxSentences: number;
  summaryMaxChars: number;
}

export interface ItemEvaluation {
  matched: boolean;
  /** The subscriber's terms this item matched, for "Matched: …"; [] for a non-match. */
  terms: string[];
  /** Where the terms were found ('bitcoin (as بٹ کوائن) in text'), or why the item does not match. */
  explanation: string;
  /** The item's content as clean plain text (what the query was matched against). */
  text: string;
  summary: Summary;
}

export interface EvaluationOptions {
  /** The HTML to summarize instead of the item's own: the article page, for feeds that ask for full text. */
  html?: string;
  /** The item's text when the caller has already converted its HTML (htmlToText of item.html). */
  text?: string;
}

/**
 * Evaluates one item. `query` is the subscriber's compiled query, or, in the pipeline, the answer the feed's match
 * index already gave for it (the index answers exactly as matchQuery does, for every subscription in one pass).
 * The summary uses the configured limits and looks for every alias spelling of the matched terms (ALIASES_FILE
 * is in the active alias table).
 */
export function evaluateItem(
  item: FeedItem,
  feed: FeedContext,
  query: CompiledQuery | MatchResult,
  settings: EvaluationSettings,
  options: EvaluationOptions = {},
): ItemEvaluation {
  const text = options.text ?? htmlToText(item.html);
  const input: MatchInput = {
    title: item.title,
    text,
    link: item.link,
    author: item.author,
    categories: item.categories,
  };
  const result = isMatchResult(query) ? query : matchQuery(query, input);
  const terms = result.matched ? termsFoundIn(result.terms, input) : [];
  // The item's own HTML is already converted (text); an article page's HTML is not.
  const own = options.html === undefined || options.html === item.html;
  const source = own ? { html: item.html, text } : { html: options.html! };
  const summary = summarize({ title: item.title, ...source, language: feed.language }, terms, {
    maxSentences: settings.summaryMaxSentences,
    maxChars: settings.summaryMaxChars,
    // 'crypto council' may stand in an Urdu article as 'کرپٹو کونسل': the summary looks for every spelling.
    termVariants: terms.flatMap((term) => aliasVariants(term)),
  });
  return { matched: result.matched, terms, explanation: result.why ?? '', text, summary };
}

function isMatchResult(query: CompiledQuery | MatchResult): query is MatchResult {
  return typeof (query as Partial<MatchResult>).matched === 'boolean';
}

const NO_ALIASES = new AliasTable([]);

/**
 * The matched terms without those this item matched only through another listed term's spelling. The matcher
 * counts `بٹ کوائن` as matched by an English article that says "bitcoin" (they are aliases), so the query
 * "bitcoin, بٹ کوائن" would list both; the reader sees only "bitcoin" in the article, so only that is listed.
 * A term found only as an alias that no other listed term accounts for stays: it is what the subscriber typed.
 */
export function termsFoundIn(terms: readonly string[], input: MatchInput): string[] {
  if (terms.length < 2) return [...terms];
  let prepared: PreparedItem | undefined;
  const spelledOut = terms.map((term, i) => {
    const hasAliasListed = terms.some((other, j) => j !== i && sameAliasGroup(term, other));
    return !hasAliasListed || ownSpellingFound(term, (prepared ??= prepareItem(input)));
  });
  const kept: boolean[] = [];
  terms.forEach((term, i) => {
    const accounted = terms.some((other, j) => j !== i && (spelledOut[j] || kept[j]) && sameAliasGroup(term, other));
    kept[i] = spelledOut[i]! || !accounted;
  });
  return terms.filter((_, i) => kept[i]);
}

function sameAliasGroup(a: string, b: string): boolean {
  const normalized = normalizeText(b);
  return aliasVariants(a).some((variant) => normalizeText(variant) === normalized);
}

/** Is the term itself, with its plural forms but none of its aliases, in the item? Unsure counts as yes. */
function ownSpellingFound(term: string, item: PreparedItem): boolean {
  const own = parseQuery(term, { aliases: NO_ALIASES });
  if (!own.ok || own.query.terms.length !== 1) return true;
  return matchPrepared(own.query, item).matched;
}
