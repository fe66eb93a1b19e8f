/** MatchIndex: the same answers as evaluating each subscription alone, for any queries and texts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchIndex, matchQuery, parseQuery, type CompiledQuery, type MatchInput } from '../../src/matcher/index.js';

function q(source: string): CompiledQuery {
  const parsed = parseQuery(source);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.error}`);
  return parsed.query;
}
const naive = (entries: Array<{ id: string; query: CompiledQuery }>, input: MatchInput) =>
  entries.map(({ id, query }) => ({ id, result: matchQuery(query, input) })).filter((m) => m.result.matched);

describe('MatchIndex', () => {
  const sources = [
    'bitcoin',
    'crypto council',
    'بٹ کوائن',
    '',
    '-etf',
    'title:pakistan',
    'crypto*',
    'bitcoin -etf',
    '(NOT (ab, bc)) OR solana',
  ];
  const entries = sources.map((source, i) => ({ id: `s${i}`, query: q(source) }));
  const index = new MatchIndex(entries);

  it('knows its size, and keeps the subscriptions’ order', () => {
    expect(index.size).toBe(sources.length);
    const input: MatchInput = { title: 'Pakistan', text: 'Bitcoin ETF and the Crypto-Council', categories: [] };
    expect(index.match(input).map((m) => m.id)).toEqual(['s0', 's1', 's2', 's3', 's5', 's6', 's8']);
    expect(index.match(input)).toEqual(naive(entries, input));
  });

  it('always evaluates queries that need no term (empty, exclusions only, NOT inside)', () => {
    const input: MatchInput = { title: 'Weather', text: 'Sunny', categories: [] };
    expect(index.match(input).map((m) => m.id)).toEqual(['s3', 's4', 's8']);
  });

  it('is reusable across many items, and an empty index matches nothing', () => {
    for (let i = 0; i < 3; i++)
      expect(index.match({ title: 'بٹکوائن', text: '', categories: [] }).map((m) => m.id)).toContain('s0');
    expect(new MatchIndex([]).match({ title: 'bitcoin', text: '', categories: [] })).toEqual([]);
    expect(new MatchIndex([]).size).toBe(0);
  });

  it('explains each item afresh: where, and through which alias', () => {
    const one = new MatchIndex([{ id: 'b', query: q('bitcoin -etf') }]);
    const whys = ['Bitcoin', 'بٹ کوائن', 'Bitcoin', 'Bitcoin ETF', 'بٹکوائن'].map(
      (text) => one.match({ title: '', text, categories: [] })[0]?.result.why,
    );
    expect(whys).toEqual([
      'bitcoin in text',
      'bitcoin (as بٹ کوائن) in text',
      'bitcoin in text',
      undefined,
      'bitcoin (as بٹ کوائن) in text',
    ]);
  });

  it('remembers explanations exactly, whether one, two or more of a query’s terms were found', () => {
    const many = [{ id: 'm', query: q('bitcoin, ethereum, solana, pakistan -etf') }];
    const memo = new MatchIndex(many);
    const texts = [
      'Bitcoin',
      'Bitcoin and Solana',
      'Solana and Bitcoin',
      'Bitcoin, Solana, Pakistan',
      'Pakistan',
      'Bitcoin, Ethereum, Solana, Pakistan',
      'Solana ETF',
    ];
    // In both title and text, or one of them: the same terms in other places must not reuse an explanation.
    const inputs = texts.flatMap((text): MatchInput[] => [
      { title: text, text: '', categories: [] },
      { title: '', text, categories: [] },
      { title: text, text: 'Bitcoin', categories: [] },
    ]);
    for (const input of [...inputs, ...[...inputs].reverse(), ...inputs])
      expect(memo.match(input)).toEqual(naive(many, input));
    expect(memo.match({ title: 'Bitcoin, Solana, Pakistan', text: '', categories: [] })[0]!.result.terms).toEqual([
      'bitcoin',
      'solana',
      'pakistan',
    ]);
  });

  it('finds plural forms, prefixes and Arabic-script phrases however they are spaced', () => {
    const sources = ['tax', 'policy', 'bitcoin', 'crypto*', '"ایل سلوا ڈور"', 'بٹکوائن', 'کرپٹو*', 'title:etf'];
    const all = sources.map((source) => ({ id: source, query: q(source) }));
    const several = new MatchIndex(all);
    const cases: Array<[string, string[]]> = [
      ['higher taxes', ['tax']],
      ['new policies', ['policy']],
      ['two bitcoins', ['bitcoin', 'بٹکوائن']], // بٹکوائن has bitcoin as an alias
      ['Cryptocurrencies', ['crypto*']],
      ['ایل سلوا ڈور کے صدر', ['"ایل سلوا ڈور"']],
      ['ا یل سل وا ڈ ور', ['"ایل سلوا ڈور"']],
      ['ب ٹ ک و ا ئ ن', ['bitcoin', 'بٹکوائن']],
      ['کرپ ٹو کرنسی', ['کرپٹو*']],
    ];
    for (const [text, ids] of cases) {
      const input: MatchInput = { title: '', text, categories: [] };
      expect(
        several.match(input).map((m) => m.id),
        text,
      ).toEqual(ids);
      expect(several.match(input)).toEqual(naive(all, input));
    }
  });

  it('finds words starting in any part of Unicode, and none from the parts no query starts in', () => {
    // First letters in four blocks of 256 code units (Latin, Greek, Arabic, CJK); items also use two no query uses.
    const sources = ['tokyo', 'ωmega', 'بٹکوائن', '東', 'ωx*'];
    const all = sources.map((source) => ({ id: source, query: q(source) }));
    const scripts = new MatchIndex(all);
    const cases: Array<[string, string[]]> = [
      ['Ｔｏｋｙｏ 東京', ['tokyo', '東']],
      ['Ωmega ωxyz', ['ωmega', 'ωx*']],
      ['ωmeg ωy ویب', []],
      ['привет 한국 ٹوکیو', []],
      ['بٹکوائن', ['بٹکوائن']],
    ];
    for (const [text, ids] of cases) {
      const input: MatchInput = { title: '', text, categories: [] };
      expect(
        scripts.match(input).map((m) => m.id),
        text,
      ).toEqual(ids);
      expect(scripts.match(input)).toEqual(naive(all, input));
    }
  });

  it('rejects what is not a compiled query', () => {
    expect(() => new MatchIndex([{ id: 'x', query: {} as CompiledQuery }])).toThrow(/parseQuery/);
  });
});

// Words chosen to collide: plurals, prefixes, Urdu words that join into others (بٹ + کوائن = بٹکوائن,
// سلوا + ڈور = سلواڈور) or only look alike (بٹن), alias pairs across scripts, letter variants.
const ENGLISH = [
  'bitcoin',
  'bitcoins',
  'bit',
  'coin',
  'crypto',
  'cryptos',
  'council',
  'etf',
  'etfs',
  'policy',
  'policies',
  'tax',
  'taxes',
  'pakistan',
  'el',
  'salvador',
  'central',
  'bank',
  'digital',
  'assets',
  'mining',
  'ai',
  'news',
  's',
];
const URDU = [
  'بٹ',
  'کوائن',
  'بٹکوائن',
  'بٹن',
  'کرپٹو',
  'کونسل',
  'ایل',
  'سلوا',
  'ڈور',
  'سلواڈور',
  'پاکستان',
  'پاکستانی',
  'ڈیجیٹل',
  'اثاثے',
  'اثاثوں',
  'مرکزی',
  'بینک',
  'کرنسی',
  'بلاک',
  'چین',
  'اور',
  'کے',
];
const word = fc.oneof(fc.constantFrom(...ENGLISH), fc.constantFrom(...URDU));
// Variants written the other way: Arabic yeh/kaf/heh, tatweel, harakat, ZWNJ inside a word, upper case.
const variant = (w: string, k: number): string =>
  [
    w,
    w.replace(/ی/g, 'ي'),
    w.replace(/ک/g, 'ك'),
    w.replace(/ہ/g, 'ه'),
    w.replace(/^(.)/, '$1ـ'),
    w.replace(/^(.)/, '$1\u0650'),
    w.toUpperCase(),
    w.replace(/^(.)(.)/, '$1\u200C$2'),
  ][k % 8]!;
const separator = fc.constantFrom(' ', ' ', ' ', '', '\u200C', '-', '، ', '۔ ', ', ', "'s ", ' #', '’ ', ' "');
const text = fc
  .array(fc.tuple(word, fc.nat(15), separator), { maxLength: 14 })
  .map((parts) => parts.map(([w, k, sep]) => variant(w, k) + sep).join(''));

const itemArb: fc.Arbitrary<MatchInput> = fc.record({
  title: text,
  text,
  link: fc.option(
    fc.array(word, { maxLength: 4 }).map((ws) => `https://example.com/${ws.join('-')}`),
    { nil: undefined },
  ),
  author: fc.option(text, { nil: undefined }),
  categories: fc.array(text, { maxLength: 3 }),
});

const phrase = fc
  .tuple(fc.array(fc.tuple(word, fc.nat(15)), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.nat(9))
  .map(([ws, star, style]) => {
    const words = ws.map(([w, k]) => variant(w, k)).join(style === 3 ? '' : ' ');
    const body = star && [...words].length > 2 ? `${words}*` : words;
    const quoted = style < 2 ? `"${body}"` : body;
    const field = ['title:', 'summary:', 'link:', 'author:', 'category:'][style - 5] ?? '';
    return field + quoted;
  });
const queryArb: fc.Arbitrary<string> = fc.letrec<{ query: string }>((tie) => ({
  query: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    phrase,
    phrase,
    fc.constant(''),
    fc
      .tuple(tie('query'), fc.constantFrom(', ', ' OR ', ' AND ', ' -', ' NOT ', ' '), tie('query'))
      .map(([a, op, b]) => `${a}${op}${b}`),
    tie('query').map((x) => `(${x})`),
    tie('query').map((x) => `-${x}`),
  ),
})).query;

describe('MatchIndex against each subscription alone (property)', () => {
  it('gives exactly the same answers over random queries and texts in both scripts', () => {
    fc.assert(
      fc.property(
        fc.array(queryArb, { minLength: 1, maxLength: 25 }),
        fc.array(itemArb, { minLength: 1, maxLength: 4 }),
        (sources, items) => {
          const entries = sources.flatMap((source, i) => {
            const parsed = parseQuery(source);
            return parsed.ok ? [{ id: `${i}`, query: parsed.query }] : [];
          });
          const index = new MatchIndex(entries);
          // Twice, the second time backwards: the index reuses explanations between items.
          for (const input of [...items, ...[...items].reverse()])
            expect(index.match(input)).toEqual(naive(entries, input));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives the same answers over a small vocabulary of aliases, so that items share terms', () => {
    const small = fc.constantFrom(
      'bitcoin',
      'بٹ',
      'کوائن',
      'بٹکوائن',
      'crypto',
      'کرپٹو',
      'کرنسی',
      'etf',
      'council',
      'کونسل',
    );
    const smallText = fc
      .array(fc.tuple(small, separator), { maxLength: 6 })
      .map((ws) => ws.map(([w, sep]) => w + sep).join(''));
    const smallQuery = fc
      .array(fc.tuple(small, fc.constantFrom(', ', ' ', ' -', ' AND ', ' title:')), { minLength: 1, maxLength: 4 })
      .map((ws) =>
        ws
          .map(([w, op]) => op + w)
          .join('')
          .replace(/^[ ,]*(AND )?/, ''),
      );
    const smallItem = fc.record({ title: smallText, text: smallText, categories: fc.constant<string[]>([]) });
    fc.assert(
      fc.property(
        fc.array(smallQuery, { minLength: 1, maxLength: 10 }),
        fc.array(smallItem, { minLength: 2, maxLength: 8 }),
        (sources, items) => {
          const entries = sources.flatMap((source, i) => {
            const parsed = parseQuery(source);
            return parsed.ok ? [{ id: `${i}`, query: parsed.query }] : [];
          });
          const index = new MatchIndex(entries);
          for (const input of [...items, ...items]) expect(index.match(input)).toEqual(naive(entries, input));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mostly generates valid queries that sometimes match (so the property has teeth)', () => {
    const sample = fc.sample(fc.tuple(queryArb, itemArb), { numRuns: 400, seed: 42 });
    const valid = sample.filter(([source]) => parseQuery(source).ok);
    expect(valid.length).toBeGreaterThan(300);
    const matched = valid.filter(([source, input]) => matchQuery(q(source), input).matched).length;
    expect(matched).toBeGreaterThan(40);
    expect(matched).toBeLessThan(valid.length - 40);
  });
});
