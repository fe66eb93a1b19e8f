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

describe('IPv6 addresses that embed an IPv4 address', () => {
  const policy = createNetworkPolicy(false);
  const PUBLIC = '93.184.216.34';
  const octets = (ipv4: string) => ipv4.split('.').map(Number);
  /** a.b.c.d as two IPv6 groups, optionally with every bit inverted (Teredo's client). */
  const hex = (ipv4: string, invert = false) => {
    const [a = 0, b = 0, c = 0, d = 0] = octets(ipv4).map((octet) => (invert ? octet ^ 0xff : octet));
    return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  };
  const forms: Record<string, (ipv4: string) => string> = {
    'NAT64 64:ff9b::/96': (ipv4) => `64:ff9b::${hex(ipv4)}`,
    'NAT64 64:ff9b::/96, dotted': (ipv4) => `64:ff9b::${ipv4}`,
    'local NAT64 64:ff9b:1::/48, /96 layout': (ipv4) => `64:ff9b:1:abcd::${hex(ipv4)}`,
    '6to4 2002::/16': (ipv4) => `2002:${hex(ipv4)}::1`,
    'Teredo server': (ipv4) => `2001:0:${hex(ipv4)}::${hex(PUBLIC, true)}`,
    'Teredo client': (ipv4) => `2001:0:${hex(PUBLIC)}::${hex(ipv4, true)}`,
    'IPv4-translated ::ffff:0:0/96': (ipv4) => `::ffff:0:${hex(ipv4)}`,
  };
  const refused = {
    private: '10.0.0.1',
    loopback: '127.0.0.1',
    'link-local': '169.254.10.20',
    metadata: '169.254.169.254',
  };
  const kind = (promise: Promise<void>) =>
    promise.then(
      () => 'ok',
      (error: FetchError) => error.kind,
    );

  for (const [form, embed] of Object.entries(forms)) {
    it(`${form}: refused when it embeds a private address, allowed when a public one`, async () => {
      for (const [what, ipv4] of Object.entries(refused)) {
        const address = embed(ipv4);
        expect(policy.isAllowed(address), `${what} ${address}`).toBe(false);
        expect(await kind(checkUrlAllowed(`http://[${address}]/feed`, policy)), `${what} ${address}`).toBe('blocked');
        const resolver = async () => [{ address, family: 6 }];
        expect(await kind(checkUrlAllowed('https://news.example/feed', policy, resolver)), address).toBe('blocked');
      }
      const address = embed(PUBLIC);
      expect(policy.isAllowed(address), address).toBe(true);
      expect(await kind(checkUrlAllowed(`http://[${address}]/feed`, policy)), address).toBe('ok');
      const resolver = async () => [{ address, family: 6 }];
      expect(await kind(checkUrlAllowed('https://news.example/feed', policy, resolver)), address).toBe('ok');
    });
  }

  it('refuses the literal [64:ff9b::7f00:1]', async () => {
    expect(await kind(checkUrlAllowed('http://[64:ff9b::7f00:1]/', policy))).toBe('blocked');
  });

  it('refuses a local NAT64 address that embeds loopback in a shorter-prefix layout (bits 64-71 skipped)', () => {
    // 127.0.0.1 at /48 (bytes 6-7, 9-10), /56 (7, 9-11) and /64 (9-12); the /96 reading would be public.
    expect(policy.isAllowed('64:ff9b:1:7f00:0:100::')).toBe(false);
    expect(policy.isAllowed('64:ff9b:1:7f:0:1::')).toBe(false);
    expect(policy.isAllowed('64:ff9b:1:0:7f:0:100:0')).toBe(false);
  });

  it('decides on the embedded address with a CIDR list too: listed ranges pass, metadata stays refused', () => {
    const lan = createNetworkPolicy(['10.0.0.0/8']);
    expect(lan.isAllowed('64:ff9b::a00:1')).toBe(true);
    expect(lan.isAllowed('2002:a00:1::1')).toBe(true);
    expect(lan.isAllowed('64:ff9b::a9fe:a9fe')).toBe(false);
    expect(lan.isAllowed('64:ff9b::c0a8:101')).toBe(false);
  });
});
