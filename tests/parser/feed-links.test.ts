import { describe, expect, it } from 'vitest';
import { findFeedLinks, ParseError, parseFeed } from '../../src/parser/index.js';

function htmlPage(body: string, baseUrl?: string): ParseError {
  try {
    parseFeed(Buffer.from(body, 'utf8'), 'text/html', baseUrl ? { baseUrl } : {});
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error('expected a ParseError');
}

describe('feeds an HTML page advertises', () => {
  const page = `<!doctype html><html><head><title>Site</title>
    <link rel="alternate" type="application/rss+xml" href="/feed.xml">
    <link rel="alternate" type="application/atom+xml; charset=utf-8" href="atom.xml" title="Atom">
    <LINK REL="Alternate" TYPE="application/feed+json" HREF="../feed.json?a=1&amp;b=2">
    <link rel="alternate" type="text/html" href="/fr/">
    <link rel="stylesheet" href="/style.css">
    </head><body><link rel="alternate" type="application/rss+xml" href="/body-feed.xml"></body></html>`;

  it('resolves them against the URL the page came from', () => {
    expect(findFeedLinks(page, 'https://news.example/section/index.html')).toEqual([
      'https://news.example/feed.xml',
      'https://news.example/section/atom.xml',
      'https://news.example/feed.json?a=1&b=2',
    ]);
    const error = htmlPage(page, 'https://news.example/section/index.html');
    expect(error.kind).toBe('html-page');
    expect(error.feedLinks?.[0]).toBe('https://news.example/feed.xml');
  });

  it('resolves them against <base href>, itself relative to the page URL', () => {
    const based = `<html><head><base href="/blog/"><link rel="alternate" type="application/rss+xml" href="rss"></head></html>`;
    expect(findFeedLinks(based, 'https://news.example/a/b.html')).toEqual(['https://news.example/blog/rss']);
  });

  it('drops relative links when there is no URL to resolve them against', () => {
    expect(findFeedLinks(page, '')).toEqual([]);
    expect(htmlPage(page).message).toBe('this URL is an HTML page, not a feed, and the page does not link to a feed');
  });

  it('reads a page of any shape in one pass, and stops at the end of <head>', () => {
    const deep = `<html><head>${'<div>'.repeat(200_000)}<link rel="alternate" type="application/rss+xml" href="/deep.xml">`;
    expect(findFeedLinks(deep, 'https://news.example/')).toEqual(['https://news.example/deep.xml']);
    const many = `<html><head>${Array.from({ length: 5_000 }, (_, index) => `<link rel="alternate" type="application/rss+xml" href="/f${index}">`).join('')}</head></html>`;
    expect(findFeedLinks(many, 'https://news.example/')).toHaveLength(20);
  });
});
