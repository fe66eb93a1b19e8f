import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { splitSentences, truncateAtWord } from '../../src/summarizer/index.js';
import { segmentsOf } from '../../src/summarizer/segments.js';

const article = readFileSync(
  new URL('../fixtures/summarizer/urdu-crypto-council-article.txt', import.meta.url),
  'utf8',
);

describe('splitSentences', () => {
  it('ends Urdu sentences at ۔ and ؟ even with no space after them (the real article)', () => {
    const paragraph = article.split('\n\n')[1] ?? '';
    const sentences = splitSentences(paragraph, 'ur').map((sentence) => sentence.text);
    expect(sentences).toHaveLength(3);
    expect(sentences.every((sentence) => sentence.endsWith('۔'))).toBe(true);
    expect(splitSentences('کیا یہ سچ ہے؟جی ہاں۔', 'ur').map((sentence) => sentence.text)).toEqual([
      'کیا یہ سچ ہے؟',
      'جی ہاں۔',
    ]);
  });

  it('treats the end of a line as the end of a sentence (text without punctuation)', () => {
    expect(
      splitSentences('Headline one\nHeadline two\n\nA sentence. Another', 'en').map((sentence) => sentence.text),
    ).toEqual(['Headline one', 'Headline two', 'A sentence.', 'Another']);
  });

  it('numbers sentences in document order', () => {
    expect(splitSentences('One. Two.\n\nThree.').map((sentence) => sentence.index)).toEqual([0, 1, 2]);
  });
});

describe('truncateAtWord', () => {
  const fitsIn = (max: number) => (candidate: string) => candidate.length <= max;

  it('returns text that already fits unchanged', () => {
    expect(truncateAtWord('short text', fitsIn(20))).toBe('short text');
  });

  it('cuts after the last whole word that fits, with an ellipsis', () => {
    expect(truncateAtWord('alpha beta gamma delta', fitsIn(12))).toBe('alpha beta…');
  });

  it('cuts a single over-long word at a grapheme boundary only as a last resort', () => {
    const result = truncateAtWord('👍🏽'.repeat(20), fitsIn(9));
    expect(result.length).toBeLessThanOrEqual(9);
    expect(result).toBe('👍🏽👍🏽…');
  });
});

describe('segmenting long text', () => {
  afterEach(() => vi.restoreAllMocks());

  /**
   * Watches Intl.Segmenter#segment: the length of each string it gets, and its work as V8 (Node 20) costs it,
   * the length of that string at every step of the iteration.
   */
  function watchSegmenter(): { inputs: number[]; work: () => number } {
    const inputs: number[] = [];
    let work = 0;
    const segment = Intl.Segmenter.prototype.segment;
    vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, text: string) {
      inputs.push(text.length);
      const segments = segment.call(this, text);
      return {
        containing: (index?: number) => segments.containing(index),
        *[Symbol.iterator](): Generator<Intl.SegmentData, undefined> {
          for (const data of segments) {
            work += text.length;
            yield data;
          }
          return undefined;
        },
      };
    });
    return { inputs, work: () => work };
  }
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  /** Work per character that a bounded window allows (a step per character, over a window). */
  const LINEAR = 2_048;

  // The whole text in one segment() call made 100,000 sentences take minutes.
  it('hands the segmenter bounded windows, about once over the text, for 100,000 sentences', () => {
    const watch = watchSegmenter();
    const text = 'One fact here. '.repeat(100_000);
    const sentences = splitSentences(text, 'en');
    expect(sentences).toHaveLength(100_000);
    expect(sentences[99_999]).toEqual({ text: 'One fact here.', index: 99_999, line: 0 });
    expect(Math.max(...watch.inputs)).toBeLessThanOrEqual(4_096);
    expect(sum(watch.inputs)).toBeLessThan(text.length * 1.5);
    expect(watch.work()).toBeLessThan(LINEAR * text.length);
  });

  it('grows the window only for a segment that needs it (600 KB without a break, then short sentences)', () => {
    const watch = watchSegmenter();
    const text = `${'a'.repeat(600_000)}. ${'Fact here. '.repeat(20_000)}`;
    const sentences = splitSentences(text);
    expect(sentences).toHaveLength(20_001);
    expect(sentences[0]?.text).toHaveLength(600_001);
    expect(sum(watch.inputs)).toBeLessThanOrEqual(text.length * 3);
    expect(watch.work()).toBeLessThan(LINEAR * text.length);
  });

  it('gives the same segments as one segment() call over the whole text', () => {
    const pieces = [
      'word ',
      'Dr. ',
      'e.g. ',
      '. ',
      '? ',
      '۔',
      'کیا یہ ',
      '。',
      '中文',
      '👍🏽',
      '🇵🇰🇺🇸',
      'e\u0301',
      "don't ",
      '3.14 ',
      '"',
      ')',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 1_500 }),
        fc.constantFrom('sentence', 'word', 'grapheme') satisfies fc.Arbitrary<Intl.SegmenterOptions['granularity']>,
        (parts, granularity) => {
          const text = parts.join('');
          const segmenter = new Intl.Segmenter('en', { granularity });
          const expected = [...segmenter.segment(text)].map(({ segment, index }) => ({ segment, index }));
          expect([...segmentsOf(segmenter, text)].map(({ segment, index }) => ({ segment, index }))).toEqual(expected);
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });

  // A smoke check (vitest's default timeout): testing the whole sentence so far after each "Dr." took minutes.
  it('joins 100,000 abbreviations into one sentence, testing only the end of it each time', () => {
    expect(splitSentences('Dr. '.repeat(100_000))).toHaveLength(1);
  }, 5_000);

  it('cuts a 1 MB word at a grapheme boundary, segmenting only what can fit', () => {
    const watch = watchSegmenter();
    expect(truncateAtWord('👍🏽'.repeat(250_000), (candidate) => candidate.length <= 9)).toBe('👍🏽👍🏽…');
    expect(sum(watch.inputs)).toBeLessThan(10_000);
  });
});
