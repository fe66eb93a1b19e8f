/**
 * Site boilerplate that feeds and scraped pages carry around the article text: share/comment/subscribe
 * prompts, advertisement labels, read-more links, section headers, WordPress's "The post … appeared
 * first on …". The phrases are data; add a language by adding its rows.
 */
import { normalizeText } from '../matcher/index.js';

/** A line that consists of one of these (ignoring punctuation, symbols and counts around it) is dropped. */
export const BOILERPLATE_LINES: Readonly<Record<string, readonly string[]>> = {
  en: [
    'advertisement',
    'advertisements',
    'advert',
    'ad',
    'sponsored',
    'sponsored content',
    'paid content',
    'share',
    'share this',
    'share this article',
    'share this story',
    'share this post',
    'share article',
    'share on facebook',
    'share on twitter',
    'share on x',
    'share on whatsapp',
    'share on linkedin',
    'tweet',
    'email',
    'print',
    'copy link',
    'whatsapp',
    'facebook',
    'twitter',
    'linkedin',
    'comment',
    'comments',
    'no comments',
    'leave a comment',
    'leave a reply',
    'add a comment',
    'post a comment',
    'view comments',
    'show comments',
    'comments are closed',
    'join the conversation',
    'subscribe',
    'subscribe now',
    'subscribe to our newsletter',
    'sign up for our newsletter',
    'newsletter',
    'read more',
    'read more here',
    'read the full story',
    'read full story',
    'read full article',
    'read the full article',
    'continue reading',
    'click here',
    'click here to read more',
    'more',
    'see more',
    'learn more',
    'related',
    'related articles',
    'related posts',
    'related stories',
    'related news',
    'you may also like',
    'recommended',
    'also read',
    'see also',
    'most read',
    'trending',
    'trending now',
    'latest',
    'latest news',
    'breaking',
    'breaking news',
    'top stories',
    'skip to content',
    'skip to main content',
    'follow us',
    'follow us on twitter',
    'follow us on facebook',
    'like us on facebook',
    'image',
    'photo',
    'video',
    'watch',
    'listen',
    'gallery',
    'getty images',
    'file photo',
  ],
  ur: [
    'تازہ ترین',
    'تازہ ترین خبریں',
    'اہم خبریں',
    'بریکنگ نیوز',
    'خبرنامہ',
    'اشتہار',
    'اشتہارات',
    'شیئر',
    'شیئر کریں',
    'شیئر کیجیے',
    'شئیر کریں',
    'تبصرہ',
    'تبصرے',
    'تبصرہ کریں',
    'تبصرہ کیجیے',
    'اپنی رائے دیں',
    'اپنا تبصرہ بھیجیں',
    'سبسکرائب کریں',
    'سبسکرائب',
    'مزید پڑھیں',
    'مزید پڑھیے',
    'مزید',
    'یہ بھی پڑھیں',
    'یہ بھی پڑھیے',
    'متعلقہ خبریں',
    'متعلقہ',
    'ہمیں فالو کریں',
    'فالو کریں',
    'تصویر',
    'ویڈیو',
    'فائل فوٹو',
  ],
};

/**
 * A short line that starts with one of these is a prompt or a teaser link, whatever follows
 * ("Read more: https://…", "Also read: <another headline>", "یہ بھی پڑھیں: …").
 */
const BOILERPLATE_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  en: [
    'read more',
    'continue reading',
    'also read',
    'see also',
    'related:',
    'follow us on',
    'subscribe to our',
    'sign up for our',
    'sign up to our',
    'click here',
    'this article originally appeared',
    'this story originally appeared',
    'originally published',
    'copyright ©',
    '©',
  ],
  ur: ['یہ بھی پڑھیں', 'یہ بھی پڑھیے', 'مزید پڑھیں', 'مزید پڑھیے', 'ہمیں فالو کریں'],
};

/** Only lines up to this length can be prefix boilerplate: a real paragraph may start with "See also…". */
const PREFIX_LINE_MAX = 160;

