import iconv from 'iconv-lite';
import { parseHTML } from 'linkedom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { clearFullTextCache, extractFullText, type FetchPage } from '../../src/summarizer/fulltext.js';

// linkedom as it is, watched: which pages get a DOM built, and how big.
vi.mock('linkedom', async (importOriginal) => {
  const actual = await importOriginal<typeof import('linkedom')>();
  return { ...actual, parseHTML: vi.fn(actual.parseHTML) };
});

const paragraph = (text: string) =>
  `<p>${text} ${'This sentence pads the paragraph so that Readability sees real prose in it. '.repeat(3)}</p>`;

const articlePage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council signs letter</title>
<script>window.tracking = "SECRET-SCRIPT";</script></head><body>
<nav><a href="/">Home</a> <a href="/markets">Markets</a> <a href="/login">Log in</a></nav>
<article><h1>Council signs letter</h1>
${paragraph('The crypto council signed a letter of intent with the Bitcoin office.')}
${paragraph('Officials said the agreement covers education and reserves.')}
${paragraph('Both sides will meet again next year.')}
</article>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Other story</a></li></ul></aside>
<footer>© Example News. All rights reserved.</footer></body></html>`;

function servePage(body: Buffer | string, contentType = 'text/html; charset=utf-8'): FetchPage {
  return vi.fn(async () => ({ body: Buffer.isBuffer(body) ? body : Buffer.from(body), contentType }));
}

describe('extractFullText', () => {
  beforeEach(() => {
    clearFullTextCache();
    vi.mocked(parseHTML).mockClear();
  });

  it('extracts the main text of an article page, without navigation, scripts or footer', async () => {
    const text = await extractFullText('https://news.example/a', servePage(articlePage));
    expect(text).toBeDefined();
    expect(text).toContain('The crypto council signed a letter of intent with the Bitcoin office.');
    expect(text).toContain('Both sides will meet again next year.');
    expect(text).not.toContain('SECRET-SCRIPT');
    expect(text).not.toContain('Log in');
    expect(text).not.toContain('All rights reserved');
    expect(text?.split('\n\n').length).toBeGreaterThanOrEqual(3);
  });

  it('decodes the charset named in the page when the header names none', async () => {
    const page = articlePage
      .replace('<meta charset="utf-8">', '<meta charset="windows-1251">')
      .replace('Both sides', 'Обе стороны');
    const text = await extractFullText(
      'https://news.example/ru',
      servePage(iconv.encode(page, 'windows-1251'), 'text/html'),
    );
    expect(text).toContain('Обе стороны will meet again next year.');
  });

  it('caches a page: the second call does not fetch again', async () => {
    const fetchPage = servePage(articlePage);
    const first = await extractFullText('https://news.example/cached', fetchPage);
    const second = await extractFullText('https://news.example/cached', fetchPage);
    expect(second).toBe(first);
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });

  it('forgets the least recently used pages past its size', async () => {
    const fetchPage = servePage(articlePage);
    for (let index = 0; index <= 200; index += 1) await extractFullText(`https://news.example/${index}`, fetchPage);
    expect(fetchPage).toHaveBeenCalledTimes(201);
    await extractFullText('https://news.example/200', fetchPage); // newest: still cached
    expect(fetchPage).toHaveBeenCalledTimes(201);
    await extractFullText('https://news.example/0', fetchPage); // oldest: evicted
    expect(fetchPage).toHaveBeenCalledTimes(202);
  });

  it('gives undefined when the fetch fails (blocked address, timeout, too large)', async () => {
    const failing: FetchPage = async () => {
      throw new Error('blocked: private network');
    };
    await expect(extractFullText('https://10.0.0.1/x', failing)).resolves.toBeUndefined();
  });

  it('gives undefined for a page that is not HTML or has no article', async () => {
    await expect(
      extractFullText('https://news.example/img', servePage(Buffer.from([0xff, 0xd8, 0xff]), 'image/jpeg')),
    ).resolves.toBeUndefined();
    await expect(
      extractFullText('https://news.example/stub', servePage('<html><body><p>Subscribe to read.</p></body></html>')),
    ).resolves.toBeUndefined();
  });

  // linkedom's parser and Readability cost time in elements × depth: 40,000 nested tags took 38 s.
  it('refuses a page nested 200,000 deep without building its DOM', async () => {
    const page = articlePage.replace('<body>', `<body>${'<div>'.repeat(200_000)}`);
    await expect(extractFullText('https://news.example/deep', servePage(page))).resolves.toBeUndefined();
    expect(parseHTML).not.toHaveBeenCalled();
  });

  it('refuses a page of more elements than Readability would take, without building its DOM', async () => {
    const page = articlePage.replace('<footer>', `${'<span>x</span>'.repeat(25_000)}<footer>`);
    await expect(extractFullText('https://news.example/many', servePage(page))).resolves.toBeUndefined();
    expect(parseHTML).not.toHaveBeenCalled();
  });

  it('reads only the first 2,000,000 characters of a page, where the article is', async () => {
    const page = articlePage.replace('</footer>', `</footer><script>${'x'.repeat(3_000_000)}</script>`);
    const text = await extractFullText('https://news.example/long', servePage(page));
    expect(text).toContain('Both sides will meet again next year.');
    const [html] = vi.mocked(parseHTML).mock.calls[0] ?? [];
    expect(String(html).length).toBeLessThanOrEqual(2_000_000);
  });
});
