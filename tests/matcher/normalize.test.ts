/** Each normalization rule, with the variants written both ways, on both sides (query and item). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchQuery, normalizeText, parseQuery, tokenize, type CompiledQuery } from '../../src/matcher/index.js';
import { FOLD, NFKC_STABLE } from '../../src/matcher/normalize.js';
import { tokenizeNormalized } from '../../src/matcher/words.js';

function q(source: string): CompiledQuery {
  const parsed = parseQuery(source);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.error}`);
  return parsed.query;
}
const matches = (query: string, text: string): boolean =>
  matchQuery(q(query), { title: '', text, categories: [] }).matched;

/** a and b normalize the same, and each finds the other as a quoted query (no aliases involved). */
function same(a: string, b: string): void {
  expect(normalizeText(a)).toBe(normalizeText(b));
  expect(matches(`"${a}"`, `… ${b} …`)).toBe(true);
  expect(matches(`"${b}"`, `… ${a} …`)).toBe(true);
}

describe('normalizeText', () => {
  it('applies NFKC: ligatures, full-width forms, Arabic presentation forms', () => {
    same('ﬁnance', 'finance');
    same('ＢＩＴＣＯＩＮ', 'bitcoin');
    same('\uFEFB', 'لا'); // lam-alef ligature
    same('\uFE91\uFEAE', 'بر'); // beh initial + reh final presentation forms
  });

  it('folds case, ß included', () => {
    same('BITCOIN', 'bitcoin');
    same('Straße', 'STRASSE');
  });

  it('folds Latin diacritics, precomposed or combining', () => {
    same('café', 'cafe');
    same('cafe\u0301', 'café');
    same('Núñez', 'nunez');
    same('Łódź', 'lodz');
  });

  it('reads Arabic-Indic and Persian/Urdu digits as ASCII digits', () => {
    same('٢٠٢٥', '2025');
    same('۲۰۲۵', '2025');
    same('٢٠٢٥', '۲۰۲۵');
  });

  it('folds Arabic yeh and alef maksura to Urdu yeh', () => {
    same('پاکستاني', 'پاکستانی'); // ي U+064A
    same('پاکستانى', 'پاکستانی'); // ى U+0649
  });

  it('folds Arabic kaf to Urdu kaf', () => {
    same('كرپٹو', 'کرپٹو'); // ك U+0643
  });

  it('folds Arabic heh, teh marbuta goal and heh with hamza to Urdu heh goal', () => {
    same('مهنگائی', 'مہنگائی'); // ه U+0647
    same('زکوۃ', 'زکوہ'); // ۃ U+06C3
    same('محکمۂ', 'محکمہ'); // ۂ U+06C2
    same('محکمہ\u0654', 'محکمۂ'); // heh goal + combining hamza = ۂ
  });

  it('keeps do-chashmi heh ھ, the aspiration letter, distinct', () => {
    expect(normalizeText('بھارت')).not.toBe(normalizeText('بہارت'));
    expect(matches('بھارت', 'بہارت')).toBe(false);
    expect(matches('بھارت', 'بھارت')).toBe(true);
  });

  it('handles the hamza forms of yeh and waw consistently', () => {
    same('کوائن', 'کوا\u06CC\u0654ن'); // ئ = Farsi yeh + combining hamza
    same('کوائن', 'کوا\u064A\u0654ن'); // ئ = Arabic yeh + combining hamza
    same('لئے', 'لیے'); // both spellings of "for" are in use
    same('مؤقف', 'موقف'); // ؤ = و
    same('مؤقف', 'مو\u0654قف');
    same('ہوۓ', 'ہوئے'); // ۓ is shorthand for ئے
  });

  it('ignores tatweel, harakat, superscript alef and zero-width joiners', () => {
    same('بـٹ کوائـــن', 'بٹ کوائن');
    same('بِٹ کُوائن', 'بٹ کوائن');
    same('اعلیٰ', 'اعلی');
    same('وزارتِ خزانہ', 'وزارت خزانہ');
    same('بٹ\u200Dکوائن', 'بٹکوائن');
  });

  it('collapses whitespace and keeps punctuation readable', () => {
    expect(normalizeText('  Bitcoin,\n\n ETF ')).toBe('bitcoin, etf');
  });
});

