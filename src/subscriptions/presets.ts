/**
 * The shipped catalog of well-known sources for Taza's mission (Pakistani and Urdu news, crypto news), so an admin
 * can write `feed:bbc-urdu` instead of finding a feed URL. Each URL is the publisher's own public RSS feed.
 */

export interface Preset {
  /** What the admin types: lowercase, no spaces. */
  key: string;
  name: string;
  url: string;
  language: string;
  topic: 'pakistan' | 'crypto' | 'world';
}

export const PRESETS: readonly Preset[] = [
  {
    key: 'bbc-urdu',
    name: 'BBC Urdu',
    url: 'https://feeds.bbci.co.uk/urdu/rss.xml',
    language: 'ur',
    topic: 'pakistan',
  },
  {
    key: 'voa-urdu',
    name: 'VOA Urdu',
    url: 'https://www.urduvoa.com/api/zrqomtmopp',
    language: 'ur',
    topic: 'pakistan',
  },
  { key: 'dw-urdu', name: 'DW Urdu', url: 'https://rss.dw.com/rdf/rss-urd-all', language: 'ur', topic: 'pakistan' },
  {
    key: 'express-urdu',
    name: 'Daily Express (Urdu)',
    url: 'https://www.express.pk/feed',
    language: 'ur',
    topic: 'pakistan',
  },
  { key: 'dawn', name: 'Dawn', url: 'https://www.dawn.com/feeds/home', language: 'en', topic: 'pakistan' },
  {
    key: 'dawn-business',
    name: 'Dawn Business',
    url: 'https://www.dawn.com/feeds/business',
    language: 'en',
    topic: 'pakistan',
  },
  {
    key: 'bbc-world',
    name: 'BBC News World',
    url: 'https://feeds.bbci.co.uk/news/world/rss.xml',
    language: 'en',
    topic: 'world',
  },
  {
    key: 'coindesk',
    name: 'CoinDesk',
    url: 'https://www.coindesk.com/arc/outboundfeeds/rss/',
    language: 'en',
    topic: 'crypto',
  },
  {
    key: 'cointelegraph',
    name: 'Cointelegraph',
    url: 'https://cointelegraph.com/rss',
    language: 'en',
    topic: 'crypto',
  },
  { key: 'decrypt', name: 'Decrypt', url: 'https://decrypt.co/feed', language: 'en', topic: 'crypto' },
  { key: 'the-block', name: 'The Block', url: 'https://www.theblock.co/rss.xml', language: 'en', topic: 'crypto' },
  {
    key: 'bitcoin-magazine',
    name: 'Bitcoin Magazine',
    url: 'https://bitcoinmagazine.com/.rss/full/',
    language: 'en',
    topic: 'crypto',
  },
];

/** The preset named by `text` (its key, or its name ignoring case and spaces). */
export function findPreset(text: string, presets: readonly Preset[] = PRESETS): Preset | undefined {
  const wanted = text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  return presets.find((p) => p.key === wanted || p.name.toLowerCase().replace(/\s+/g, '-') === wanted);
}

/** Google News' language editions: hl, gl and ceid for each `lang:` accepted in `news:` queries. */
const NEWS_EDITIONS: Record<string, { hl: string; gl: string; ceid: string }> = {
  en: { hl: 'en-US', gl: 'US', ceid: 'US:en' },
  ur: { hl: 'ur', gl: 'PK', ceid: 'PK:ur' },
  'en-pk': { hl: 'en-PK', gl: 'PK', ceid: 'PK:en' },
  'en-gb': { hl: 'en-GB', gl: 'GB', ceid: 'GB:en' },
  'en-in': { hl: 'en-IN', gl: 'IN', ceid: 'IN:en' },
  hi: { hl: 'hi', gl: 'IN', ceid: 'IN:hi' },
  ar: { hl: 'ar', gl: 'EG', ceid: 'EG:ar' },
};

const NEWS_LANGUAGES = Object.keys(NEWS_EDITIONS);

/**
 * `news:crypto council lang:ur` → a Google News RSS search URL for that query in that edition.
 * Returns an error message for an empty query or an unknown language.
 */
export function newsSearchUrl(spec: string): { url: string; label: string } | { error: string } {
  let lang = 'en';
  const words: string[] = [];
  for (const word of spec.trim().split(/\s+/).filter(Boolean)) {
    const match = /^lang:(.*)$/i.exec(word);
    if (match) lang = match[1]!.toLowerCase();
    else words.push(word);
  }
  const query = words.join(' ');
  if (query === '') return { error: 'news: needs words to search for, e.g. news:crypto council lang:ur' };
  const edition = NEWS_EDITIONS[lang];
  if (!edition) return { error: `news: does not know the language "${lang}"; use one of ${NEWS_LANGUAGES.join(', ')}` };
  const params = new URLSearchParams({ q: query, hl: edition.hl, gl: edition.gl, ceid: edition.ceid });
  return { url: `https://news.google.com/rss/search?${params.toString()}`, label: `Google News: ${query} (${lang})` };
}
