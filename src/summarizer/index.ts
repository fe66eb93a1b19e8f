/** Public API of the summarizer: clean feed HTML, pick a keyword-aware summary, tell its direction. */
export { htmlToText } from './html-to-text.js';
export { summarize, DEFAULT_MAX_CHARS, DEFAULT_MAX_SENTENCES } from './summarize.js';
export { detectDirection } from './direction.js';
export { removeBoilerplate, BOILERPLATE_LINES } from './boilerplate.js';
export { splitSentences, truncateAtWord } from './segments.js';
