import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DEPTH, truncateHtml, walkHtml } from '../../src/summarizer/html-walk.js';

/** The events of a walk as one list: "+name", "-name", or the text. */
function record(html: string, maxDepth?: number): { events: string[]; stats: ReturnType<typeof walkHtml> } {
  const events: string[] = [];
  const stats = walkHtml(
    html,
    {
      open: (name) => events.push(`+${name}`),
      close: (name) => events.push(`-${name}`),
      text: (text) => events.push(text),
    },
    maxDepth,
  );
  return { events, stats };
}

/** The same list from htmlparser2's Parser, whose tree rules the walk follows (it camel-cases SVG names). */
function parserEvents(html: string): string[] {
  const events: string[] = [];
  const parser = new Parser(
    {
      onopentag: (name) => events.push(`+${name.toLowerCase()}`),
      onclosetag: (name) => events.push(`-${name.toLowerCase()}`),
      ontext: (text) => events.push(text),
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return events;
}

/** Adjacent text pieces joined: the two split a text run at different places. */
function joinText(events: string[]): string[] {
  const joined: string[] = [];
  for (const event of events) {
    const last = joined.length - 1;
    const isText = (value: string | undefined) => value !== undefined && !/^[+-]/.test(value);
    if (isText(event) && isText(joined[last])) joined[last] += event;
    else joined.push(event);
  }
  return joined;
}

const TAGS = ['p', 'div', 'span', 'li', 'ul', 'tr', 'td', 'table', 'a', 'h2', 'option', 'select', 'form', 'br', 'hr'];
// Not foreignObject: the Parser camel-cases SVG names inside <svg> only, the walk compares them lower-cased.
const MORE_TAGS = ['img', 'script', 'style', 'title', 'head', 'body', 'svg', 'math', 'mi', 'path', 'desc', 'dd', 'dt'];

describe('walkHtml', () => {
  it('gives the events of htmlparser2 Parser for markup within its depth (implied closes, void tags, </p>)', () => {
    const token = fc.oneof(
      fc.constantFrom(...TAGS, ...MORE_TAGS).map((name) => `<${name}>`),
      fc.constantFrom(...TAGS, ...MORE_TAGS).map((name) => `</${name}>`),
      fc.constantFrom(...TAGS, ...MORE_TAGS).map((name) => `<${name}/>`),
      fc.constantFrom('text', ' ', '&amp;', 'a<b', '<!-- c -->', '<![CDATA[x]]>', '<DIV class="a&amp;b">', '</br>'),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        // Ended by `>`: a start tag cut off by the end of input opens at its name here, at its `>` in the Parser.
        const html = `${tokens.join('')}>`;
        expect(joinText(record(html).events)).toEqual(joinText(parserEvents(html)));
      }),
      { numRuns: 2000, seed: 20_240_601 },
    );
  });

  it('keeps at most maxDepth elements open for 400,000 nested tags, and still closes each one once', () => {
    const { events, stats } = record(`${'<div>'.repeat(400_000)}deep text`);
    expect(stats).toEqual({ elements: 400_000, deepest: DEFAULT_MAX_DEPTH, flattened: 400_000 - DEFAULT_MAX_DEPTH });
    expect(events.filter((event) => event === '+div')).toHaveLength(400_000);
    expect(events.filter((event) => event === '-div')).toHaveLength(400_000);
    expect(events[400_000]).toBe('deep text');
  });

  it('never goes deeper than maxDepth, whatever the markup, and every open is closed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TAGS.map((name) => `<${name}>`), ...TAGS.map((name) => `</${name}>`), 'x'), {
          maxLength: 200,
        }),
        fc.integer({ min: 1, max: 6 }),
        (tokens, maxDepth) => {
          const { events, stats } = record(tokens.join(''), maxDepth);
          expect(stats.deepest).toBeLessThanOrEqual(maxDepth);
          const opens = events.filter((event) => event.startsWith('+')).sort();
          const closes = events.filter((event) => event.startsWith('-')).sort();
          expect(closes.map((event) => event.slice(1))).toEqual(opens.map((event) => event.slice(1)));
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });

  it('lets an end tag beyond the depth close only its flattened element, not the ones below', () => {
    const { events } = record('<div><section><b><i>x</b>y</section>z</div>', 2);
    // <b> and <i> are flattened: </b> closes <b> alone, </section> closes what is left above it.
    expect(events).toEqual(['+div', '+section', '+b', '+i', 'x', '-b', 'y', '-i', '-section', 'z', '-div']);
  });

  it('costs one count per end tag that matches nothing, not a search of the stack', () => {
    // 200,000 open elements and 200,000 unmatched end tags: quadratic with a search, instant with counts.
    const { events, stats } = record(`${'<span>'.repeat(200_000)}x${'</b>'.repeat(200_000)}`);
    expect(stats.elements).toBe(200_000);
    expect(events.filter((event) => event === '-span')).toHaveLength(200_000);
  });
});

describe('truncateHtml', () => {
  it('cuts before a tag the cut would split, and never inside a surrogate pair', () => {
    expect(truncateHtml('<p>abc</p>', 100)).toBe('<p>abc</p>');
    expect(truncateHtml('<p>abc</p>', 8)).toBe('<p>abc');
    expect(truncateHtml('ab👍', 3)).toBe('ab');
    expect(truncateHtml(`2 < 3${'x'.repeat(1000)}`, 900)).toHaveLength(900);
  });
});
