import { Parser } from 'htmlparser2';

const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/json',
  'application/rdf+xml',
  'application/xml',
  'text/xml',
]);

/**
 * The feeds an HTML page advertises with `<link rel="alternate" type="application/rss+xml" href="…">`,
 * absolute and in page order. Resolved against `<base href>` when the page has one, else `baseUrl`.
 */
export function findFeedLinks(html: string, baseUrl: string): string[] {
  const hrefs: string[] = [];
  let base = baseUrl;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'base' && attributes.href) base = resolve(attributes.href, baseUrl) ?? base;
        if (name !== 'link' || !attributes.href) return;
        const rel = (attributes.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attributes.type ?? '').toLowerCase().split(';')[0]!.trim();
        if (rel.includes('alternate') && FEED_TYPES.has(type)) hrefs.push(attributes.href);
      },
      onclosetag(name) {
        // Feed links live in <head>; stop before reading a large body.
        if (name === 'head') parser.pause();
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  const links: string[] = [];
  for (const href of hrefs) {
    const absolute = resolve(href.trim(), base);
    if (absolute && !links.includes(absolute)) links.push(absolute);
  }
  return links;
}

function resolve(href: string, base: string): string | undefined {
  try {
    return new URL(href, base || undefined).href;
  } catch {
    return undefined;
  }
}
