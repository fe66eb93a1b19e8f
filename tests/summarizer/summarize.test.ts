import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CHARS, DEFAULT_MAX_SENTENCES, splitSentences, summarize } from '../../src/summarizer/index.js';

const article = readFileSync(
  new URL('../fixtures/summarizer/urdu-crypto-council-article.txt', import.meta.url),
  'utf8',
);
const articleTitle = 'پاکستان اور ایل سلواڈور کے درمیان بٹ کوائن پر معاہدہ';
const FIRST_SENTENCE = 'پاکستان اور ایل سلوا ڈور کے درمیان بٹ کوائن پر تاریخی سفارتی پیشرفت ہوئی ہے۔';
const SENTENCE_END = /[.!?۔؟]$/u;

describe('summarize: the real Urdu article matched by "crypto council"', () => {
  const asHtml = article
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${paragraph}</p>`)
    .join('\n');

  for (const [form, html] of [
    ['plain text', article],
    ['HTML paragraphs', asHtml],
  ] as const) {
    it(`gives a clean, keyword-aware summary (${form})`, () => {
      const summary = summarize({ title: articleTitle, html, language: 'ur' }, ['crypto council'], {
        termVariants: ['کرپٹو کونسل'],
      });
      expect(summary.lang).toBe('ur');
      expect(summary.dir).toBe('rtl');
      expect(summary.text.startsWith(FIRST_SENTENCE)).toBe(true);
      const sentences = splitSentences(summary.text, 'ur');
      expect(sentences.slice(1).some((sentence) => sentence.text.includes('کرپٹو کونسل'))).toBe(true);
      for (const boilerplate of ['Leave A Comment', 'Advertisement', 'تازہ ترین'])
        expect(summary.text).not.toContain(boilerplate);
      expect(summary.text.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
      expect(sentences.length).toBeLessThanOrEqual(DEFAULT_MAX_SENTENCES);
      expect(summary.text).toMatch(SENTENCE_END);
      // Every sentence of the summary is a whole sentence of the article.
      for (const sentence of sentences) expect(article).toContain(sentence.text);
    });
  }

  it('detects Urdu from the text when the feed declares no language (or a wrong one)', () => {
    expect(summarize({ title: articleTitle, html: article }, []).lang).toBe('ur');
    expect(summarize({ title: articleTitle, html: article, language: 'en-US' }, [])).toMatchObject({
      lang: 'ur',
      dir: 'rtl',
    });
  });

  it('prefers sentences with more distinct terms, but keeps them in the article order', () => {
    const summary = summarize({ title: articleTitle, html: article, language: 'ur' }, ['crypto council', 'bitcoin'], {
      termVariants: ['کرپٹو کونسل', 'بٹ کوائن'],
      maxSentences: 2,
    });
    const [lead, second] = splitSentences(summary.text, 'ur');
    expect(lead?.text).toBe(FIRST_SENTENCE);
    // The second sentence of the article holds both terms; later ones hold one.
    expect(second?.text).toContain('کرپٹو کونسل');
    expect(second?.text).toContain('بٹ کوائن');
  });
});

describe('summarize: English', () => {
  const html =
    '<p>Markets were calm on Monday. Traders waited for the Fed. Bitcoin rose 3% after the report.</p>' +
    '<p>Analysts expect more volatility. The crypto council met on Friday and Bitcoin held its gains.</p><p>Read more</p>';

  it('takes the lead sentence, then the sentences holding the most matched terms, in order', () => {
    const summary = summarize({ title: 'Markets today', html, language: 'en-gb' }, ['bitcoin', 'crypto council']);
    expect(summary).toEqual({
      text: 'Markets were calm on Monday. Bitcoin rose 3% after the report. The crypto council met on Friday and Bitcoin held its gains.',
      lang: 'en',
      dir: 'ltr',
    });
  });

  it('fills the budget with the next sentences when no other sentence holds a term', () => {
    expect(summarize({ title: 'x', html }, ['nothing-here'], { maxSentences: 2 }).text).toBe(
      'Markets were calm on Monday. Traders waited for the Fed.',
    );
  });

  it('respects a smaller character budget without cutting a sentence', () => {
    // The second term sentence no longer fits in 70 characters; the first one does.
    const summary = summarize({ title: 'x', html }, ['bitcoin'], { maxChars: 70 });
    expect(summary.text).toBe('Markets were calm on Monday. Bitcoin rose 3% after the report.');
    expect(summary.text.length).toBeLessThanOrEqual(70);
    expect(summarize({ title: 'x', html }, ['bitcoin'], { maxChars: 40 }).text).toBe('Markets were calm on Monday.');
  });

  it('matches terms as words, not inside other words', () => {
    const text = '<p>Lead sentence here. The method works well. ETH fell today.</p>';
    expect(summarize({ title: 'x', html: text }, ['eth'], { maxSentences: 2 }).text).toBe(
      'Lead sentence here. ETH fell today.',
    );
  });

  it('finds terms through the matcher normalization: case, and Arabic letter variants in Urdu text', () => {
    const text = '<p>پہلا جملہ۔ دوسرا جملہ۔ پاکستان كرپٹو كونسل نے دستخط کیے۔</p>';
    // The text writes kaf as Arabic U+0643; the subscriber's alias uses Urdu U+06A9.
    expect(
      summarize({ title: 'x', html: text }, ['crypto council'], { maxSentences: 2, termVariants: ['کرپٹو کونسل'] })
        .text,
    ).toBe('پہلا جملہ۔ پاکستان كرپٹو كونسل نے دستخط کیے۔');
    expect(
      summarize({ title: 'x', html: '<p>Lead here. Other. BITCOIN rallied.</p>' }, ['Bitcoin'], { maxSentences: 2 })
        .text,
    ).toBe('Lead here. BITCOIN rallied.');
  });

  it('does not split after Mr. or e.g.', () => {
    const summary = summarize(
      { title: 'x', html: '<p>Mr. Smith bought bitcoin, e.g. for savings. He is happy.</p>' },
      [],
      {
        maxSentences: 1,
      },
    );
    expect(summary.text).toBe('Mr. Smith bought bitcoin, e.g. for savings.');
  });
});

describe('summarize: no summary', () => {
  it('is empty for a title-only item', () => {
    expect(summarize({ title: 'Only a title', html: '' }, ['title'])).toEqual({ text: '', dir: 'ltr' });
  });

  it('is empty when the body is all boilerplate', () => {
    const html =
      '<p>Advertisement</p><p>Share this article</p><p>Leave a comment</p><p>The post X appeared first on Y.</p>';
    expect(summarize({ title: 'X', html }, []).text).toBe('');
  });

  it('is empty when the body only repeats the title', () => {
    expect(summarize({ title: 'Bitcoin hits $100k', html: '<p>Bitcoin hits $100k</p>' }, []).text).toBe('');
    expect(
      summarize({ title: 'Bitcoin hits $100k today, traders cheer', html: 'Bitcoin hits $100k today' }, []).text,
    ).toBe('');
  });

  it('drops a repeated title before the lead sentence', () => {
    expect(summarize({ title: 'Big news', html: '<h1>Big news</h1><p>It happened.</p>' }, []).text).toBe(
      'It happened.',
    );
  });
});

describe('summarize: text without punctuation', () => {
  it('cuts a 20,000-character body after a whole word, within the budget', () => {
    const words = Array.from({ length: 3000 }, (_, index) => `word${index}`);
    const summary = summarize({ title: 'x', html: words.join(' ') }, []);
    expect(summary.text.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(summary.text.endsWith('…')).toBe(true);
    const lastWord = summary.text.slice(0, -1).split(' ').at(-1);
    expect(words).toContain(lastWord);
  });

  it('starts from the first sentence that fits rather than cutting an over-long first one', () => {
    const html = `<p>${'Very long opening clause, '.repeat(30)}and so on. Short second sentence. Third one.</p>`;
    expect(summarize({ title: 'x', html }, [], { maxChars: 100 }).text).toBe('Short second sentence. Third one.');
  });

  it('cuts Chinese text without spaces at a word boundary', () => {
    const text = '今天比特币价格大幅上涨投资者纷纷买入市场情绪高涨'.repeat(40);
    const summary = summarize({ title: 'x', html: text, language: 'zh-cn' }, [], { maxChars: 50 });
    expect(summary.text.length).toBeLessThanOrEqual(50);
    expect(summary.text.endsWith('…')).toBe(true);
  });
});

describe('summarize on hostile items', () => {
  // A smoke check (vitest's default timeout) through every step: each used to take from 9 s to minutes.
  // Summaries read an item's first 32 KiB of text, so the sentence with the term sits inside them.
  it('summarizes 200,000 nested tags around 100,000 sentences', () => {
    const html = `${'<div>'.repeat(200_000)}The lead sentence. ${'A fact. '.repeat(1_000)}The council met today. ${'A fact. '.repeat(99_000)}`;
    expect(summarize({ title: 'Title', html }, ['council']).text).toBe(
      'The lead sentence. A fact. The council met today.',
    );
  }, 5_000);
});
