/**
 * Matching benchmark: 10,000 realistic subscriptions (English and Urdu words and phrases, exclusions,
 * aliases, prefixes, field filters, groups, a few empty and exclusion-only queries; popular topics shared by
 * many subscribers) against 1,000 items from the real feeds in ../shared/corpus/feeds (every readable item,
 * 316 of them, repeated to reach 1,000). The compiled MatchIndex and a naive loop that evaluates every
 * subscription in turn (over the item normalized once) run side by side on one core; both give the same
 * answers (checked). Times are CPU time, best of several rounds.
 *
 * Figures: itemsPerSecIndex / usPerItemIndex (steady state), itemsPerSecNaive / usPerItemNaive (on every
 * 10th item), speedup, and for context: usPerItemIndexFirstPass (the first 1,000 items: code not yet
 * optimized by the JIT, and no explanation remembered yet by the index), usPerItemIndex1000Subs (the same
 * items against the first 1,000 subscriptions), matchesPerItem (alerts per item), indexBuildMs.
 * Run: npx tsx bench/matching.ts
 */
import { pathToFileURL } from 'node:url';
import { MatchIndex, parseQuery, prepareItem, type CompiledQuery, type MatchInput } from '../src/matcher/index.js';
import { matchPreparedIfMatched } from '../src/matcher/evaluate.js';
// The corpus reader written for the matcher's tests (fast-xml-parser, independent of src/parser).
import { allCorpusItems } from '../tests/matcher/corpus-feeds.js';

const SUBSCRIPTIONS = 10_000;
const ITEMS = 1_000;
const NAIVE_ITEMS = 100;
const ROUNDS = 5;

