/** The query language: what each construct means, the explanations, and a clear message for each mistake. */
import { describe, expect, it } from 'vitest';
import { describeQuery, matchQuery, parseQuery, type CompiledQuery, type MatchInput } from '../../src/matcher/index.js';

function q(source: string): CompiledQuery {
  const parsed = parseQuery(source);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.error}`);
  return parsed.query;
}
const item = (title: string, text = '', extra: Partial<MatchInput> = {}): MatchInput => ({
  title,
  text,
  categories: [],
  ...extra,
});
const matches = (query: string, input: MatchInput): boolean => matchQuery(q(query), input).matched;

describe('query language', () => {
  const btcEtf = item('Bitcoin ETF inflows', 'Spot bitcoin funds gained.');
  const btcPk = item('Pakistan and Bitcoin', 'The crypto council met.');

  it('separates alternatives with commas, Urdu commas or OR; several words are a phrase', () => {
    expect(matches('ethereum, crypto council', btcPk)).toBe(true);
    expect(matches('ethereum OR crypto council', btcPk)).toBe(true);
    expect(matches('ethereum، crypto council', btcPk)).toBe(true);
    expect(matches('council crypto', btcPk)).toBe(false);
    expect(matches('ethereum, solana', btcPk)).toBe(false);
  });

  it('requires both sides of AND, and ANDs juxtaposed units', () => {
    expect(matches('bitcoin AND pakistan', btcPk)).toBe(true);
    expect(matches('bitcoin AND pakistan', btcEtf)).toBe(false);
    expect(matches('(bitcoin) (pakistan)', btcPk)).toBe(true);
    expect(matches('"spot bitcoin" "etf"', btcEtf)).toBe(true);
  });

  it('excludes with - and NOT, but keeps hyphens inside words', () => {
    expect(matches('bitcoin -etf', btcEtf)).toBe(false);
    expect(matches('bitcoin NOT etf', btcEtf)).toBe(false);
    expect(matches('bitcoin AND NOT etf', btcEtf)).toBe(false);
    expect(matches('bitcoin -etf', btcPk)).toBe(true);
    expect(matches('crypto-council', btcPk)).toBe(true);
    expect(matches('bitcoin - etf', btcEtf)).toBe(false);
  });

  it('applies exclusions outside parentheses to the whole query, inside only to their group', () => {
    expect(matches('bitcoin, ethereum -etf', btcEtf)).toBe(false);
    expect(matches('bitcoin -etf, ethereum', btcEtf)).toBe(false);
    expect(matches('(ethereum -etf), bitcoin', btcEtf)).toBe(true);
    expect(matches('-etf', btcEtf)).toBe(false);
    expect(matches('-etf', btcPk)).toBe(true);
    expect(matches('(-etf), bitcoin', btcEtf)).toBe(true);
    expect(matches('bitcoin !!! -etf', btcEtf)).toBe(false); // punctuation alone in a phrase is ignored
  });

  it('groups with parentheses', () => {
    expect(matches('(ethereum, bitcoin) AND (etf, council)', btcEtf)).toBe(true);
    expect(matches('(ethereum, bitcoin) AND (solana, council)', btcEtf)).toBe(false);
    expect(matches('((bitcoin))', btcEtf)).toBe(true);
  });

  it('matches prefixes, in English and Urdu', () => {
    expect(matches('crypto*', item('Cryptocurrency markets'))).toBe(true);
    expect(matches('crypto*', item('Crypto firms'))).toBe(true);
    expect(matches('crypto*', item('encrypted chats'))).toBe(false);
    expect(matches('کرپٹو*', item('کرپٹوکرنسی کی قیمت'))).toBe(true);
    expect(matches('کرپٹو*', item('کرپ ٹو کرنسی'))).toBe(true);
    expect(matches('spot bit*', btcEtf)).toBe(true);
  });

  it('restricts to a field: title, summary/content, link, author, category', () => {
    const full = item('Markets today', 'Bitcoin fell.', {
      link: 'https://www.coindesk.com/markets/2025/12/12/bitcoin-plunges',
      author: 'Jesse Hamilton',
      categories: ['Policy', 'Crypto Council'],
    });
    expect(matches('title:bitcoin', full)).toBe(false);
    expect(matches('summary:bitcoin', full)).toBe(true);
    expect(matches('content:bitcoin', full)).toBe(true);
    expect(matches('link:coindesk', full)).toBe(true);
    expect(matches('link:https://www.coindesk.com/markets', full)).toBe(true);
    expect(matches('coindesk', full)).toBe(false);
    expect(matches('author:hamilton', full)).toBe(true);
    expect(matches('category:"crypto council"', full)).toBe(true);
    expect(matches('category:(policy, sec)', full)).toBe(true);
    expect(matches('category:policy crypto', full)).toBe(false); // a phrase never spans two categories
    expect(matches('Title:markets', full)).toBe(true);
    expect(matches('title: markets', full)).toBe(true);
  });

  it('matches everything with an empty query', () => {
    for (const source of ['', '   ', ',', ' , ,']) {
      expect(matchQuery(q(source), item('anything'))).toEqual({
        matched: true,
        terms: [],
        why: 'empty query matches everything',
      });
    }
    expect(matches('', item('', ''))).toBe(true);
  });

  it('keeps lower-case and, or, not as words', () => {
    expect(matches('salt and pepper', item('Salt and pepper prices'))).toBe(true);
    expect(matches('salt and pepper', item('Salt, pepper'))).toBe(false);
  });
});

describe('explanations', () => {
  const it1 = item('Bitcoin hits a record', 'The crypto council in Pakistan approved bitcoin mining.');

  it('lists the terms that matched, in the subscriber’s words, and where', () => {
    expect(matchQuery(q('Bitcoin, crypto council, ethereum'), it1)).toEqual({
      matched: true,
      terms: ['Bitcoin', 'crypto council'],
      why: 'Bitcoin in title and text; crypto council in text',
    });
    expect(matchQuery(q('bitcoin AND (pakistan, india) -etf'), it1).terms).toEqual(['bitcoin', 'pakistan']);
    expect(matchQuery(q('(ethereum AND pakistan), bitcoin'), it1).terms).toEqual(['bitcoin']);
    expect(matchQuery(q('title:bitcoin'), it1).why).toBe('bitcoin in title');
  });

  it('explains a non-match', () => {
    expect(matchQuery(q('bitcoin -mining'), it1)).toEqual({
      matched: false,
      terms: [],
      why: 'excluded by -mining (in text)',
    });
    expect(matchQuery(q('bitcoin NOT "bitcoin mining"'), it1).why).toBe('excluded by -"bitcoin mining" (in text)');
    expect(matchQuery(q('ethereum, solana'), it1).why).toBe('no alternative matched');
    expect(matchQuery(q('ethereum'), it1).why).toBe('ethereum not found');
    expect(matchQuery(q('title:pakistan'), it1).why).toBe('pakistan not found in title');
    expect(matchQuery(q('bitcoin AND (india, iran)'), it1).why).toMatch(/^none of india, iran found$/);
    expect(matchQuery(q('solana -mining'), it1).why).toBe('solana not found; excluded by -mining (in text)');
  });

  it('describes how a query is read, aliases included', () => {
    expect(describeQuery(q('bitcoin, crypto council -etf'))).toBe(
      'bitcoin (also بٹ کوائن) OR crypto council (also کرپٹو کونسل); excluding etf',
    );
    expect(describeQuery(q(''))).toBe('everything (empty query)');
    expect(q('Bitcoin, "spot etf", title:crypto*').terms).toEqual(['Bitcoin', 'spot etf', 'crypto*']);
  });
});

describe('malformed queries', () => {
  const error = (source: string): string => {
    const parsed = parseQuery(source);
    if (parsed.ok) throw new Error(`expected an error for ${source}`);
    return parsed.error;
  };

  it.each([
    ['bitcoin "spot etf', 'unclosed quote at position 9'],
    ['bitcoin AND "ایل سلوا', 'unclosed quote at position 13'],
    ['bitcoin NOT', 'nothing after NOT at position 9'],
    ['bitcoin -', 'nothing after - at position 9'],
    ['bitcoin, NOT', 'nothing after NOT at position 10'],
    ['bitcoin AND', 'nothing after AND at position 9'],
    ['AND bitcoin', 'nothing before AND at position 1'],
    ['bitcoin OR', 'nothing after OR at position 9'],
    ['OR bitcoin', 'nothing before OR at position 1'],
    ['title:', 'nothing after title: at position 1'],
    ['(bitcoin, etf', 'unclosed parenthesis at position 1'],
    ['bitcoin)', 'unmatched ) at position 8'],
    ['bitcoin ()', 'empty parentheses at position 9'],
    ['bitcoin ""', 'empty quotes at position 9'],
    ['bitcoin, !!!', '"!!!" at position 10 has no letters or digits to search for'],
    ['-- ??', '"??" at position 4 has no letters or digits to search for'],
    ['cryp*to', '"*" can only end a word, as in crypto* (position 5)'],
    ['bitcoin *', '"*" must follow a word, as in crypto* (position 9)'],
    ['b*', 'the prefix "b*" at position 1 is too short: use at least 2 letters'],
  ])('%s -> %s', (source, message) => {
    expect(error(source)).toBe(message);
  });

  it('names the fields when one is unknown, and says how to search for the text', () => {
    expect(error('titel:bitcoin')).toBe(
      'unknown field "titel:" at position 1; fields are title, summary (or content), link, author, category (to search for "titel:bitcoin" as text, put it in quotes)',
    );
    expect(parseQuery('"http://example.com"').ok).toBe(true);
  });

  it('limits a query to 500 characters and 50 terms', () => {
    expect(error('a'.repeat(501))).toBe('query is too long: 501 characters (the limit is 500)');
    expect(parseQuery('ب'.repeat(500)).ok).toBe(true);
    const terms = (n: number): string => Array.from({ length: n }, (_, i) => `w${i}`).join(', ');
    expect(parseQuery(terms(50)).ok).toBe(true);
    expect(error(terms(51))).toBe('too many terms: 51 (the limit is 50)');
  });

  it('never throws, whatever it is given', () => {
    for (const source of [
      '(((',
      ')))',
      '"',
      '“',
      '-',
      'NOT NOT',
      '((a) OR)',
      'a:b:c',
      '\u0000',
      '\uD800',
      null,
      undefined,
      42,
    ]) {
      expect(() => parseQuery(source as unknown as string)).not.toThrow();
    }
  });
});
