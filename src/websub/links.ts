/**
 * WebSub discovery: the hub and topic a publisher names, from the HTTP `Link` header (which the spec prefers) or
 * the feed's own `<atom:link rel="hub">`/`rel="self"` (JSON Feed `hubs`/`feed_url`, read by the parser).
 */
import type { ParsedFeed } from '../core/feed.js';

export interface HubLink {
  hub: string;
  topic: string;
}

/** A Link header is a handful of entries; a longer one is not read past this many characters. */
const MAX_LINK_HEADER_CHARS = 8192;

/** `<https://hub>; rel="hub", <https://feed>; rel="self"` → the URLs of each rel, resolved against `base`. */
export function parseLinkHeader(header: string, base: string): Map<string, string[]> {
  const byRel = new Map<string, string[]>();
  const entry = /<([^>]*)>\s*((?:;\s*[a-z*-]+\s*=\s*(?:"[^"]*"|[^;,\s]*)\s*)*)/gi;
  for (const match of header.slice(0, MAX_LINK_HEADER_CHARS).matchAll(entry)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(match[2] ?? '');
    const url = absolute(match[1]!.trim(), base);
    if (!rel || !url) continue;
    for (const name of (rel[1] ?? rel[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean))
      byRel.set(name, [...(byRel.get(name) ?? []), url]);
  }
  return byRel;
}

/**
 * The hub to subscribe at and the topic to ask for, or undefined when the publisher names no hub. The Link
 * header wins over the body; without a self link the topic is the URL the feed was fetched from.
 */
export function discoverHub(
  parsed: Pick<ParsedFeed, 'hubs' | 'self'>,
  linkHeader: string | undefined,
  feedUrl: string,
): HubLink | undefined {
  const header = linkHeader ? parseLinkHeader(linkHeader, feedUrl) : new Map<string, string[]>();
  const hub = [...(header.get('hub') ?? []), ...(parsed.hubs ?? [])].find(isHttp);
  if (!hub) return undefined;
  const topic = [...(header.get('self') ?? []), ...(parsed.self ? [parsed.self] : [])].find(isHttp) ?? feedUrl;
  return { hub, topic };
}

function isHttp(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function absolute(href: string, base: string): string | undefined {
  try {
    return new URL(href, base).href;
  } catch {
    return undefined;
  }
}
