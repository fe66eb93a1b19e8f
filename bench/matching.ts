/**
 * Matching benchmark: 10,000 realistic subscriptions (English and Urdu words and phrases, exclusions,
 * aliases, prefixes, field filters, groups, a few empty and exclusion-only queries; popular topics shared by
 * many subscribers) against 1,000 items from the real feeds in tests/fixtures/corpus/feeds (every readable item,
 * 316 of them, repeated to reach 1,000). The compiled MatchIndex and a naive loop that evaluates every
 * subscription in turn (over the item normalized once) run side by side on one core; both give the same
 * answers (checked). Times are CPU time, best of several rounds.
 *
 * Figures: itemsPerSecIndex / usPerItemIndex (steady state), itemsPerSecNaive / usPerItemNaive (on every
 * 10th item), speedup, and for context: usPerItemIndexFirstPass (the first 1,000 items: code not yet
 * optimized by the JIT, and no explanation remembered yet by the index), usPerItemIndexUnseen (a fresh
 * index warmed on half of the distinct items, on its first sight of the other half), usPerItemIndex1000Subs
 * (the same items against the first 1,000 subscriptions), matchesPerItem (alerts per item), indexBuildMs.
 * Run: npx tsx bench/matching.ts
 */
import { pathToFileURL } from 'node:url';
import { MatchIndex, parseQuery, prepareItem, type CompiledQuery, type MatchInput } from '../src/matcher/index.js';
import { matchPreparedIfMatched } from '../src/matcher/evaluate.js';
// The tests' corpus reader: the real feeds, read by src/parser as Taza reads them.
import { allCorpusItems } from '../tests/support/corpus.js';

const SUBSCRIPTIONS = 10_000;
const ITEMS = 1_000;
const NAIVE_ITEMS = 100;
const ROUNDS = 20;

