import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/summarizer/index.js';
import { MAX_HTML_CHARS, TRUNCATED_MARK } from '../../src/summarizer/html-to-text.js';

describe('htmlToText', () => {
  it('decodes entities and keeps paragraph breaks as blank lines', () => {
    expect(htmlToText('<p>Fish &amp; chips &mdash; &#8220;cheap&#8221;</p><p>Second&nbsp;para</p>')).toBe(
      'Fish & chips — “cheap”\n\nSecond para',
    );
  });

  it('drops scripts, styles, iframes, forms, images and tracking pixels', () => {
    const html =
      '<style>p{color:red}</style><p>Kept<script>alert("x")</script> text</p>' +
      '<iframe src="https://ads.example">frame text</iframe><form><input name="q"><button>Go</button>form text</form>' +
      '<img src="https://t.example/pixel.gif" width="1" height="1" alt="pixel"><noscript>no script</noscript><p>End</p>';
    expect(htmlToText(html)).toBe('Kept text\n\nEnd');
  });

  it('turns <br> into a line break and collapses other whitespace', () => {
    expect(htmlToText('<div>  one\n\t two <br/>three   </div>')).toBe('one two\nthree');
  });

  it('treats text without tags as plain text whose blank lines are paragraphs', () => {
    expect(htmlToText('First line\nstill first\n\n\nSecond &amp; last')).toBe(
      'First line\nstill first\n\nSecond & last',
    );
  });

  it('parses HTML that a feed entity-encoded twice', () => {
    expect(htmlToText('&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;')).toBe(
      'Hello world\n\nTwo',
    );
  });

  it('removes control characters and bidi overrides a feed could use to garble a message', () => {
    expect(htmlToText('<p>a\u0007b\u001b[31mc &#x202E;d\u2066e\u2069</p>')).toBe('ab[31mc de');
  });

  it('keeps ZWNJ, which Urdu and Persian spelling needs', () => {
    expect(htmlToText('<p>می\u200Cخواهم</p>')).toBe('می\u200Cخواهم');
  });

  it('keeps a comparison sign that is not a tag', () => {
    expect(htmlToText('2 < 3 and 5 > 4')).toBe('2 < 3 and 5 > 4');
  });
});

describe('htmlToText on hostile markup', () => {
  // Each of these took 5 s to minutes while htmlparser2's Parser moved its whole element stack on every tag;
  // now well under a second. The timeout (vitest's default) is a smoke check; html-walk.test.ts has the bounds.
  const SMOKE_TIMEOUT = 5_000;

  it(
    'reads the text inside 200,000 nested <div>s',
    () => {
      expect(htmlToText(`${'<div>'.repeat(200_000)}deep text${'</div>'.repeat(10)}<p>after</p>`)).toBe(
        'deep text\n\nafter',
      );
    },
    SMOKE_TIMEOUT,
  );

  it(
    'reads 400,000 nested inline tags, and 100,000 end tags that match nothing',
    () => {
      expect(htmlToText(`${'<b>'.repeat(400_000)}deep${'</i>'.repeat(100_000)} text`)).toBe('deep text');
    },
    SMOKE_TIMEOUT,
  );

  it(
    'keeps dropping script and form text beyond the depth where nesting is flattened',
    () => {
      const text = htmlToText(`${'<span>'.repeat(1_000)}<p>kept<script>dropped()</script><form>hidden</form> too</p>`);
      expect(text).toMatch(/^kept\s+too$/);
    },
    SMOKE_TIMEOUT,
  );

  it(
    'reads deeply nested lists and tables',
    () => {
      expect(htmlToText(`${'<ul><li>'.repeat(100_000)}item`)).toBe('item');
      expect(htmlToText(`${'<table><tr><td>'.repeat(70_000)}cell`)).toBe('cell');
    },
    SMOKE_TIMEOUT,
  );

  it(
    'cuts input past MAX_HTML_CHARS and says so with a trailing ellipsis',
    () => {
      const text = htmlToText(`<p>${'word '.repeat(MAX_HTML_CHARS / 5)}</p><p>never reached</p>`);
      expect(text.startsWith('word word')).toBe(true);
      expect(text.endsWith(TRUNCATED_MARK)).toBe(true);
      expect(text).not.toContain('never reached');
      expect(text.length).toBeLessThanOrEqual(MAX_HTML_CHARS);
      // A tag cut in two is not shown as text.
      expect(htmlToText(`${'x'.repeat(MAX_HTML_CHARS - 3)}</div>`)).toBe(`${'x'.repeat(MAX_HTML_CHARS - 3)}…`);
    },
    SMOKE_TIMEOUT,
  );
});
