import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parser/index.js';
import { discoverHub, parseLinkHeader } from '../../src/websub/links.js';
import { checkSignature, signBody } from '../../src/websub/signature.js';

const FEED = 'https://news.example/feed.xml';

describe('WebSub discovery', () => {
  it('reads hub and self from an RSS channel’s atom:link elements', () => {
    const rss = `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>
      <atom:link rel="hub" href="https://hub.example/"/><atom:link rel="self" href="/feed.xml"/>
      <item><guid>1</guid><title>x</title></item></channel></rss>`;
    const parsed = parseFeed(Buffer.from(rss), 'application/rss+xml', { baseUrl: 'https://news.example/other' });
    expect(discoverHub(parsed, undefined, FEED)).toEqual({ hub: 'https://hub.example/', topic: FEED });
  });

  it('reads them from an Atom feed and from JSON Feed hubs', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><link rel="hub" href="https://hub.example/a"/>
      <link rel="self" href="https://news.example/atom"/><entry><id>1</id><title>x</title></entry></feed>`;
    expect(discoverHub(parseFeed(Buffer.from(atom), 'application/atom+xml', {}), undefined, FEED)).toEqual({
      hub: 'https://hub.example/a',
      topic: 'https://news.example/atom',
    });
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'T',
      feed_url: 'https://news.example/feed.json',
      hubs: [
        { type: 'rssCloud', url: 'https://cloud.example/' },
        { type: 'WebSub', url: 'https://hub.example/j' },
      ],
      items: [{ id: '1', title: 'x' }],
    });
    expect(discoverHub(parseFeed(Buffer.from(json), 'application/feed+json', {}), undefined, FEED)).toEqual({
      hub: 'https://hub.example/j',
      topic: 'https://news.example/feed.json',
    });
  });

  it('prefers the Link header, resolves it against the feed URL, and finds nothing without a hub', () => {
    const header = '</hub>; rel="hub", <https://news.example/topic>; rel="self", <https://x.example/>; rel=alternate';
    expect(parseLinkHeader(header, FEED).get('hub')).toEqual(['https://news.example/hub']);
    expect(discoverHub({ hubs: ['https://body-hub.example/'] }, header, FEED)).toEqual({
      hub: 'https://news.example/hub',
      topic: 'https://news.example/topic',
    });
    expect(discoverHub({}, '<https://x.example/>; rel="alternate"', FEED)).toBeUndefined();
    expect(discoverHub({ hubs: ['javascript:alert(1)'] }, undefined, FEED)).toBeUndefined();
  });
});

describe('delivery signatures', () => {
  const body = Buffer.from('<rss>body</rss>');
  it.each(['sha1', 'sha256', 'sha384', 'sha512'])(
    'a %s HMAC with the secret is valid, with another secret not',
    (method) => {
      expect(checkSignature('s3cret', body, signBody('s3cret', body, method))).toBe('valid');
      expect(checkSignature('s3cret', body, signBody('other', body, method))).toBe('invalid');
    },
  );

  it('a missing, unknown-method, malformed or body-mismatched signature is not valid', () => {
    expect(checkSignature('s3cret', body, undefined)).toBe('unsigned');
    expect(checkSignature('s3cret', body, signBody('s3cret', body, 'md5'))).toBe('invalid');
    expect(checkSignature('s3cret', body, 'sha256=zz')).toBe('invalid');
    expect(checkSignature('s3cret', body, 'sha256')).toBe('invalid');
    expect(checkSignature('s3cret', Buffer.from('<rss>other</rss>'), signBody('s3cret', body))).toBe('invalid');
  });
});
