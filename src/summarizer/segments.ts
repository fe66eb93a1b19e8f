/**
 * Sentence and word boundaries with Intl.Segmenter (ICU), so that Urdu `۔` and `؟`, Chinese `。` and
 * text without spaces are handled by the same rules the platforms' own clients use.
 */

export interface Sentence {
  text: string;
  /** Position in the document, 0-based: the lead sentence is 0. */
  index: number;
  /** Which line (paragraph or <br> line) of the text it comes from, 0-based. */
  line: number;
}

const segmenters = new Map<string, { sentence: Intl.Segmenter; word: Intl.Segmenter }>();

function segmentersFor(lang: string | undefined): { sentence: Intl.Segmenter; word: Intl.Segmenter } {
  const key = lang ?? 'und';
  let pair = segmenters.get(key);
  if (!pair) {
    let locale = 'en';
    try {
      if (lang && Intl.Segmenter.supportedLocalesOf([lang]).length > 0) locale = lang;
    } catch {
      // An invalid tag from a feed: fall back to the root rules.
    }
    pair = {
      sentence: new Intl.Segmenter(locale, { granularity: 'sentence' }),
      word: new Intl.Segmenter(locale, { granularity: 'word' }),
    };
    segmenters.set(key, pair);
  }
  return pair;
}

/** A segment of a text, with its position in the whole text. */
export interface Segment {
  segment: string;
  index: number;
  isWordLike?: boolean;
}

/** Characters segmented at a time, and how many of them at a window's end serve only as look-ahead. */
const WINDOW = 1024;
const LOOKAHEAD = 128;

/**
 * The segments of `text`, as `segmenter.segment(text)` gives them, but in time linear in the text. V8's
 * Segments iterator (Node 20) costs time proportional to the whole string at every step, so a 300 KB
 * paragraph took 6 s to split into sentences and 250 KB without spaces 77 s to split into graphemes.
 * So the text is segmented a window at a time: a segment counts only when the window holds LOOKAHEAD more
 * characters after it (the rules look ahead; a text's end is a boundary), and the next window starts where
 * the last one counted ends. A segment longer than the window doubles the window for that segment alone.
 */
export function* segmentsOf(segmenter: Intl.Segmenter, text: string): Generator<Segment> {
  let start = 0;
  let size = WINDOW;
  while (start < text.length) {
    const atEnd = start + size >= text.length;
    const window = start === 0 && atEnd ? text : text.slice(start, start + size);
    let next = start;
    for (const { segment, index, isWordLike } of segmenter.segment(window)) {
      if (!atEnd && index + segment.length > size - LOOKAHEAD) break;
      yield isWordLike === undefined
        ? { segment, index: start + index }
        : { segment, index: start + index, isWordLike };
      next = start + index + segment.length;
      // A doubled window is there for its first segment; the ones after it wait for a small window.
      if (size > WINDOW) break;
    }
    if (next === start) {
      size *= 2;
    } else {
      start = next;
      size = WINDOW;
    }
  }
}

/**
 * ICU breaks after every "Mr." and "e.g." (no suppression list in V8), so a sentence that ends in a common
 * abbreviation or a single initial is joined to the next one. Tested on the last characters only.
 */