describe('word boundaries', () => {
  it('are Unicode-aware: letters and marks of every script make words', () => {
    expect(tokenize('Bitcoin-Kurs: 90.000 €')).toEqual(['bitcoin', 'kurs', '90', '000']);
    expect(tokenize('Цитата #17703')).toEqual(['цитата', '17703']);
    expect(tokenize('नमस्ते दुनिया')).toEqual(['नमस्ते', 'दुनिया']); // vowel signs are marks inside the word
    expect(tokenize('比特币价格')).toEqual(['比', '特', '币', '价', '格']);
  });

  it('treats Urdu punctuation and quotation marks as boundaries', () => {
    expect(tokenize('بٹ کوائن۔ کرپٹو، کونسل؟ پاکستان؛ «ایل» "سلواڈور"')).toEqual([
      'بٹ',
      'کواین',
      'کرپٹو',
      'کونسل',
      'پاکستان',
      'ایل',
      'سلواڈور',
    ]);
    for (const text of ['بٹ کوائن۔', 'بٹ کوائن،', 'بٹ کوائن؟', 'بٹ کوائن؛', '«بٹ کوائن»', '“بٹ کوائن”']) {
      expect(matches('بٹ کوائن', text), text).toBe(true);
    }
    expect(matches('bitcoin', '“Bitcoin”')).toBe(true);
  });
});

describe('Arabic-script spacing', () => {
  it('matches a phrase however it is spaced: space, no space, or ZWNJ', () => {
    for (const query of ['بٹ کوائن', 'بٹکوائن', 'بٹ\u200Cکوائن']) {
      for (const text of ['بٹ کوائن کی قیمت', 'بٹکوائن کی قیمت', 'بٹ\u200Cکوائن کی قیمت']) {
        expect(matches(`"${query}"`, text), `${query} / ${text}`).toBe(true);
        expect(matches(query, text), `${query} / ${text}`).toBe(true);
      }
    }
    expect(matches('"ایل سلواڈور"', 'ایل سلوا ڈور کے صدر')).toBe(true);
    expect(matches('"ایل سلوا ڈور"', 'ایل سلواڈور کے صدر')).toBe(true);
    expect(matches('سلواڈور', 'سان سلوا ڈور میں')).toBe(true);
  });

  it('still starts and ends on word boundaries', () => {
    expect(matches('بٹ کوائن', 'بٹن کوائن پلس ڈپلومیسی')).toBe(false);
    expect(matches('بٹ کوائن', 'بٹ کوائنز')).toBe(false);
    expect(matches('کوائن', 'بٹکوائن')).toBe(false);
    expect(matches('بٹ', 'بٹن')).toBe(false);
  });
});

describe('English words', () => {
  it('match whole words with plural and possessive forms', () => {
    for (const text of [
      'Bitcoin’s rally',
      "Bitcoin's rally",
      'two bitcoins',
      '#Bitcoin',
      'Bitcoin, again',
      'BITCOIN!',
      'bitcoins’ value',
    ]) {
      expect(matches('bitcoin', text), text).toBe(true);
    }
    expect(matches('policy', 'new policies')).toBe(true);
    expect(matches('tax', 'higher taxes')).toBe(true);
  });

  it('drop the possessive, so phrases read through it', () => {
    for (const text of ["Bitcoin's price", 'Bitcoin’s price', 'Bitcoinʼs price', 'Bitcoin`s price']) {
      expect(tokenize(text), text).toEqual(['bitcoin', 'price']);
      expect(matches('"bitcoin price"', text), text).toBe(true);
    }
    expect(tokenize("it's 's")).toEqual(['it', 's']);
  });

  it('do not match inside a longer word', () => {
    for (const text of ['bitcointalk forum', 'antibitcoin', 'bitcoiners'])
      expect(matches('bitcoin', text), text).toBe(false);
  });

  it('match phrases across hyphens and punctuation between their words', () => {
    for (const text of [
      'the Crypto-Council met',
      'crypto council',
      'Crypto — Council',
      'crypto/council',
      'crypto councils',
    ]) {
      expect(matches('crypto council', text), text).toBe(true);
    }
    expect(matches('crypto council', 'council crypto')).toBe(false);
    expect(matches('crypto council', 'crypto policy council')).toBe(false);
  });

  it('quoted terms are exact: no plural forms, no aliases', () => {
    expect(matches('"bitcoin"', 'two bitcoins')).toBe(false);
    expect(matches('"bitcoin"', "Bitcoin's rally")).toBe(true);
    expect(matches('"bitcoin"', 'بٹ کوائن')).toBe(false);
  });
});

