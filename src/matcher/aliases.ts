/**
 * The shipped alias table: each line is a group of terms that mean the same thing, across scripts and
 * spellings. A subscriber typing any of them (unquoted) is alerted by the others too.
 *
 * Spacing inside Urdu terms does not matter (`بٹ کوائن` = `بٹکوائن`), nor do letter variants, case, or English
 * plurals, so list only genuinely different spellings and inflections. Self-hosters add groups in their own
 * file (see loadAliases); groups that share a term are merged.
 */
export const SHIPPED_ALIASES: ReadonlyArray<readonly string[]> = [
  // The mission's topics.
  ['bitcoin', 'بٹ کوائن'],
  ['crypto', 'cryptocurrency', 'crypto currency', 'کرپٹو', 'کرپٹو کرنسی', 'کرپٹو کرنسیز', 'کرپٹو کرنسیوں'],
  ['crypto council', 'کرپٹو کونسل'],
  ['blockchain', 'block chain', 'بلاک چین'],
  ['digital assets', 'digital asset', 'ڈیجیٹل اثاثے', 'ڈیجیٹل اثاثوں', 'ڈیجیٹل اثاثہ', 'ڈیجیٹل اثاثہ جات'],
  ['virtual assets', 'virtual asset', 'ورچوئل اثاثے', 'ورچوئل اثاثوں', 'ورچوئل اثاثہ', 'ورچوئل اثاثہ جات'],
  ['el salvador', 'ایل سلواڈور', 'ال سلواڈور'],
  ['pakistan', 'پاکستان'],
  ['central bank', 'مرکزی بینک', 'مرکزی بنک'],
  // Crypto and finance.
  ['stablecoin', 'stable coin', 'سٹیبل کوائن', 'اسٹیبل کوائن'],
  ['ethereum', 'ایتھیریم', 'ایتھریم'],
  ['binance', 'بائنانس'],
  ['bitcoin mining', 'بٹ کوائن مائننگ'],
  ['state bank', 'اسٹیٹ بینک', 'سٹیٹ بینک'],
  ['state bank of pakistan', 'اسٹیٹ بینک آف پاکستان', 'سٹیٹ بینک آف پاکستان'],
  ['imf', 'international monetary fund', 'آئی ایم ایف', 'عالمی مالیاتی فنڈ'],
  ['inflation', 'مہنگائی', 'افراط زر'],
  ['interest rate', 'شرح سود'],
  ['finance ministry', 'ministry of finance', 'وزارت خزانہ'],
  ['stock exchange', 'اسٹاک ایکسچینج', 'سٹاک ایکسچینج'],
  ['budget', 'بجٹ'],
  ['tax', 'ٹیکس'],
  ['rupee', 'روپیہ', 'روپے'],
  ['dollar', 'ڈالر'],
  ['regulation', 'ریگولیشن'],
  ['artificial intelligence', 'ai', 'مصنوعی ذہانت'],
  // People and places in the news.
  ['bukele', 'nayib bukele', 'بوکیلے', 'نایب بوکیلے'],
  ['imran khan', 'عمران خان'],
  ['prime minister', 'وزیر اعظم'],
  ['supreme court', 'سپریم کورٹ', 'عدالت عظمی'],
  ['national assembly', 'قومی اسمبلی'],
  ['senate', 'سینیٹ'],
  ['election', 'انتخابات', 'الیکشن'],
  ['india', 'انڈیا', 'بھارت'],
  ['united states', 'usa', 'امریکہ'],
  ['saudi arabia', 'سعودی عرب'],
  ['afghanistan', 'افغانستان'],
  ['iran', 'ایران'],
  ['karachi', 'کراچی'],
  ['lahore', 'لاہور'],
  ['islamabad', 'اسلام آباد'],
  ['cricket', 'کرکٹ'],
  ['flood', 'سیلاب'],
  ['earthquake', 'زلزلہ'],
];
