/**
 * What an admin may write for a feed: a preset key (`bbc-urdu`), a Google News search (`news:crypto council
 * lang:ur`), a feed URL, or a site URL (resolved to its feed when fetched). Turns it into one http(s) URL.
 */
import { UserError } from '../replies/errors.js';
import { code } from '../replies/markup.js';
import { findPreset, newsSearchUrl, type Preset } from './presets.js';

export interface FeedSource {
  url: string;
  /** How to name it in replies: the preset's name, the news search, or the URL. */
  label: string;
  kind: 'preset' | 'news' | 'url';
}

export function resolveFeedSource(input: string, presets: readonly Preset[]): FeedSource {
  const text = input.trim();
  const preset = findPreset(text, presets);
  if (preset) return { url: preset.url, label: preset.name, kind: 'preset' };
  if (/^news:/i.test(text)) {
    const news = newsSearchUrl(text.slice('news:'.length));
    if ('error' in news) throw new UserError(`${news.error}.`);
    return { url: news.url, label: news.label, kind: 'news' };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && !/^[a-z0-9.-]+:\d+/i.test(text)) {
    if (scheme !== 'http' && scheme !== 'https') {
      throw new UserError(`${code(text)} is a ${scheme}: address; Taza only reads feeds over http:// or https://.`);
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new UserError(`${code(text)} is not a valid URL.`);
    }
    return { url: url.href, label: url.href, kind: 'url' };
  }
  // A bare site name such as dawn.com: assume https, the site's feed is then found from its page.
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/\S*)?$/i.test(text)) {
    const url = new URL(`https://${text}`);
    return { url: url.href, label: url.href, kind: 'url' };
  }
  const suggestions = presets.filter((p) => p.key.startsWith(text.slice(0, 3).toLowerCase())).map((p) => code(p.key));
  const hint = suggestions.length
    ? ` Did you mean ${suggestions.join(' or ')}?`
    : ' Send /help subscribe for examples.';
  throw new UserError(`${code(text)} is not a feed URL, a site URL, a preset or a news: search.${hint}`);
}
