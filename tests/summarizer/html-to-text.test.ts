import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/summarizer/index.js';

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
