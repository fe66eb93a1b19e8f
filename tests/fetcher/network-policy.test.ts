import { describe, expect, it } from 'vitest';
import { checkUrlAllowed, createNetworkPolicy, FetchError } from '../../src/fetcher/index.js';

describe('createNetworkPolicy', () => {
  const strict = createNetworkPolicy(false);
  it('refuses private, loopback, link-local, CGNAT, multicast, unspecified and their IPv4-mapped forms', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.5.4',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:a9fe:a9fe',
      '[::ffff:10.0.0.1]',
    ]) {
      expect(strict.isAllowed(ip), ip).toBe(false);
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '100.128.0.1'])
      expect(strict.isAllowed(ip), ip).toBe(true);
    expect(strict.isAllowed('not-an-ip')).toBe(false);
  });

  it('allows listed ranges only, and the metadata address only when its range is listed', () => {
    const lan = createNetworkPolicy(['127.0.0.0/8', '10.0.0.0/8']);
    expect(lan.isAllowed('127.0.0.1')).toBe(true);
    expect(lan.isAllowed('::ffff:127.0.0.1')).toBe(true);
    expect(lan.isAllowed('192.168.1.1')).toBe(false);
    expect(lan.isAllowed('169.254.169.254')).toBe(false);
    expect(lan.isAllowed('8.8.8.8')).toBe(true);
    expect(createNetworkPolicy(['169.254.0.0/16']).isAllowed('169.254.169.254')).toBe(true);
    expect(createNetworkPolicy(true).isAllowed('10.0.0.1')).toBe(true);
  });
});

describe('checkUrlAllowed', () => {
  const policy = createNetworkPolicy(false);
  const resolver = async (host: string) =>
    host === 'intranet.example' ? [{ address: '192.168.1.20', family: 4 }] : [{ address: '93.184.216.34', family: 4 }];
  const kind = (promise: Promise<void>) =>
    promise.then(
      () => 'ok',
      (error: FetchError) => error.kind,
    );

  it('accepts public hosts and refuses bad schemes, private literals and names resolving to private addresses', async () => {
    expect(await kind(checkUrlAllowed('https://news.example/feed', policy, resolver))).toBe('ok');
    expect(await kind(checkUrlAllowed('ftp://news.example/feed', policy, resolver))).toBe('invalid-url');
    expect(await kind(checkUrlAllowed('not a url', policy, resolver))).toBe('invalid-url');
    expect(await kind(checkUrlAllowed('http://127.0.0.1/', policy, resolver))).toBe('blocked');
    expect(await kind(checkUrlAllowed('http://intranet.example/rss', policy, resolver))).toBe('blocked');
    expect(
      await kind(
        checkUrlAllowed('http://nowhere.example/', policy, async () => Promise.reject(new Error('ENOTFOUND'))),
      ),
    ).toBe('dns');
  });
});
