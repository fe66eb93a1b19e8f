import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/json',
  'application/rdf+xml',
  'application/xml',
  'text/xml',
]);

const IGNORE = (): void => {};

/** More advertised feeds than this is not a page a person chose from; the first ones are given. */
const MAX_LINKS = 20;
/** Attributes read per tag (a link tag has a handful). */
const MAX_ATTRIBUTES = 32;

/**
 * The feeds an HTML page advertises with `<link rel="alternate" type="application/rss+xml" href="…">`,
 * absolute and in page order. Resolved against `<base href>` when the page has one (itself resolved against
 * `baseUrl`), else against `baseUrl`, the URL the page came from. Reads tags with htmlparser2's tokenizer and
 * keeps no element stack, so a page of any shape costs time linear in its size; it stops at the end of <head>.
 */
export function findFeedLinks(html: string, baseUrl: string): string[] {
  const hrefs: string[] = [];
  let base = baseUrl;
  let tag = '';
  let attributes: Record<string, string> = {};
  let attributeCount = 0;
  let attributeName = '';
  let attributeValue = '';
  const slice = (start: number, end: number) => html.slice(start, end);
  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      tag = slice(start, end).toLowerCase();
      attributes = {};
      attributeCount = 0;
      // Feed links live in <head>; stop before reading a large body.
      if (tag === 'body') tokenizer.pause();
    },
    onattribname(start, end) {
      attributeName = slice(start, end).toLowerCase();
      attributeValue = '';
    },
    onattribdata(start, end) {
      attributeValue += slice(start, end);
    },
    onattribentity(codePoint) {
      attributeValue += String.fromCodePoint(codePoint);
    },
    onattribend() {
      if (attributeCount++ < MAX_ATTRIBUTES) attributes[attributeName] ??= attributeValue;
    },
    onopentagend: () => opened(),
    onselfclosingtag: () => opened(),
    onclosetag(start, end) {
      if (slice(start, end).toLowerCase() === 'head') tokenizer.pause();
    },
    oncdata: IGNORE,
    oncomment: IGNORE,
    ondeclaration: IGNORE,
    onend: IGNORE,
    onprocessinginstruction: IGNORE,
    ontext: IGNORE,
    ontextentity: IGNORE,
  };
  const opened = () => {
    const href = attributes.href;
    if (tag === 'base' && href) base = resolve(href.trim(), baseUrl) ?? base;
    if (tag !== 'link' || !href) return;
    const rel = (attributes.rel ?? '').toLowerCase().split(/\s+/);
    const type = (attributes.type ?? '').toLowerCase().split(';')[0]!.trim();
    if ((rel.includes('alternate') || rel.includes('feed')) && FEED_TYPES.has(type) && hrefs.length < MAX_LINKS * 4)
      hrefs.push(href);
  };
  const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: true }, callbacks);
  tokenizer.write(html);
  tokenizer.end();
  const links = new Set<string>();
  for (const href of hrefs) {
    const absolute = resolve(href.trim(), base);
    if (absolute) links.add(absolute);
    if (links.size === MAX_LINKS) break;
  }
  return [...links];
}

function resolve(href: string, base: string): string | undefined {
  try {
    return new URL(href, base || undefined).href;
  } catch {
    return undefined;
  }
}
