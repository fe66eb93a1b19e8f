/**
 * Hostile and very large feed bodies through parseFeed, one case per process so peak RSS is that case's alone:
 *
 *   npx tsx bench/parser-hostile.ts            every case, each in a child process, one table
 *   npx tsx bench/parser-hostile.ts deep-xml   one case in this process (what the children run)
 *
 * The bodies stay under the 15 MiB fetch cap. Reading a feed should cost time linear in its size and memory a small
 * multiple of it whatever its structure; the table shows time and peak RSS next to the body size.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ParseError, parseFeed } from '../src/parser/index.js';

const MiB = 1024 * 1024;

function rss(items: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>https://e.example/</link>${items}</channel></rss>`;
}

function item(index: number, description: string): string {
  return `<item><title>Item ${index}</title><link>https://e.example/${index}</link><guid>g${index}</guid><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate><description>${description}</description></item>`;
}

const CASES: Record<string, () => string> = {
  /** 13.5 MB of elements opened and never closed. */
  'deep-xml': () => rss('<item><description>' + '<a>'.repeat(4_500_000)),
  /** 100,000 ordinary items (about 23 MB would pass the cap: these are short). */
  'many-items': () => rss(Array.from({ length: 100_000 }, (_, index) => item(index, 'Short text.')).join('')),
  /** One description of 15 MiB of plain text. */
  'big-text': () => rss(item(1, 'lorem ipsum dolor sit amet '.repeat(Math.floor((15 * MiB) / 27)))),
  /** 200,000 nested HTML tags inside one (escaped) description. */
  'deep-html': () => rss(item(1, '&lt;div&gt;'.repeat(200_000) + 'deep text')),
  /** 15 MiB of escaped markup: every character is part of an entity or a tag once decoded. */
  'entity-dense': () => rss(item(1, '&lt;b&gt;&amp;'.repeat(Math.floor((15 * MiB) / 14)))),
  /** The same nesting inside CDATA. */
  'deep-html-cdata': () => rss(item(1, '<![CDATA[' + '<span>'.repeat(200_000) + 'deep text]]>')),
  /** Many sibling elements inside one item (2 million empty elements). */
  'wide-item': () => rss('<item><title>x</title>' + '<x/>'.repeat(3_500_000) + '</item>'),
  /** 700,000 distinct element names, each opened and closed. */
  'distinct-names': () =>
    rss(
      `<item><title>x</title>${Array.from({ length: 700_000 }, (_, index) => `<n${index}></n${index}>`).join('')}</item>`,
    ),
  /** Close tags that close nothing. */
  'stray-closes': () => rss('<item><title>x</title><description>' + '</x>'.repeat(3_500_000) + '</description></item>'),
  /** Unterminated comments, CDATA and volatile elements (fingerprint and tokenizer worst cases). */
  unterminated: () => rss('<item><title>x</title>' + '<lastBuildDate><!--<generator>'.repeat(450_000)),
};

function runCase(name: string): void {
  const body = Buffer.from(CASES[name]!(), 'utf8');
  const before = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  let outcome: string;
  try {
    const feed = parseFeed(body, 'application/rss+xml');
    const html = feed.items.reduce((sum, entry) => sum + entry.html.length, 0);
    outcome = `${feed.items.length} items${feed.omittedItems ? ` (+${feed.omittedItems} omitted)` : ''}, ${html} html chars`;
  } catch (error) {
    outcome = error instanceof ParseError ? `${error.kind}: ${error.message}` : `threw ${(error as Error).message}`;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      name,
      bytes: body.length,
      ms: Math.round(ms),
      peakMB: Math.round(peak / MiB),
      baseMB: Math.round(before / MiB),
      outcome,
    }),
  );
}

const only = process.argv[2];
if (only) runCase(only);
else {
  const script = fileURLToPath(import.meta.url);
  for (const name of Object.keys(CASES)) {
    try {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=1024', script, name], {
        encoding: 'utf8',
        timeout: 300_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      process.stdout.write(out);
    } catch (error) {
      console.log(JSON.stringify({ name, failed: (error as Error).message.split('\n')[0] }));
    }
  }
}
