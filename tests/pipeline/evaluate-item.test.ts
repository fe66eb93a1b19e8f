/** evaluateItem: what one item is for one query, the same for alerts, previews and `taza check`. */
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedItem } from '../../src/core/feed.js';
import { matchQuery, parseQuery, shippedAliases, useAliases, type CompiledQuery } from '../../src/matcher/index.js';
import { evaluateItem, termsFoundIn } from '../../src/pipeline/evaluate-item.js';
import { htmlToText, summarize } from '../../src/summarizer/index.js';

const DEFAULTS = { summaryMaxSentences: 3, summaryMaxChars: 500 };

function item(title: string, html: string): FeedItem {
  return { key: title, title, html, link: 'https://news.example/1', categories: [] };
}

function query(text: string): CompiledQuery {
  const parsed = parseQuery(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.query;
}

afterEach(() => useAliases(shippedAliases()));

describe('evaluateItem', () => {
  it('lists only the terms this item matched: an English item does not show the Urdu spelling', () => {
    const english = item('Bitcoin rises', '<p>Bitcoin rose today after the crypto council met.</p>');
    const q = query('bitcoin, crypto council, بٹ کوائن');
    // The matcher counts بٹ کوائن as found (through its alias "bitcoin"); the reader only sees "bitcoin".
    expect(matchQuery(q, { title: english.title, text: htmlToText(english.html), categories: [] }).terms).toEqual([
      'bitcoin',
      'crypto council',
      'بٹ کوائن',
    ]);
    const evaluation = evaluateItem(english, { language: 'en' }, q, DEFAULTS);
    expect(evaluation.terms).toEqual(['bitcoin', 'crypto council']);
    expect(evaluation.explanation).toContain('bitcoin in title and text');
  });

  it('keeps the spelling the item has, and a term found only through an alias when nothing else stands for it', () => {
    const urdu = item('بٹ کوائن کی قیمت', '<p>بٹ کوائن کی قیمت بڑھ گئی۔</p>');
    expect(evaluateItem(urdu, {}, query('bitcoin, بٹ کوائن'), DEFAULTS).terms).toEqual(['بٹ کوائن']);
    expect(evaluateItem(urdu, {}, query('bitcoin'), DEFAULTS).terms).toEqual(['bitcoin']);
    const both = item('Bitcoin اور بٹ کوائن', '<p>x</p>');
    expect(evaluateItem(both, {}, query('bitcoin, بٹ کوائن'), DEFAULTS).terms).toEqual(['bitcoin', 'بٹ کوائن']);
    // Plurals are the term's own spelling, not an alias.
    const plural = item('Bitcoins and بٹ کوائن', '<p>x</p>');
    expect(evaluateItem(plural, {}, query('bitcoin, بٹ کوائن'), DEFAULTS).terms).toEqual(['bitcoin', 'بٹ کوائن']);
  });

  it('termsFoundIn leaves unrelated terms alone', () => {
    expect(termsFoundIn(['bitcoin', 'etf'], { title: 'x', text: 'y', categories: [] })).toEqual(['bitcoin', 'etf']);
  });

  it('summarizes with the configured limits and every alias spelling of the matched terms', () => {
    useAliases(shippedAliases().with([['zarcoin', 'zar token']]));
    const story = item(
      'Markets wait',
      '<p>Markets opened quietly. Traders waited for the bank. Analysts expected little change. ' +
        'Later the zar token rose sharply.</p>',
    );
    const evaluation = evaluateItem(story, { language: 'en' }, query('zarcoin'), {
      summaryMaxSentences: 2,
      summaryMaxChars: 200,
    });
    expect(evaluation.matched).toBe(true);
    expect(evaluation.terms).toEqual(['zarcoin']);
    expect(evaluation.summary.text).toBe('Markets opened quietly. Later the zar token rose sharply.');
    // What a surface gave before it used this evaluation: default limits and no alias spellings.
    expect(summarize({ title: story.title, html: story.html }, ['zarcoin']).text).toBe(
      'Markets opened quietly. Traders waited for the bank. Analysts expected little change.',
    );
  });

  it('gives the same answer from a match the index already made as from the compiled query', () => {
    const story = item('Bitcoin rises', '<p>Bitcoin rose today after the crypto council met.</p>');
    const q = query('bitcoin, crypto council, بٹ کوائن');
    const text = htmlToText(story.html);
    const result = matchQuery(q, { title: story.title, text, categories: [] });
    expect(evaluateItem(story, {}, result, DEFAULTS, { text })).toEqual(evaluateItem(story, {}, q, DEFAULTS));
  });

  it('summarizes the HTML it is given (an article page) and says why an item does not match', () => {
    const story = item('Rain in Lahore', '<p>Short.</p>');
    const page = '<p>Rain fell in Lahore all day. Bitcoin was not mentioned.</p>';
    expect(evaluateItem(story, {}, query(''), DEFAULTS, { html: page }).summary.text).toBe(
      'Rain fell in Lahore all day. Bitcoin was not mentioned.',
    );
    const miss = evaluateItem(story, {}, query('bitcoin'), DEFAULTS);
    expect(miss).toMatchObject({ matched: false, terms: [], text: 'Short.' });
    expect(miss.explanation).toBe('bitcoin not found');
  });
});