// Topics in rough order of popularity, each with its English and Urdu terms (words and phrases) in rough
// order of popularity within the topic: a subscription is about one topic (its alternatives are related
// terms, as subscribers write them), in one language or, sometimes, both.
interface Topic {
  en: string[];
  ur: string[];
}
const list = (text: string): string[] =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
const TOPICS: Topic[] = [
  {
    // Pakistan politics
    en: list(
      'imran khan, shehbaz sharif, national assembly, election, pakistan, islamabad, karachi, lahore, nawaz sharif, asim munir, senate, parliament, kashmir, line of control, peshawar, quetta, balochistan, sindh, punjab',
    ),
    ur: list(
      'عمران خان, وزیر اعظم, قومی اسمبلی, انتخابات, شہباز شریف, پاکستان, نواز شریف, اسلام آباد, کراچی, لاہور, بلاول بھٹو, مریم نواز, آصف زرداری, عاصم منیر, سینیٹ, الیکشن کمیشن, پشاور, کوئٹہ, ملتان, راولپنڈی, کشمیر, بلوچستان, سندھ, پنجاب, خیبر پختونخوا, جلسہ, دھرنا, لائن آف کنٹرول',
    ),
  },
  {
    // Economy and money
    en: list(
      'inflation, budget, imf, tax, dollar, rupee, interest rate, central bank, state bank, economy, debt, stock market, oil prices, fuel prices, tariffs, trade, jobs, federal reserve, world bank, cost of living, minimum wage, bonds, housing crisis, gas shortage, load shedding',
    ),
    ur: list(
      'مہنگائی, بجٹ, آئی ایم ایف, ٹیکس, ڈالر, روپیہ, شرح سود, مرکزی بینک, سٹیٹ بینک, معیشت, قرض, وزارت خزانہ, اسٹاک ایکسچینج, پٹرول, پٹرولیم مصنوعات, بجلی کے نرخ, گیس, لوڈ شیڈنگ, برآمدات, درآمدات, سرمایہ کاری, بینکاری',
    ),
  },
  {
    // Crypto
    en: list(
      'bitcoin, crypto, ethereum, blockchain, stablecoin, crypto council, binance, bitcoin price, digital assets, spot etf, solana, el salvador, ripple, tether, defi, nft, bitcoin mining, crypto exchange, coinbase, tokenization, xrp, michael saylor, nayib bukele, vitalik buterin, prediction markets, dogecoin, cardano, usdc',
    ),
    ur: list(
      'بٹ کوائن, کرپٹو, کرپٹو کرنسی, کرپٹو کونسل, بلاک چین, ڈیجیٹل اثاثے, ایل سلواڈور, بائنانس, ورچوئل اثاثے, بٹ کوائن مائننگ',
    ),
  },
  {
    // Cricket and sport
    en: list(
      'cricket, football, psl, world cup, test match, champions trophy, ipl, olympics, premier league, champions league, fifa, tennis, hockey, wimbledon, formula1, boxing, golf, chess, marathon, esports, rugby, grand slam',
    ),
    ur: list('کرکٹ, ورلڈ کپ, ٹیسٹ میچ, پاکستان سپر لیگ, چیمپئنز ٹرافی, ہاکی, فٹ بال, اولمپکس'),
  },
  {
    // Conflict and security
    en: list(
      'afghanistan, iran, israel, gaza, ukraine, russia, terror, attack, military, army, refugees, border, syria, vladimir putin, volodymyr zelensky, united nations, human rights, drone strike, nuclear, migration, navy, yemen, iraq',
    ),
    ur: list(
      'افغانستان, ایران, دہشت گردی, حملہ, دھماکہ, سرحد, عسکری امداد, وزیر دفاع, وزیر خارجہ, مہاجرین, ڈرون حملہ, ایٹمی پروگرام, اقوام متحدہ, انسانی حقوق, فوج',
    ),
  },
  {
    // United States
    en: list(
      'trump, donald trump, white house, joe biden, congress, state of the union, supreme court, washington, republican, democrats',
    ),
    ur: list('امریکہ, ٹرمپ, وائٹ ہاؤس, امریکی صدر'),
  },
  {
    // Technology
    en: list(
      'ai, artificial intelligence, openai, chatgpt, google, apple, microsoft, nvidia, tesla, elon musk, meta, amazon, samsung, huawei, tiktok, data breach, ransomware attack, cybersecurity, privacy, internet, iphone, android, semiconductors, quantum computing, machine learning, sam altman, startup, open source, robotics, spacex',
    ),
    ur: list('مصنوعی ذہانت, انٹرنیٹ, سوشل میڈیا, موبائل, ٹیکنالوجی, فری لانسنگ, ای کامرس, سٹارٹ اپ, سائبر حملہ'),
  },
  {
    // Weather and climate
    en: list(
      'flood, climate change, earthquake, heatwave, monsoon, smog, pollution, drought, storm, wildfire, hurricane, typhoon, weather, glaciers',
    ),
    ur: list('سیلاب, زلزلہ, بارش, موسمیاتی تبدیلی, گرمی, اسموگ, آلودگی, دھند, ڈیم, پانی کی قلت, مون سون'),
  },
  {
    // Neighbours
    en: list(
      'india, china, narendra modi, cpec, xi jinping, bangladesh, afghan taliban, saudi arabia, uae, qatar, turkey, gwadar port, belt and road, dubai, sri lanka',
    ),
    ur: list('بھارت, سی پیک, سعودی عرب, گوادر بندرگاہ, متحدہ عرب امارات, قطر, ترکی, بنگلہ دیش, طالبان'),
  },
  {
    // Health
    en: list(
      'polio, dengue, vaccine, covid, cancer, hospital, measles, malaria, diabetes, tuberculosis, doctors, pandemic, mental health',
    ),
    ur: list('پولیو, ڈینگی, ویکسین, کورونا, ہسپتال, ڈاکٹر, صحت, خسرہ'),
  },
  {
    // Courts and police
    en: list(
      'supreme court, high court, nab, corruption, police, money laundering, judge, constitutional amendment, lawsuit, scandal',
    ),
    ur: list('سپریم کورٹ, ہائی کورٹ, نیب, کرپشن, پولیس, منی لانڈرنگ, عدلیہ, آئینی ترمیم, وکیل, جج'),
  },
  {
    // Education
    en: list('education, university, students, scholarships, exams, schools, teachers, literacy'),
    ur: list('تعلیم, یونیورسٹی, طلبہ, اسکالرشپ, امتحانات, اسکول, اساتذہ'),
  },
  {
    // Energy, science, space
    en: list(
      'oil, gold, solar, electric vehicles, lithium, nuclear power, nasa, mars, moon, telescope, research, hydrogen, batteries',
    ),
    ur: list('سونا, شمسی توانائی, توانائی, خلائی مشن, سائنس'),
  },
  {
    // Culture and food
    en: list(
      'ramadan, eid, film, music, books, recipes, food, kitchen, garden, fashion, art, travel, tourism, coffee, restaurants, christmas',
    ),
    ur: list('رمضان, عید, فلم, ڈرامہ, موسیقی, کتاب, شاعری, ادب, سیاحت, کھانا'),
  },
  {
    // Farming and work
    en: list('wheat, farmers, cotton, rice, sugar, workers, strike, protest, labour, unions'),
    ur: list('گندم, کسان, کپاس, چاول, چینی, آٹا, مزدور, ہڑتال, احتجاج, زراعت'),
  },
];
const EXCLUDE = ['etf', 'sponsored', 'opinion', 'podcast', 'live', 'quiz', 'video', 'rumor', 'ویڈیو', 'کالم', 'اشتہار'];
const FIELDS = ['title:', 'title:', 'summary:', 'category:', 'author:', 'link:'];

