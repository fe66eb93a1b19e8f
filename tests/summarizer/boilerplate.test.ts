import { describe, expect, it } from 'vitest';
import { BOILERPLATE_LINES, removeBoilerplate } from '../../src/summarizer/index.js';

describe('removeBoilerplate', () => {
  it('has phrase tables for English and Urdu', () => {
    expect(BOILERPLATE_LINES.en).toContain('leave a comment');
    expect(BOILERPLATE_LINES.ur).toContain('تازہ ترین');
  });

  it('drops the three boilerplate lines of the real Urdu article', () => {
    const text = 'تازہ ترین\n\nپہلا جملہ۔\n\nLeave A Comment\n\nAdvertisement';
    expect(removeBoilerplate(text)).toBe('پہلا جملہ۔');
  });

  it('drops share/comment/subscribe/read-more lines with decoration around them', () => {
    const text =
      'Real news here.\n\nShare this article\n» Read more\nComments (12)\nSubscribe to our newsletter!\nمزید پڑھیں\n\nMore news.';
    expect(removeBoilerplate(text)).toBe('Real news here.\n\nMore news.');
  });

  it('removes the WordPress "The post … appeared first on …" tail, inline or on its own', () => {
    expect(removeBoilerplate('Body text. The post Big Story appeared first on Example News.')).toBe('Body text.');
    expect(removeBoilerplate('Body text.\n\nThe post Big Story appeared first on Example News.')).toBe('Body text.');
  });

  it('removes a trailing "Continue reading" link but not the words inside a sentence', () => {
    expect(removeBoilerplate('It rained. Continue reading →')).toBe('It rained.');
    expect(removeBoilerplate('Fans want to read more.')).toBe('Fans want to read more.');
  });

  it('drops a line that repeats the title', () => {
    expect(removeBoilerplate('Bitcoin hits a record\n\nThe price rose.', 'Bitcoin Hits a Record')).toBe(
      'The price rose.',
    );
  });

  it('keeps a long paragraph that merely starts like a prompt', () => {
    const long = `See also how the committee ${'reviewed the evidence and '.repeat(8)}decided.`;
    expect(removeBoilerplate(long)).toBe(long);
  });
});

describe('removeBoilerplate on hostile lines', () => {
  // Smoke checks (vitest's default timeout): each took from 8 s to many minutes with a regular expression
  // retried from every character of a long run.
  it('keeps a line with 200,000 punctuation marks inside it', () => {
    const line = `a${'.'.repeat(200_000)}a`;
    expect(removeBoilerplate(line)).toBe(line);
  }, 5_000);

  it('still removes a tail at the end of a 1 MB line, and keeps a "Read more" that is no tail', () => {
    const long = 'word '.repeat(200_000).trim();
    expect(removeBoilerplate(`${long}. Read more`)).toBe(`${long}.`);
    const arrows = `Read more${'>'.repeat(100_000)}x`;
    expect(removeBoilerplate(arrows)).toBe(arrows);
  }, 5_000);
});
