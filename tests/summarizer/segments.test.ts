import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitSentences, truncateAtWord } from '../../src/summarizer/index.js';

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