// Topics in rough order of popularity (ranks drawn Zipf-like, so the first are shared by ~1% of subscribers
// and the long tail by a few each), as in a bot serving many communities: news, crypto, Pakistan, sport…
const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
const EN = words(`
  bitcoin pakistan trump election crypto inflation cricket ethereum climate football ai india china iran budget
  stablecoin tax oil gold police court flood earthquake stocks tariffs ukraine russia israel gaza afghanistan health
  vaccine binance blockchain tesla nvidia apple google microsoft amazon openai meta solana ripple xrp tether defi nft
  mining regulation sec congress senate parliament protest strike union workers women education university students
  science space nasa research energy dollar rupee markets economy trade jobs fed imf debt bonds housing covid cancer
  weather storm wildfire judge supreme military army navy terror attack refugees migration border visa travel airline
  tourism music film books art fashion sports transfer coach karachi lahore islamabad london washington berlin moscow
  beijing tokyo dubai riyadh tehran kabul delhi mumbai dhaka beirut cairo istanbul paris brussels geneva ottawa
  sydney nairobi lagos brazil mexico canada japan korea germany france italy spain turkey egypt nigeria kenya
  bangladesh nepal srilanka saudi qatar uae syria iraq yemen libya sudan ethiopia somalia venezuela argentina chile
  peru colombia cuba haiti vietnam thailand indonesia malaysia philippines singapore taiwan hongkong mongolia
  kazakhstan uzbekistan belarus poland hungary greece sweden norway finland denmark ireland scotland wales
  coinbase kraken bybit okx tron cardano dogecoin shiba polkadot chainlink avalanche litecoin monero usdc circle
  microstrategy blackrock fidelity grayscale vanguard jpmorgan goldman citadel paypal visa mastercard stripe revolut
  samsung huawei xiaomi tiktok bytedance alibaba tencent baidu netflix disney spotify uber airbnb boeing airbus
  toyota volkswagen ford intel amd qualcomm arm oracle salesforce ibm adobe zoom slack telegram discord whatsapp
  signal twitter instagram facebook youtube reddit wikipedia linux android iphone chatgpt gemini claude llama
  olympics fifa uefa ipl psl wimbledon tennis golf boxing hockey rugby formula1 marathon chess esports
  hurricane typhoon monsoon drought heatwave pollution smog deforestation recycling solar wind nuclear hydrogen
  lithium batteries semiconductors chips robotics drones satellites rockets spacex mars moon telescope
  malaria polio dengue measles tuberculosis diabetes obesity vaccination pandemic hospital nurses doctors
  scholarships exams curriculum teachers schools literacy libraries museums heritage archaeology fungi recipes
  kitchen garden bakery coffee tea wine beer restaurants veganism fasting ramadan eid diwali christmas hajj
`);
const EN_PHRASES = [
  'crypto council', 'central bank', 'state of the union', 'digital assets', 'el salvador', 'bitcoin price', 'spot etf',
  'interest rate', 'prime minister', 'white house', 'donald trump', 'supreme court', 'stock market', 'real estate',
  'artificial intelligence', 'climate change', 'bitcoin mining', 'crypto exchange', 'national assembly', 'state bank',
  'prediction markets', 'world cup', 'human rights', 'free trade', 'oil prices', 'food prices', 'open source',
  'imran khan', 'shehbaz sharif', 'nawaz sharif', 'asim munir', 'joe biden', 'elon musk', 'sam altman', 'vitalik buterin',
  'michael saylor', 'nayib bukele', 'narendra modi', 'xi jinping', 'vladimir putin', 'volodymyr zelensky',
  'united nations', 'european union', 'world bank', 'federal reserve', 'bank of england', 'state bank of pakistan',
  'securities and exchange commission', 'cpec', 'belt and road', 'gwadar port', 'kashmir', 'line of control',
  'test match', 'champions trophy', 'premier league', 'champions league', 'grand slam', 'tour de france',
  'machine learning', 'quantum computing', 'electric vehicles', 'self driving', 'data breach', 'ransomware attack',
  'minimum wage', 'housing crisis', 'cost of living', 'fuel prices', 'gas shortage', 'load shedding', 'heat wave',
];
const UR = words(`
  پاکستان بٹکوائن کرپٹو امریکہ ڈالر مہنگائی بجٹ ٹیکس انتخابات عدالت فوج افغانستان بھارت ایران سعودی کرکٹ سیلاب
  زلزلہ بارش پولیس حکومت اسمبلی سینیٹ تعلیم صحت امداد معیشت روپیہ سونا پٹرول بجلی گیس کراچی لاہور پشاور کوئٹہ
  ملتان فیصل آباد راولپنڈی حیدرآباد گلگت کشمیر بلوچستان سندھ پنجاب خیبر ٹرمپ عمران نواز شہباز بلاول مریم خواتین
  طلبہ یونیورسٹی انٹرنیٹ موبائل ٹیکنالوجی چینی آٹا گندم کپاس چاول زراعت کسان مزدور ہڑتال احتجاج دھرنا جلسہ
  ووٹ الیکشن کمیشن نیب ایف آئی اے عدلیہ جج وکیل قانون آئین ترمیم پارلیمنٹ کابینہ بیوروکریسی کرپشن منی لانڈرنگ
  سرمایہ کاری برآمدات درآمدات قرض سود بینکاری اسٹاک شیئرز ڈیجیٹل ای کامرس فری لانسنگ سٹارٹ اپ ہسپتال ڈاکٹر ویکسین
  پولیو ڈینگی کورونا موسم گرمی سردی دھند اسموگ آلودگی پانی ڈیم توانائی شمسی ہوائی ریلوے موٹروے ٹریفک حادثہ
  دہشت گردی حملہ دھماکہ سرحد مہاجرین ویزا حج عمرہ رمضان عید محرم کرسمس دیوالی فلم ڈرامہ موسیقی کتاب شاعری ادب
`);
const UR_PHRASES = [
  'بٹ کوائن', 'کرپٹو کونسل', 'کرپٹو کرنسی', 'ایل سلواڈور', 'مرکزی بینک', 'ڈیجیٹل اثاثے', 'بلاک چین', 'وزیر اعظم',
  'سٹیٹ بینک', 'وزارت خزانہ', 'آئی ایم ایف', 'قومی اسمبلی', 'سپریم کورٹ', 'عسکری امداد', 'وزیر دفاع', 'وزیر خارجہ',
  'اسلام آباد', 'عمران خان', 'شہباز شریف', 'نواز شریف', 'آصف زرداری', 'مریم نواز', 'بلاول بھٹو', 'عاصم منیر',
  'اسٹاک ایکسچینج', 'شرح سود', 'پٹرولیم مصنوعات', 'بجلی کے نرخ', 'لوڈ شیڈنگ', 'چیمپئنز ٹرافی', 'ورلڈ کپ',
  'ٹیسٹ میچ', 'پاکستان سپر لیگ', 'انسانی حقوق', 'اقوام متحدہ', 'یورپی یونین', 'عالمی بینک', 'موسمیاتی تبدیلی',
  'مصنوعی ذہانت', 'سوشل میڈیا', 'سی پیک', 'گوادر بندرگاہ', 'لائن آف کنٹرول', 'ایٹمی پروگرام', 'ڈرون حملہ',
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

/** Words first, with a phrase after every few words: the popularity order of one script's topics. */
function pool(single: string[], phrases: string[]): string[] {
  const out: string[] = [];
  single.forEach((w, i) => {
    out.push(w);
    if (i % 5 === 4 && phrases.length > 0) out.push(phrases.shift()!);
  });
  return [...out, ...phrases];
}

/** Subscription queries as admins would type them. */
export function generateQueries(count: number, seed = 4): string[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  // Zipf-like popularity: rank r drawn with weight 1/(r + 20), so the most popular topic is in about 1% of
  // the terms typed, and the long tail in a handful of subscriptions each.
  const zipf = (list: readonly string[]): (() => string) => {
    let total = 0;
    const cum = list.map((_, r) => (total += 1 / (r + 20)));
    return () => {
      const x = random() * total;
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      return list[lo]!;
    };
  };
  const english = zipf(pool(EN, [...EN_PHRASES]));
  const urdu = zipf(pool(UR, [...UR_PHRASES]));
  const englishWord = zipf(EN);
  const term = (): string => (random() < 0.6 ? english() : urdu());
  const alternatives = (n: number): string => Array.from({ length: n }, term).join(pick([', ', ', ', ' OR ', '، ']));
  const out: string[] = [];
  while (out.length < count) {
    const r = random();
    let query: string;
    if (r < 0.3) query = alternatives(1 + Math.floor(random() * 3));
    else if (r < 0.45) query = `${alternatives(1 + Math.floor(random() * 3))} -${pick(EXCLUDE)}${random() < 0.3 ? ` NOT ${pick(EXCLUDE)}` : ''}`;
    else if (r < 0.57) query = `${term()} AND ${term()}`;
    else if (r < 0.64) query = `${englishWord().slice(0, 5 + Math.floor(random() * 3))}*${random() < 0.5 ? `, ${term()}` : ''}`;
    else if (r < 0.74) query = `${pick(FIELDS)}${random() < 0.4 ? `"${term()}"` : term()}${random() < 0.4 ? `, ${term()}` : ''}`;
    else if (r < 0.82) query = `"${pick([...EN_PHRASES, ...UR_PHRASES])}"${random() < 0.5 ? `, "${term()}"` : ''}`;
    else if (r < 0.89) query = `(${alternatives(2)}) AND (${alternatives(2)})${random() < 0.5 ? ` -${pick(EXCLUDE)}` : ''}`;
    else if (r < 0.997) query = alternatives(3 + Math.floor(random() * 4));
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

function corpusItems(count: number): MatchInput[] {
  const items = allCorpusItems();
  if (items.length === 0) throw new Error('no items in ../shared/corpus/feeds');
  return Array.from({ length: count }, (_, i) => items[i % items.length]!);
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
    const expected = index.match(item).map((m) => m.id).join(',');
    if (naive(item).join(',') !== expected) throw new Error('the index and the naive loop disagree');
  }
  const naiveMs = time(2, () => {
    for (const item of sample) naive(item);
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
  console.log(`  naive loop      ${String(f.itemsPerSecNaive).padStart(10)}  ${String(f.usPerItemNaive).padStart(11)}   (${f.naiveSampleItems} items)`);
  console.log(`  speedup ${f.speedup}×; index: first pass ${f.usPerItemIndexFirstPass} µs/item, with 1,000 subscriptions ${f.usPerItemIndex1000Subs} µs/item`);
  console.log(`  ${f.matchesPerItem} matching subscriptions per item; index built in ${f.indexBuildMs} ms`);
  console.log(JSON.stringify(f));
}
