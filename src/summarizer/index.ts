/** Public API of the summarizer: clean feed HTML, pick a keyword-aware summary, tell its direction. */
export { htmlToText } from './html-to-text.js';
export {
  summarize,
  DEFAULT_MAX_CHARS,
  DEFAULT_MAX_SENTENCES,
  type SummaryInput,
  type SummaryOptions,
} from './summarize.js';
export { detectDirection } from './direction.js';
export { removeBoilerplate, BOILERPLATE_LINES, BOILERPLATE_PREFIXES } from './boilerplate.js';
export { splitSentences, truncateAtWord, SENTENCE_END, type Sentence } from './segments.js';