describe('the tokenizer', () => {
  it('splits normalizeText’s output into the same words it finds in one pass', () => {
    const alphabet = [
      ..."ab s'’ʼ`´-.,#éE\u0301ßÆ1٣۵",
      ...'بٹکوائنيكهۂۃئؤۓھ۔،؟ـ\u064E\u0654\u0670\u200C\u200D\u200B\u200F',
      '比特',
      '\u{1D400}',
      '\u{20000}',
      '\uD800',
    ];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 30 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(tokenize(t)).toEqual(tokenizeNormalized(normalizeText(t)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizeText’s shortcuts', () => {
  // The rules, written the slow way: NFKC, lower case, decompose and drop the diacritics (U+0300–U+036F)
  // among the marks on Latin and Greek letters, recompose, then the character folds.
  const reference = (text: string): string =>
    text
      .replace(/\u00B4/g, "'")
      .normalize('NFKC')
      .toLowerCase()
      .normalize('NFD')
      .replace(
        /([\p{Script=Latin}\p{Script=Greek}])(\p{M}+)/gu,
        (_, l: string, m: string) => l + m.replace(/[\u0300-\u036F]/g, ''),
      )
      .normalize('NFC')
      .replace(/[^]/gu, (c) =>
        c in FOLD && (!/[\u00C0-\u024F\u0370-\u03FF\u1E00-\u1FFF]/.test(c) || 'ßæœøłđħıþð'.includes(c)) ? FOLD[c]! : c,
      )
      .replace(/[\s\u200B]+/g, ' ')
      .trim();

  it('gives what the rules written the slow way give', () => {
    const alphabet = [
      ...'aZ é\u0301ÉñÑøǿŁßẞæİıάΆйЙё-’´`…\u00A0ﬁＡ１',
      ...'بٹکیيىكهۃۂةئؤۓأآا\u0653\u0654\u064E\u0670ـ۵٣',
      '\u200C',
      'ﻻ',
      '比',
      'が',
      'か\u3099',
    ];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 20 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(normalizeText(t)).toBe(reference(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('skips NFKC only for text that is its own NFKC', () => {
    const source = NFKC_STABLE.source.slice(2, -3); // the character class, without ^[ ]*$
    const ranges = [
      ...source.matchAll(/\\u([0-9A-F]{4})(?:-\\u([0-9A-F]{4}))?|\\([tnr])|\\x([0-9A-F]{2})-\\x([0-9A-F]{2})/g),
    ];
    let checked = 0;
    const changed: string[] = [];
    for (const r of ranges) {
      if (r[3]) continue;
      const from = parseInt(r[1] ?? r[4] ?? '0', 16);
      const to = parseInt(r[2] ?? r[5] ?? r[1] ?? '0', 16);
      for (let c = from; c <= to; c++, checked++) {
        const ch = String.fromCharCode(c);
        // Its own NFKC, and nothing that combines with the character before it.
        if (
          ch.normalize('NFKC') !== ch ||
          `a${ch}`.normalize('NFKC') !== `a${ch}` ||
          `ا${ch}`.normalize('NFKC') !== `ا${ch}`
        )
          changed.push(`U+${c.toString(16)}`);
        // preFold skips the diacritics step for such text: lower-casing must not produce a combining mark.
        if (/[\u0300-\u036F]/.test(ch.toLowerCase())) changed.push(`U+${c.toString(16)} lower-cased`);
      }
    }
    expect(changed).toEqual([]);
    expect(checked).toBeGreaterThan(20000);
  });
});
