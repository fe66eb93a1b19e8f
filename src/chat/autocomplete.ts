/**
 * Autocomplete suggestions, computed from memory only (no I/O), so an adapter can answer inside Discord's
 * 3-second deadline: presets and the feeds this server already uses for `feed`, this server's subscriptions for `id`.
 */
import type { AutocompleteSource } from './definition.js';
import type { CommandServices } from './services.js';

export interface Suggestion {
  /** What the user sees (at most 100 characters). */
  name: string;
  /** What is filled in (at most 100 characters). */
  value: string;
}

const MAX_SUGGESTIONS = 25;
const MAX_CHOICE = 100;

function clip(text: string): string {
  return text.length <= MAX_CHOICE ? text : `${text.slice(0, MAX_CHOICE - 1)}…`;
}

export function suggest(
  services: CommandServices,
  source: AutocompleteSource,
  scope: string,
  typed: string,
): Suggestion[] {
  const needle = typed.trim().toLowerCase();
  const fits = (...texts: Array<string | undefined>) =>
    needle === '' || texts.some((t) => t?.toLowerCase().includes(needle));
  const out: Suggestion[] = [];
  if (source === 'subscription') {
    for (const s of services.subscriptions.byScope(scope).sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const feed = services.feeds.get(s.feedId);
      const title = feed?.title || feed?.url || s.feedId;
      if (fits(s.id, title, s.query))
        out.push({
          name: clip(`${s.id} · ${title} · ${s.query || '(every item)'}${s.paused ? ' · paused' : ''}`),
          value: s.id,
        });
    }
    return out.slice(0, MAX_SUGGESTIONS);
  }
  const inUse = new Set(services.subscriptions.byScope(scope).map((s) => s.feedId));
  for (const feedId of inUse) {
    const feed = services.feeds.get(feedId);
    if (feed && feed.url.length <= MAX_CHOICE && fits(feed.url, feed.title))
      out.push({ name: clip(`${feed.title || feed.url} (in use)`), value: feed.url });
  }
  for (const preset of services.presets) {
    if (fits(preset.key, preset.name))
      out.push({ name: clip(`${preset.name} — preset ${preset.key}`), value: preset.key });
  }
  if (needle.startsWith('news:') || (out.length === 0 && needle !== '' && !needle.includes('/'))) {
    const query = needle.startsWith('news:') ? typed.trim() : `news:${typed.trim()}`;
    out.push({ name: clip(`Google News search: ${query.slice('news:'.length)}`), value: clip(query) });
  }
  return out.slice(0, MAX_SUGGESTIONS);
}
