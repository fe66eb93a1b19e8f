import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody, parseFeed } from '../../src/parser/index.js';
import { corpusFile } from '../support/corpus.js';

// windows-1256 has no Farsi yeh (U+06CC): Urdu sites on that codepage write the Arabic yeh (U+064A) instead,
// so the real feed is given that spelling before it is encoded.
const urduUtf8 = corpusFile('miniflux/internal/reader/parser/testdata/urdu_UTF8.xml')
  .toString('utf8')
  .replace(/\u06cc/g, '\u064a');
const firstUrduTitle =
  'امریکی عسکری امداد کی بندش کی وجوہات: انڈیا سے جنگ، جوہری پروگرام اور اب دہشت گردوں کی پشت پناہی'.replace(
    /\u06cc/g,
    '\u064a',
  );

/** The real BBC Urdu feed re-encoded in windows-1256, as Urdu/Arabic sites on legacy stacks still serve it. */
function urduIn1256(declaration: string | undefined): Buffer {
  const withoutDecl = urduUtf8.replace(/^<\?xml[^>]*\?>/, '');
  return iconv.encode(
    declaration === undefined ? withoutDecl : `<?xml version="1.0" encoding="${declaration}"?>${withoutDecl}`,
    'windows-1256',
  );
}

describe('decodeBody and charsets', () => {
  it('reads a windows-1256 Urdu feed from its XML declaration', () => {
    const feed = parseFeed(urduIn1256('windows-1256'));
    expect(feed.items[0]?.title).toBe(firstUrduTitle);
    expect(feed.items).toHaveLength(26);
  });

  it('reads a windows-1256 Urdu feed without a declaration, from the Content-Type charset', () => {
    const feed = parseFeed(urduIn1256(undefined), 'application/rss+xml; charset=windows-1256');
    expect(feed.items[0]?.title).toBe(firstUrduTitle);
  });

  it('reads a windows-1256 Urdu feed with no declaration and no charset, from its <language>ur', () => {
    const feed = parseFeed(urduIn1256(undefined), 'application/rss+xml');
    expect(feed.items[0]?.title).toBe(firstUrduTitle);
  });

  it('reads a windows-1251 Russian feed (real Miniflux fixture)', () => {
    const feed = parseFeed(corpusFile('miniflux/internal/reader/parser/testdata/encoding_WINDOWS-1251.xml'));
    expect(feed.title).toBe('iBash.Org.Ru');
    expect(feed.items[0]?.title).toBe('Цитата #17703');
    expect(JSON.stringify(feed)).not.toContain('\ufffd');
  });

  it('reads a gb2312 Chinese feed (real NetNewsWire fixture)', () => {
    const feed = parseFeed(corpusFile('netnewswire/Modules/RSParser/Tests/RSParserTests/Resources/kc0011.rss'));
    expect(feed.items).toHaveLength(20);
    expect(feed.items[0]?.title).toBe('建国35周年纪念，华表，和平鸽');
    expect(JSON.stringify(feed.items.map((item) => item.title))).not.toContain('\ufffd');
  });

  it('reads UTF-16 with a BOM (real feedparser fixture, and the Urdu feed re-encoded)', () => {
    expect(parseFeed(corpusFile('feedparser/tests/encoding/utf-16le-bom.xml')).format).toBe('rss');
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode(urduUtf8.replace('encoding="UTF-8"', 'encoding="utf-16"'), 'utf16le'),
    ]);
    expect(parseFeed(utf16).items[0]?.title).toBe(firstUrduTitle);
  });

  it('reads Latin-1 bytes under a UTF-8 declaration without replacement characters', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Café</title><item><title>Crème brûlée à Paris</title></item></channel></rss>';
    const feed = parseFeed(Buffer.from(xml, 'latin1'));
    expect(feed.title).toBe('Café');
    expect(feed.items[0]?.title).toBe('Crème brûlée à Paris');
  });

  it('uses a charset given only in Content-Type', () => {
    const xml =
      '<rss version="2.0"><channel><title>Новости</title><item><title>Привет, мир</title></item></channel></rss>';
    const body = iconv.encode(xml, 'koi8-r');
    expect(parseFeed(body, 'text/xml; charset=KOI8-R').items[0]?.title).toBe('Привет, мир');
  });

  it('prefers a valid UTF-8 reading over a stale legacy declaration', () => {
    const xml = `<?xml version="1.0" encoding="windows-1256"?>${urduUtf8.replace(/^<\?xml[^>]*\?>/, '')}`;
    expect(parseFeed(Buffer.from(xml, 'utf8')).items[0]?.title).toBe(firstUrduTitle);
  });

  it('strips a UTF-8 BOM', () => {
    expect(decodeBody(Buffer.from('\ufeff<rss/>', 'utf8'))).toBe('<rss/>');
  });
});