/** A small fast PRNG (mulberry32), seeded so every run benchmarks the same subscriptions. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Subscription queries as admins would type them. */
export function generateQueries(count: number, seed = 4): string[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Zipf-like: rank r drawn with weight 1/(r + offset).
  const zipf = <T>(items: readonly T[], offset: number): T => {
    let total = 0;
    for (let r = 0; r < items.length; r++) total += 1 / (r + offset);
    let x = random() * total;
    for (let r = 0; r < items.length; r++) if ((x -= 1 / (r + offset)) <= 0) return items[r]!;
    return items[items.length - 1]!;
  };
  const topic = (): Topic => zipf(TOPICS, 4);
  /** A term of the topic: in the subscriber's language (40% Urdu), one time in five the other one. */
  const term = (t: Topic, urdu: boolean): string => zipf((random() < 0.2 ? !urdu : urdu) ? t.ur : t.en, 3);
  const alternatives = (t: Topic, urdu: boolean, n: number): string => {
    const terms = new Set<string>();
    for (let i = 0; i < n * 3 && terms.size < n; i++) terms.add(term(t, urdu));
    return [...terms].join(pick([', ', ', ', ' OR ', '، ']));
  };
  const english = (t: Topic): string =>
    zipf(
      t.en.filter((w) => !w.includes(' ')),
      3,
    );
  const out: string[] = [];
  while (out.length < count) {
    const t = topic();
    const urdu = random() < 0.4;
    const r = random();
    let query: string;
    if (r < 0.35) query = alternatives(t, urdu, 1 + Math.floor(random() * 4));
    else if (r < 0.5)
      query = `${alternatives(t, urdu, 1 + Math.floor(random() * 3))} -${pick(EXCLUDE)}${random() < 0.3 ? ` NOT ${pick(EXCLUDE)}` : ''}`;
    else if (r < 0.6) query = `${term(t, urdu)} AND ${term(topic(), urdu)}`;
    else if (r < 0.67)
      query = `${english(t).slice(0, 5 + Math.floor(random() * 3))}*${random() < 0.5 ? `, ${term(t, urdu)}` : ''}`;
    else if (r < 0.77)
      query = `${pick(FIELDS)}${random() < 0.4 ? `"${term(t, urdu)}"` : term(t, urdu)}${random() < 0.4 ? `, ${term(t, urdu)}` : ''}`;
    else if (r < 0.85) query = `"${term(t, urdu)}"${random() < 0.5 ? `, "${term(t, urdu)}"` : ''}`;
    else if (r < 0.92)
      query = `(${alternatives(t, urdu, 2)}) AND (${alternatives(topic(), urdu, 2)})${random() < 0.5 ? ` -${pick(EXCLUDE)}` : ''}`;
    else if (r < 0.997) query = alternatives(t, urdu, 4 + Math.floor(random() * 3));
    else if (r < 0.999) query = '';
    else query = `-${pick(EXCLUDE)}`;
    out.push(query);
  }
  return out;
}

function compile(sources: string[]): Array<{ id: string; query: CompiledQuery }> {
  return sources.map((source, i) => {
    const parsed = parseQuery(source);
    if (!parsed.ok) throw new Error(`generated query ${JSON.stringify(source)}: ${parsed.error}`);
    return { id: `sub${i}`, query: parsed.query };
  });
}

/** count items from the corpus, repeating it as needed; or, with distinct, each item once. */
function corpusItems(count: number, distinct = false): MatchInput[] {
  const items = allCorpusItems();
  if (items.length === 0) throw new Error('no items in tests/fixtures/corpus/feeds');
  return distinct ? items : Array.from({ length: count }, (_, i) => items[i % items.length]!);
}