const ABBREVIATION_END =
  /(?:^|[\s(])(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|Gen|Gov|Sen|Rep|Col|Lt|Sgt|Capt|Rev|Hon|Inc|Ltd|Co|Corp|No|vs|etc|approx|e\.g|i\.e|U\.S|U\.K|U\.N|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.$/;
/**
 * Characters enough for the longest abbreviation above, its dot and the character before it. No abbreviation
 * and dot fill all of them, so `^` cannot match where the window, not the sentence, starts.
 */
const ABBREVIATION_WINDOW = 8;

/** Whether `line.slice(start, end)` ends in an abbreviation and its dot (spaces after them allowed). */
function endsWithAbbreviation(line: string, start: number, end: number): boolean {
  let stop = end;
  while (stop > start && /\s/.test(line.charAt(stop - 1))) stop -= 1;
  if (stop === start || line.charAt(stop - 1) !== '.') return false;
  return ABBREVIATION_END.test(line.slice(Math.max(start, stop - ABBREVIATION_WINDOW), stop));
}

/**
 * Split text made by htmlToText into sentences. A sentence never spans a line or paragraph break, so
 * lines without any punctuation (headlines, list items) are sentences of their own.
 */
export function splitSentences(text: string, lang?: string): Sentence[] {
  const { sentence: segmenter } = segmentersFor(lang);
  const sentences: Sentence[] = [];
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (const [lineIndex, line] of lines.entries()) {
    const add = (start: number, end: number) => {
      const trimmed = line.slice(start, end).trim();
      if (trimmed !== '') sentences.push({ text: trimmed, index: sentences.length, line: lineIndex });
    };
    // The sentence being assembled is line.slice(pending, end): positions, so nothing is copied until it is done.
    let pending = 0;
    let end = 0;
    for (const { segment, index } of segmentsOf(segmenter, line)) {
      end = index + segment.length;
      if (endsWithAbbreviation(line, pending, end)) continue;
      add(pending, end);
      pending = end;
    }
    add(pending, line.length);
  }
  return sentences;
}

/**
 * Sentences back into text, separated by spaces, except that a line without a closing punctuation mark
 * (a headline, a standfirst) ends with a line break so it does not run into the next sentence.
 */
export function joinSentences(sentences: readonly Sentence[]): string {
  return sentences
    .map((sentence, position) => {
      const previous = sentences[position - 1];
      if (!previous) return sentence.text;
      const runsOn = previous.line !== sentence.line && !SENTENCE_END.test(previous.text);
      return `${runsOn ? '\n' : ' '}${sentence.text}`;
    })
    .join('');
}

/** Characters that end a sentence in the scripts Taza meets (Latin, Urdu/Arabic, CJK, Devanagari). */
export const SENTENCE_END = /[.!?۔؟!?。｡…"'”’)\]»\u0964\u0965]$/u;

function wordBoundaries(text: string, lang?: string): number[] {
  const { word } = segmentersFor(lang);
  const ends: number[] = [];
  for (const { index, segment, isWordLike } of segmentsOf(word, text)) {
    if (isWordLike) ends.push(index + segment.length);
  }
  return ends;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest prefix of `text` of at most `max` units that ends at a grapheme boundary. */
function graphemeCut(text: string, max: number): string {
  let end = 0;
  // A boundary inside the prefix is one in the text: a grapheme break depends on what comes before it.
  for (const { segment, index } of segmentsOf(graphemes, text.slice(0, max + 1))) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/**
 * The longest prefix of `text` that ends after a whole word, followed by "…", for which `fits` holds.
 * The fallback for a single sentence that is longer than the budget (text without punctuation).
 * Only a single word longer than everything allowed is cut inside, at a grapheme boundary.
 */
export function truncateAtWord(text: string, fits: (candidate: string) => boolean, lang?: string): string {
  if (fits(text)) return text;
  // Segment only as much text as could fit: a prefix that does not fit has no longer prefix that does.
  let span = 256;
  while (span < text.length && fits(`${text.slice(0, span)}…`)) span *= 2;
  const window = text.slice(0, span + 1);
  // The window's last word may be cut by the window itself: it is no boundary unless the text ends there.
  const ends = wordBoundaries(window, lang).filter((end) => end < window.length || window.length === text.length);
  let low = 0;
  let high = ends.length - 1;
  let best = '';
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = `${text.slice(0, ends[middle]).trimEnd()}…`;
    if (fits(candidate)) {
      best = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  if (best !== '') return best;
  // Not even the first word fits: cut it at a grapheme boundary (shrinking until the measure agrees).
  for (let max = Math.min(text.length - 1, span); max > 0; max = Math.floor(max * 0.9)) {
    const candidate = `${graphemeCut(text, max)}…`;
    if (fits(candidate)) return candidate;
  }
  return fits('…') ? '…' : '';
}
