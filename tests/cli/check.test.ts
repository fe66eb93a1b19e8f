import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEEDS_DIR } from '../support/corpus.js';
import { taza } from './taza-cli.js';

const CORPUS = FEEDS_DIR;

function corpusFiles(dir = CORPUS): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return corpusFiles(path);
    return name === 'MANIFEST.tsv' || name.startsWith('LICENSE') ? [] : [path];
  });
}

interface Report {
  input: string;
  error?: string;
  feed?: { title: string; format: string; language?: string; itemCount: number };
  items?: Array<{
    id: string;
    title: string;
    link?: string;
    matched: boolean;
    matchedTerms: string[];
    summary: string;
  }>;
}

describe('taza check', () => {
  it('reads every feed of the corpus without crashing: one JSON line per input, exit code as specified', async () => {
    const files = corpusFiles();
    const manifestRows = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').length - 1;
    expect(files.length).toBe(manifestRows);
    const garbage = join(mkdtempSync(join(tmpdir(), 'taza-check-')), 'garbage.bin');
    writeFileSync(garbage, randomBytes(4096));
    const { code, stdout, stderr } = await taza(['check', '--json', ...files, garbage]);
    const reports = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Report);
    expect(reports.map((r) => r.input)).toEqual([...files, garbage]);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    for (const report of reports) {
      if (report.error) expect(report.error.length).toBeGreaterThan(10);
      else expect(report.feed!.itemCount).toBe(report.items!.length);
    }
    expect(reports.at(-1)!.error).toBeDefined();
    expect(code).toBe(2);
    const parsed = reports.filter((r) => !r.error);
    // Recorded in the closing note: which corpus files parse and why the others do not.
    console.log(
      `corpus: ${parsed.length}/${files.length} parse; failing: ${reports
        .filter((r) => r.error && r.input !== garbage)
        .map((r) => `${relative(CORPUS, r.input)}: ${r.error}`)
        .join(' | ')}`,
    );
    expect(parsed.length).toBe(files.length);

    const urdu = reports.find((r) => r.input.endsWith('miniflux/internal/reader/parser/testdata/urdu_UTF8.xml'))!;
    expect(urdu.feed).toMatchObject({ format: 'rss', itemCount: 26 });
    expect(urdu.items![0]!.title).toBe(
      'امریکی عسکری امداد کی بندش کی وجوہات: انڈیا سے جنگ، جوہری پروگرام اور اب دہشت گردوں کی پشت پناہی',
    );
    for (const item of urdu.items!) expect(item.title).toMatch(/[\u0600-\u06FF]{3}/);
  });

  it('exits 0 when every input parses, and reports matches with the query', async () => {
    const coindesk = join(CORPUS, 'crypto-syspulse/sentry-news/rss/coindesk.rss');
    const { code, stdout } = await taza(['check', coindesk, '--keywords', 'bitcoin', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.items!.length).toBe(25);
    const matched = report.items!.filter((i) => i.matched);
    expect(matched.length).toBeGreaterThan(0);
    expect(matched.every((i) => i.matchedTerms.includes('bitcoin'))).toBe(true);
  });

  it('counts items and matches in plain English', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taza-counts-'));
    const one = join(dir, 'one.xml');
    writeFileSync(
      one,
      '<rss version="2.0"><channel><title>T</title>' +
        '<item><title>Bitcoin rises</title><link>https://e.example/1</link></item></channel></rss>',
    );
    expect((await taza(['check', one, '--keywords', 'bitcoin'])).stdout).toContain('T — rss, 1 item, 1 matches');
    expect((await taza(['check', one, '--keywords', 'etf'])).stdout).toContain('T — rss, 1 item, none matches');
    const coindesk = join(CORPUS, 'crypto-syspulse/sentry-news/rss/coindesk.rss');
    expect((await taza(['check', coindesk, '--keywords', 'zzzunfound'])).stdout).toContain('25 items, none match');
  });

  it('prints a readable report and clear errors for bad input', async () => {
    const missing = await taza(['check', '/nonexistent/feed.xml']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('✗ /nonexistent/feed.xml\n  no such file: /nonexistent/feed.xml\n\n');
    const badQuery = await taza(['check', '/nonexistent/feed.xml', '--keywords', '"unclosed']);
    expect(badQuery.code).toBe(2);
    expect(badQuery.stderr).toMatch(/--keywords: .*unclosed quote/);
    const noArgs = await taza(['check']);
    expect(noArgs.code).toBe(2);
    expect(noArgs.stderr).toMatch(/give at least one feed URL or file/);
    const help = await taza(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: taza check/);
    const top = await taza(['--help']);
    expect(top.stdout).toMatch(/Commands:\n\s+run/);
    const unknown = await taza(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it("uses the self-hoster's alias file (ALIASES_FILE) on top of the shipped aliases", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taza-aliases-'));
    const feed = join(dir, 'feed.xml');
    writeFileSync(
      feed,
      '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>' +
        '<item><guid>1</guid><title>ایتھیریم کی قیمت میں اضافہ</title><link>https://x.example/1</link></item>' +
        '<item><guid>2</guid><title>بٹ کوائن کی نئی بلندی</title><link>https://x.example/2</link></item></channel></rss>',
    );
    const aliases = join(dir, 'aliases.json');
    writeFileSync(aliases, JSON.stringify([['ethereum', 'ایتھیریم']]));
    const { code, stdout } = await taza(['check', feed, '--json', '--keywords', 'ethereum, bitcoin'], {
      ALIASES_FILE: aliases,
    });
    expect(code).toBe(0);
    const items = (JSON.parse(stdout) as Report).items!;
    expect(items.map((i) => i.matchedTerms)).toEqual([['ethereum'], ['bitcoin']]);
    writeFileSync(aliases, '[["ethereum"');
    const bad = await taza(['check', feed], { ALIASES_FILE: aliases });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^taza: ALIASES_FILE=".*aliases.json" is not valid: /);
  });

  it('refuses a feed URL on a private address by default', async () => {
    const { code, stdout } = await taza(['check', '--json', 'http://127.0.0.1:9/feed.xml']);
    expect(code).toBe(2);
    expect((JSON.parse(stdout) as Report).error).toMatch(/private|loopback|not allowed|refused/i);
  });
});