/**
 * Best of several rounds, in milliseconds of CPU time (user + system) of this process: what matching costs
 * one core, unaffected by other processes taking turns on the machine (GC helper threads count too).
 */
function time(rounds: number, run: () => void): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const started = process.cpuUsage();
    run();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

export async function runMatchingBench(): Promise<Record<string, number>> {
  const entries = compile(generateQueries(SUBSCRIPTIONS));
  const items = corpusItems(ITEMS);

  let index!: MatchIndex;
  const buildMs = time(1, () => (index = new MatchIndex(entries)));
  // The first pass: code not yet optimized by the JIT, and nothing remembered yet by the index.
  let matches = 0;
  const firstPassMs = time(1, () => {
    for (const item of items) matches += index.match(item).length;
  });
  const indexMs = time(ROUNDS, () => {
    for (const item of items) index.match(item);
  });

  // Naive: the item normalized once, then every subscription evaluated in turn. On a sample of the items
  // (every 10th), as it is slow; its answers must be the index's.
  const sample = items.filter((_, i) => i % (ITEMS / NAIVE_ITEMS) === 0);
  const naive = (item: MatchInput): string[] => {
    const prepared = prepareItem(item);
    const ids: string[] = [];
    for (const { id, query } of entries) if (matchPreparedIfMatched(query, prepared)) ids.push(id);
    return ids;
  };
  for (const item of sample) {
    const expected = index
      .match(item)
      .map((m) => m.id)
      .join(',');
    if (naive(item).join(',') !== expected) throw new Error('the index and the naive loop disagree');
  }
  const naiveMs = time(2, () => {
    for (const item of sample) naive(item);
  });

  // Items never seen before: a fresh index, warmed on half of the distinct corpus items (JIT, remembered
  // explanations), timed on its first pass over the other half.
  const distinct = corpusItems(0, true);
  const seenHalf = distinct.filter((_, i) => i % 2 === 0);
  const unseenHalf = distinct.filter((_, i) => i % 2 === 1);
  const fresh = new MatchIndex(entries);
  for (let r = 0; r < 3; r++) for (const item of seenHalf) fresh.match(item);
  const unseenMs = time(1, () => {
    for (const item of unseenHalf) fresh.match(item);
  });

  // Scaling: the same items against a tenth of the subscriptions.
  const small = new MatchIndex(entries.slice(0, SUBSCRIPTIONS / 10));
  const smallMs = time(ROUNDS, () => {
    for (const item of items) small.match(item);
  });

  const usPerItemIndex = (indexMs * 1000) / items.length;
  const usPerItemNaive = (naiveMs * 1000) / sample.length;
  const round = (x: number, digits = 1): number => Number(x.toFixed(digits));
  return {
    subscriptions: entries.length,
    items: items.length,
    itemsPerSecIndex: Math.round(1e6 / usPerItemIndex),
    usPerItemIndex: round(usPerItemIndex),
    itemsPerSecNaive: Math.round(1e6 / usPerItemNaive),
    usPerItemNaive: round(usPerItemNaive),
    speedup: round(usPerItemNaive / usPerItemIndex),
    naiveSampleItems: sample.length,
    usPerItemIndexFirstPass: round((firstPassMs * 1000) / items.length),
    usPerItemIndexUnseen: round((unseenMs * 1000) / unseenHalf.length),
    usPerItemIndex1000Subs: round((smallMs * 1000) / items.length),
    matchesPerItem: round(matches / items.length, 2),
    indexBuildMs: round(buildMs),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const f = await runMatchingBench();
  console.log(`matching: ${f.subscriptions} subscriptions, ${f.items} corpus items, one core`);
  console.log(`                      items/s      µs/item`);
  console.log(`  compiled index  ${String(f.itemsPerSecIndex).padStart(10)}  ${String(f.usPerItemIndex).padStart(11)}`);
  console.log(
    `  naive loop      ${String(f.itemsPerSecNaive).padStart(10)}  ${String(f.usPerItemNaive).padStart(11)}   (${f.naiveSampleItems} items)`,
  );
  console.log(`  speedup ${f.speedup}×`);
  console.log(
    `  index: first pass ${f.usPerItemIndexFirstPass} µs/item, items never seen ${f.usPerItemIndexUnseen} µs/item, with 1,000 subscriptions ${f.usPerItemIndex1000Subs} µs/item`,
  );
  console.log(`  ${f.matchesPerItem} matching subscriptions per item; index built in ${f.indexBuildMs} ms`);
  console.log(JSON.stringify(f));
}
