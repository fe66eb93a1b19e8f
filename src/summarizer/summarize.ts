/**
 * Extractive, keyword-aware summary: the lead sentence, then the sentences that carry the matched terms,
 * in the original order, within a sentence and character budget. Never a cut sentence, except the
 * fallback for a lead sentence longer than the whole budget (text without punctuation), cut after a word.
 */
import type { Summary } from '../core/alert.js';
import { removeBoilerplate } from './boilerplate.js';
import { detectDirection } from './direction.js';
import { htmlToText } from './html-to-text.js';
import { normalizeText } from '../matcher/index.js';
import { joinSentences, type Sentence, splitSentences, truncateAtWord } from './segments.js';
import { countTermsIn, termWords, type TermWords } from './terms.js';

export interface SummaryOptions {
  /** At most this many sentences (default 3). */
  maxSentences?: number;
  /** At most this many UTF-16 units, joining spaces included (default 500). */
  maxChars?: number;
  /**
   * Other surface forms of the matched terms to look for in the text, such as the Urdu alias
   * 'کرپٹو کونسل' of the subscriber's term 'crypto council'.
   */
  termVariants?: string[];
}

export interface SummaryInput {
  title: string;
  html: string;
  /** htmlToText(html) when the caller already has it (feed reading converts every item off the main thread). */
  text?: string;
  /** The feed's declared language, if any. */
  language?: string;
}

export const DEFAULT_MAX_SENTENCES = 3;
export const DEFAULT_MAX_CHARS = 500;

/**
 * Choose sentences: the lead first, then by distinct matched terms (more first), then by position (earlier
 * first). The lead is the first sentence that fits the budget on its own; only when none does is the
 * first one returned alone, for the caller to cut after a word.
 */
function pickSentences(sentences: Sentence[], terms: TermWords[], maxSentences: number, maxChars: number): Sentence[] {
  const leadIndex = Math.max(
    0,
    sentences.findIndex((sentence) => sentence.text.length <= maxChars),
  );
  const lead = sentences[leadIndex];
  if (!lead) return [];
  const rest = sentences.slice(leadIndex + 1);
  const picked: Sentence[] = [lead];
  let used = lead.text.length;
  const ranked = rest
    .map((sentence) => ({ sentence, hits: countTermsIn(sentence.text, terms) }))
    .sort((a, b) => b.hits - a.hits || a.sentence.index - b.sentence.index);
  for (const { sentence } of ranked) {
    if (picked.length >= maxSentences) break;
    const cost = sentence.text.length + 1; // the joining space or line break
    if (used + cost > maxChars) continue;
    picked.push(sentence);
    used += cost;
  }
  return picked.sort((a, b) => a.index - b.index);
}

function repeatsTitle(summary: string, title: string): boolean {
  const normalizedSummary = normalizeText(summary).replace(/[\p{P}\s]+$/u, '');
  const normalizedTitle = normalizeText(title).replace(/[\p{P}\s]+$/u, '');
  if (normalizedSummary === '') return true;
  return normalizedTitle !== '' && normalizedTitle.includes(normalizedSummary);
}

/**
 * The summary is drawn from the first 32 KiB of the text, cut at a line break: a news summary comes from the top
 * of the story, and an item of megabytes (a hostile feed's) then costs milliseconds on the main thread, not
 * hundreds of them.
 */
export const SUMMARY_SOURCE_CHARS = 32 * 1024;

function leadOf(text: string): string {
  if (text.length <= SUMMARY_SOURCE_CHARS) return text;
  const lineEnd = text.lastIndexOf('\n', SUMMARY_SOURCE_CHARS);
  return text.slice(0, lineEnd > SUMMARY_SOURCE_CHARS / 2 ? lineEnd : SUMMARY_SOURCE_CHARS);
}

/**
 * A summary of one item for an alert. `matchedTerms` are the subscriber's words; `options.termVariants`
 * adds their other surface forms (aliases in another script). `text` is '' when the title stands alone:
 * no body, a body that is all boilerplate, or a body that only repeats the title.
 */
export function summarize(input: SummaryInput, matchedTerms: string[], options: SummaryOptions = {}): Summary {
  const maxSentences = Math.max(1, options.maxSentences ?? DEFAULT_MAX_SENTENCES);
  const maxChars = Math.max(1, options.maxChars ?? DEFAULT_MAX_CHARS);
  const body = removeBoilerplate(leadOf(input.text ?? htmlToText(input.html)), input.title);
  const { lang, dir } = detectDirection(body === '' ? input.title : `${input.title}\n${body}`, input.language);
  const withDirection = (text: string): Summary => (lang ? { text, lang, dir } : { text, dir });
  if (body === '') return withDirection('');

  const titleKey = normalizeText(input.title);
  const sentences = splitSentences(body, lang)
    .filter((sentence) => normalizeText(sentence.text) !== titleKey)
    .map((sentence, index) => ({ ...sentence, index }));
  const terms = termWords([...matchedTerms, ...(options.termVariants ?? [])]);

  const picked = pickSentences(sentences, terms, maxSentences, maxChars);
  let text = joinSentences(picked);
  if (text.length > maxChars) text = truncateAtWord(text, (candidate) => candidate.length <= maxChars, lang);
  return withDirection(repeatsTitle(text, input.title) ? '' : text);
}
