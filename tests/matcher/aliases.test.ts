/** Cross-script aliases: the shipped table, self-hosters' files, and quoted terms left alone. */
import { describe, expect, it } from 'vitest';
import {
  loadAliases,
  matchQuery,
  parseQuery,
  shippedAliases,
  type AliasTable,
  type CompiledQuery,
} from '../../src/matcher/index.js';

const fixture = (name: string): string => new URL(`../fixtures/matcher/${name}`, import.meta.url).pathname;

function q(source: string, aliases?: AliasTable): CompiledQuery {
  const parsed = parseQuery(source, aliases ? { aliases } : undefined);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.error}`);
  return parsed.query;
}
const matches = (query: string, text: string, aliases?: AliasTable): boolean =>
  matchQuery(q(query, aliases), { title: '', text, categories: [] }).matched;

describe('the shipped alias table', () => {
  it.each([
    ['bitcoin', 'بٹ کوائن کی قیمت میں اضافہ'],
    ['bitcoin', 'بٹکوائن کی قیمت'],
    ['crypto', 'کرپٹو کرنسی کا کاروبار'],
    ['cryptocurrency', 'کرپٹو مارکیٹ'],
    ['crypto', 'Cryptocurrencies fell'],
    ['crypto council', 'پاکستان کرپٹو کونسل کے سی ای او'],
    ['blockchain', 'بلاک چین کی بنیاد پر'],
    ['digital assets', 'ڈیجیٹل اثاثے'],
    ['digital assets', 'ڈیجیٹل اثاثوں کے حوالے سے'],
    ['El Salvador', 'ایل سلوا ڈور کے درمیان'],
    ['Pakistan', 'پاکستان نے پہلی بار'],
    ['central bank', 'مرکزی بینک نے شرح سود'],
  ])('lets %s find “%s”', (query, text) => {
    expect(matches(query, text)).toBe(true);
  });

  it.each([
    ['بٹ کوائن', 'Bitcoin rallies'],
    ['کرپٹو کرنسی', 'the crypto market'],
    ['کرپٹو کونسل', 'Pakistan Crypto Council'],
    ['بلاک چین', 'blockchain-based'],
    ['ڈیجیٹل اثاثوں', 'digital assets'],
    ['ایل سلواڈور', "El Salvador's president"],
    ['پاکستان', 'Pakistan'],
    ['مرکزی بینک', 'the central bank'],
  ])('works the other way: %s finds “%s”', (query, text) => {
    expect(matches(query, text)).toBe(true);
  });

  it('tells which alias matched', () => {
    const result = matchQuery(q('bitcoin'), { title: 'بٹ کوائن', text: '', categories: [] });
    expect(result).toEqual({ matched: true, terms: ['bitcoin'], why: 'bitcoin (as بٹ کوائن) in title' });
  });

  it('never expands a quoted term, nor a prefix', () => {
    expect(matches('"bitcoin"', 'بٹ کوائن')).toBe(false);
    expect(matches('"بٹ کوائن"', 'bitcoin')).toBe(false);
    expect(matches('bitco*', 'بٹ کوائن')).toBe(false);
  });

  it('keeps the field of the term', () => {
    const input = { title: 'Markets', text: 'بٹ کوائن', categories: [] };
    expect(matchQuery(q('title:bitcoin'), input).matched).toBe(false);
    expect(matchQuery(q('summary:bitcoin'), input).matched).toBe(true);
  });

  it('does not bring unrelated words: بٹن کوائن is not bitcoin', () => {
    expect(matches('bitcoin', 'بٹن کوائن')).toBe(false);
  });

  it('has no group whose terms collide after normalization', () => {
    const seen = new Map<string, string>();
    for (const group of shippedAliases().groups) {
      for (const term of group) {
        const key = term.toLowerCase();
        expect(seen.has(key), `${term} is in two groups`).toBe(false);
        seen.set(key, group[0]!);
      }
    }
  });
});

describe('loadAliases', () => {
  it('merges a text file with the shipped table', () => {
    const table = loadAliases(fixture('extra-aliases.txt'));
    expect(matches('solana', 'سولانا کی قیمت', table)).toBe(true);
    expect(matches('hawala', 'ہنڈی کا کاروبار', table)).toBe(true);
    expect(matches('حوالہ', 'hawala networks', table)).toBe(true);
    // btc joined the bitcoin group, so the Urdu spelling comes along.
    expect(matches('btc', 'بٹ کوائن', table)).toBe(true);
    expect(matches('bitcoin', 'BTC rallies', table)).toBe(true);
    // The shipped table is still there; without the file, btc is just btc.
    expect(matches('pakistan', 'پاکستان', table)).toBe(true);
    expect(matches('bitcoin', 'BTC rallies')).toBe(false);
  });

  it('reads JSON files', () => {
    const table = loadAliases(fixture('extra-aliases.json'));
    expect(matches('usdt', 'Tether mints more', table)).toBe(true);
    expect(matches('ٹیتھر', 'USDT supply', table)).toBe(true);
  });

  it('says what is wrong with a file', () => {
    expect(() => loadAliases(fixture('bad-aliases.txt'))).toThrow(
      /bad-aliases\.txt: line 2: a group needs at least two terms/,
    );
    expect(() => loadAliases(fixture('missing.txt'))).toThrow(/cannot read alias file .*missing\.txt/);
  });
});
