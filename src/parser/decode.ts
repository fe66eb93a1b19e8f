import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * Turns feed bytes into text. Order: BOM, then the bytes themselves when they are valid UTF-8, then the XML
 * declaration, then the Content-Type charset, then a codepage guessed from the feed's declared language, then
 * windows-1252. A declared charset whose reading produces replacement characters loses to one that does not,
 * so a wrong label never turns a readable feed into "�".
 */
export function decodeBody(body: Buffer, contentType?: string): string {
  const bom = bomEncoding(body);
  if (bom) return stripBom(iconv.decode(body.subarray(bom.length), bom.encoding));

  const head = body.toString('latin1', 0, Math.min(body.length, 4096));
  const utf16 = utf16WithoutBom(body);
  if (utf16) return stripBom(iconv.decode(body, utf16));

  const declared = [xmlDeclarationCharset(head), contentTypeCharset(contentType)].filter(
    (name): name is string => !!name,
  );
  const sevenBit = declared.find((name) => /^utf-?7$/i.test(name));
  if (sevenBit && iconv.encodingExists(sevenBit)) return stripBom(iconv.decode(body, sevenBit));

  // Valid UTF-8 with non-ASCII bytes is practically never a legacy codepage, whatever the label says: servers
  // often re-encode to UTF-8 and leave the old declaration behind.
  if (isUtf8(body)) return stripBom(body.toString('utf8'));

  const candidates = [...declared.flatMap(withSupersets), languageCodepage(head), 'windows-1252'];
  let best: { text: string; bad: number } | undefined;
  for (const name of candidates) {
    if (!name || !iconv.encodingExists(name) || /^utf-?8$/i.test(name)) continue;
    const text = iconv.decode(body, name);
    const bad = countReplacements(text);
    if (bad === 0) return stripBom(text);
    if (!best || bad < best.bad) best = { text, bad };
  }
  return stripBom(best?.text ?? body.toString('latin1'));
}

function bomEncoding(body: Buffer): { encoding: string; length: number } | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { encoding: 'utf8', length: 3 };
  // UTF-32 before UTF-16: FF FE 00 00 is UTF-32LE's BOM, not UTF-16LE's followed by a NUL.
  if (body[0] === 0xff && body[1] === 0xfe && body[2] === 0 && body[3] === 0) return { encoding: 'utf32le', length: 4 };
  if (body[0] === 0 && body[1] === 0 && body[2] === 0xfe && body[3] === 0xff) return { encoding: 'utf32be', length: 4 };
  if (body[0] === 0xff && body[1] === 0xfe) return { encoding: 'utf16le', length: 2 };
  if (body[0] === 0xfe && body[1] === 0xff) return { encoding: 'utf16be', length: 2 };
  return undefined;
}

/**
 * UTF-16 or UTF-32 without a BOM, told by where the zero bytes fall around the first character: `<` (or
 * whitespace before it) is ASCII, so one of its bytes is zero in UTF-16 and three in UTF-32.
 */
function utf16WithoutBom(body: Buffer): string | undefined {
  if (body.length < 4) return undefined;
  const [a, b, c, d] = [body[0]!, body[1]!, body[2]!, body[3]!];
  const ascii = (byte: number) => byte === 0x3c || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
  if (ascii(a) && b === 0 && c === 0 && d === 0) return 'utf32le';
  if (a === 0 && b === 0 && c === 0 && ascii(d)) return 'utf32be';
  if (ascii(a) && b === 0 && c !== 0 && d === 0) return 'utf16le';
  if (a === 0 && ascii(b) && c === 0 && d !== 0) return 'utf16be';
  return undefined;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function xmlDeclarationCharset(head: string): string | undefined {
  return /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
}

export function contentTypeCharset(contentType: string | undefined): string | undefined {
  return contentType ? /charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(contentType)?.[1] : undefined;
}

// A label's wider successor decodes everything the label does plus what servers mislabel with it.
const SUPERSETS: Record<string, string[]> = {
  'iso-8859-1': ['windows-1252'],
  latin1: ['windows-1252'],
  'us-ascii': ['windows-1252'],
  gb2312: ['gbk', 'gb18030'],
  gbk: ['gb18030'],
  big5: ['big5-hkscs'],
  shift_jis: ['cp932'],
  'euc-kr': ['cp949'],
  'iso-8859-6': ['windows-1256'],
  'iso-8859-5': ['windows-1251'],
};

// Labels that mean windows-1252 in practice (the WHATWG Encoding Standard maps them so): their bytes 0x80-0x9F
// are curly quotes and dashes, never the C1 control characters ISO-8859-1 would read.
const MEANS_WINDOWS_1252 = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'l1',
  'us-ascii',
  'ascii',
  'cp819',
]);

function withSupersets(name: string): string[] {
  const lower = name.toLowerCase();
  if (MEANS_WINDOWS_1252.has(lower)) return ['windows-1252'];
  return [name, ...(SUPERSETS[lower] ?? [])];
}

// Legacy codepages by language, for undeclared non-UTF-8 feeds: the <language> element is readable in ASCII.
const CODEPAGE_BY_LANGUAGE: Record<string, string> = {
  ur: 'windows-1256',
  ar: 'windows-1256',
  fa: 'windows-1256',
  ps: 'windows-1256',
  ru: 'windows-1251',
  uk: 'windows-1251',
  bg: 'windows-1251',
  sr: 'windows-1251',
  be: 'windows-1251',
  zh: 'gb18030',
  'zh-tw': 'big5',
  'zh-hk': 'big5',
  ja: 'shift_jis',
  ko: 'euc-kr',
  el: 'windows-1253',
  he: 'windows-1255',
  tr: 'windows-1254',
  th: 'windows-874',
  vi: 'windows-1258',
  pl: 'windows-1250',
  cs: 'windows-1250',
  hu: 'windows-1250',
};

function languageCodepage(head: string): string | undefined {
  const match =
    /<(?:\w+:)?language>\s*(?:<!\[CDATA\[\s*)?([A-Za-z]{2,3}(?:-[A-Za-z]{2,4})?)|xml:lang\s*=\s*["']([A-Za-z]{2,3}(?:-[A-Za-z]{2,4})?)/.exec(
      head,
    );
  const tag = (match?.[1] ?? match?.[2])?.toLowerCase();
  if (!tag) return undefined;
  return CODEPAGE_BY_LANGUAGE[tag] ?? CODEPAGE_BY_LANGUAGE[tag.split('-')[0]!];
}

function countReplacements(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\ufffd'); index !== -1; index = text.indexOf('\ufffd', index + 1)) count += 1;
  return count;
}
