import { describe, expect, it } from 'vitest';
import { bodyFingerprint } from '../../src/parser/index.js';

const feed = (build: string, itemDate: string, title = 'One') =>
  Buffer.from(`<rss version="2.0"><channel><title>T</title><lastBuildDate>${build}</lastBuildDate><pubDate>${build}</pubDate><!-- built in 0.0${build.length}s -->
  <item><title>${title}</title><pubDate>${itemDate}</pubDate></item></channel></rss>`);

describe('bodyFingerprint', () => {
  it('ignores volatile feed-level dates and comments', () => {
    expect(bodyFingerprint(feed('Mon, 01 Jan 2024 00:00:00 GMT', 'a'))).toBe(
      bodyFingerprint(feed('Tue, 02 Jan 2024 10:00:00 +0000', 'a')),
    );
  });
  it('changes when an item changes, including its date', () => {
    const base = bodyFingerprint(feed('x', 'a'));
    expect(bodyFingerprint(feed('x', 'b'))).not.toBe(base);
    expect(bodyFingerprint(feed('x', 'a', 'Two'))).not.toBe(base);
  });
});