/** Tails that blogs append to a paragraph (WordPress "The post … appeared first on …", "Continue reading →", "[…]"). */
const BOILERPLATE_TAILS: readonly RegExp[] = [
  /\s*The post .{1,400}? appeared first on .{1,200}?\.?$/s,
  // Only after a sentence end, so "I want to read more." keeps its words.
  /(?:^|(?<=[.!?…»"”')]))\s*(?:Continue reading|Read more|Read the full (?:story|article))\b[^.!?]{0,80}?[.…»→›>]*\s*$/,
  /(?:^|(?<=[۔؟!.…]))\s*(?:مزید پڑھیں|مزید پڑھیے)[^۔؟!]{0,80}?[.…»←]*\s*$/,
  /\s*\((?:more|continued)…?\)\s*$/i,
  /\s*\[(?:…|\.\.\.|&hellip;)\]\s*$/,
];

/**
 * Every tail above ends the line and is at most ~630 characters long (plus a run of dots or arrows), so only
 * a line's last characters are searched: a regular expression tried at every position of a long line
 * costs time quadratic in it ("Read more" followed by 100,000 `>` took 8 s).
 */
const TAIL_WINDOW = 1_000;
const TAIL_SEARCH = BOILERPLATE_TAILS.map((tail) => new RegExp(tail.source, `${tail.flags}g`));

/** Punctuation, symbols, digits and spaces around a phrase: "Comments (3)", "» Read more", "Share:". */
const DECORATION = /[\p{P}\p{S}\p{N}\s]/u;

/**
 * `text` without the decoration at its ends, one code point at a time from each end. (The regular
 * expression `[…]+$` retries the whole run of decoration from each of its characters: quadratic.)
 */
function stripDecoration(text: string): string {
  let start = 0;
  while (start < text.length) {
    const char = String.fromCodePoint(text.codePointAt(start) ?? 0);
    if (!DECORATION.test(char)) break;
    start += char.length;
  }
  let end = text.length;
  while (end > start) {
    const pair = end - start >= 2 && /[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(text.slice(end - 2, end));
    const from = pair ? end - 2 : end - 1;
    if (!DECORATION.test(text.slice(from, end))) break;
    end = from;
  }
  return text.slice(start, end);
}

const LINE_SET = new Set(Object.values(BOILERPLATE_LINES).flat().map(normalizeText));
const PREFIXES = Object.values(BOILERPLATE_PREFIXES).flat().map(normalizeText);

function isBoilerplateLine(line: string, normalizedTitle: string, bareTitle: string): boolean {
  const normalized = normalizeText(line);
  const bare = stripDecoration(normalized);
  if (bare === '') return true; // only punctuation, bullets or a counter left
  if (LINE_SET.has(bare)) return true;
  if (normalizedTitle !== '' && (normalized === normalizedTitle || bare === bareTitle)) return true;
  if (normalized.length <= PREFIX_LINE_MAX && PREFIXES.some((prefix) => normalized.startsWith(prefix))) return true;
  return false;
}

function stripTails(line: string): string {
  let result = line;
  for (const tail of TAIL_SEARCH) {
    tail.lastIndex = Math.max(0, result.length - TAIL_WINDOW);
    const match = tail.exec(result);
    if (match) result = result.slice(0, match.index) + result.slice(match.index + match[0].length);
  }
  return result.trim();
}

/**
 * Remove boilerplate lines, boilerplate tails and lines that repeat the title from text made by
 * htmlToText (paragraphs separated by blank lines). Keeps the paragraph structure of what remains.
 */
export function removeBoilerplate(text: string, title = ''): string {
  const normalizedTitle = normalizeText(title);
  const bareTitle = stripDecoration(normalizedTitle);
  return text
    .split('\n\n')
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map(stripTails)
        .filter((line) => line !== '' && !isBoilerplateLine(line, normalizedTitle, bareTitle))
        .join('\n'),
    )
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}
