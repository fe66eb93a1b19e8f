import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import { FetchError } from './types.js';

/**
 * Which IP addresses the fetcher may connect to (ALLOW_PRIVATE_NETWORKS). The decision is made on resolved
 * addresses, never on hostnames, so a public name that resolves to 127.0.0.1 is refused like 127.0.0.1 itself.
 */
export interface NetworkPolicy {
  isAllowed(ip: string): boolean;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a hostname to every address it has. Injectable so tests can fake DNS without touching /etc/hosts. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

// Ranges that are not the public internet. BlockList also matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against the
// IPv4 rules, which closes the "[::ffff:127.0.0.1]" bypass; other IPv6 forms that embed an IPv4 address are
// decided on that address (embeddedIpv4 below).
const NON_PUBLIC: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", 0.0.0.0 connects to localhost on Linux
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // CGNAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, includes cloud metadata 169.254.169.254
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved and broadcast
  ['::', 96, 'ipv6'], // unspecified, loopback and the deprecated IPv4-compatible form
  ['100::', 64, 'ipv6'], // discard
  ['2001:db8::', 32, 'ipv6'], // documentation
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // deprecated site-local
  ['ff00::', 8, 'ipv6'], // multicast
];

// Cloud metadata endpoints: refused even when private networks are allowed by a list, unless listed themselves.
const METADATA = ['169.254.169.254', 'fd00:ec2::254'];

function ipType(ip: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(ip);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

/** Strips URL brackets and an IPv6 zone id so `[fe80::1%eth0]` is checked as fe80::1. */
export function bareIp(host: string): string {
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const zone = unbracketed.indexOf('%');
  return zone === -1 ? unbracketed : unbracketed.slice(0, zone);
}

function toBlockList(ranges: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, type] of ranges) list.addSubnet(network, prefix, type);
  return list;
}

const nonPublic = toBlockList(NON_PUBLIC);

/** The 16 bytes of a valid IPv6 address (isIP said 6): `::` expanded, a dotted IPv4 tail converted. */
function ipv6Bytes(ip: string): number[] {
  let text = ip.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = Array.from({ length: 8 - headGroups.length - restGroups.length }, () => '0');
  const groups = rest === undefined ? headGroups : [...headGroups, ...zeros, ...restGroups];
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

const ipv4At = (bytes: number[], ...at: number[]): string => at.map((index) => bytes[index] ?? 0).join('.');
const zeroAt = (bytes: number[], from: number, to = 16): boolean => bytes.slice(from, to).every((byte) => byte === 0);

/**
 * The IPv4 addresses an IPv6 address stands for, which a translator or relay would connect to. An address
 * that embeds a private IPv4 address reaches that private address, so the decision is made on the IPv4.
 */
function embeddedIpv4(ip: string): string[] {
  const b = ipv6Bytes(ip);
  const prefix = (...bytes: number[]) => bytes.every((byte, index) => b[index] === byte);
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052): the last 32 bits.
  if (prefix(0x00, 0x64, 0xff, 0x9b) && zeroAt(b, 4, 12)) return [ipv4At(b, 12, 13, 14, 15)];
  // NAT64 local-use prefix 64:ff9b:1::/48 (RFC 8215): its translator may use any RFC 6052 prefix length from
  // /48 to /96, and the address does not say which, so every layout that fits it (bits 64-71 zero, zero
  // suffix) is decided on. The /96 layout always fits.
  if (prefix(0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
    const layouts = [ipv4At(b, 12, 13, 14, 15)];
    if (b[8] === 0 && zeroAt(b, 13)) layouts.push(ipv4At(b, 9, 10, 11, 12)); // /64
    if (b[8] === 0 && zeroAt(b, 12)) layouts.push(ipv4At(b, 7, 9, 10, 11)); // /56
    if (b[8] === 0 && zeroAt(b, 11)) layouts.push(ipv4At(b, 6, 7, 9, 10)); // /48
    return layouts;
  }
  // 6to4 2002::/16 (RFC 3056): bits 16-47.
  if (prefix(0x20, 0x02)) return [ipv4At(b, 2, 3, 4, 5)];
  // Teredo 2001::/32 (RFC 4380): the server in bits 32-63, the client in the last 32 bits, inverted.
  if (prefix(0x20, 0x01, 0x00, 0x00)) {
    const client = [12, 13, 14, 15].map((index) => (b[index] ?? 0) ^ 0xff).join('.');
    return [ipv4At(b, 4, 5, 6, 7), client];
  }
  // IPv4-translated ::ffff:0:0/96 (RFC 2765), which BlockList does not treat as IPv4-mapped.
  if (prefix(0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0)) return [ipv4At(b, 12, 13, 14, 15)];
  return [];
}

function parseCidr(cidr: string): [string, number, 'ipv4' | 'ipv6'] {
  const [network = '', bits] = cidr.trim().split('/');
  const type = ipType(network);
  if (!type) throw new Error(`not a CIDR range: ${cidr}`);
  const max = type === 'ipv4' ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`not a CIDR range: ${cidr}`);
  return [network, prefix, type];
}

/**
 * false: only public addresses. true: every address. A CIDR list: public addresses plus the listed ranges; the
 * metadata endpoint stays refused unless a listed range contains it.
 */
export function createNetworkPolicy(allow: boolean | string[]): NetworkPolicy {
  const listed = Array.isArray(allow) ? toBlockList(allow.map(parseCidr)) : undefined;
  const decide = (ip: string): boolean => {
    const bare = bareIp(ip);
    const type = ipType(bare);
    if (!type) return false;
    if (allow === true) return true;
    if (listed?.check(bare, type)) return true;
    if (type === 'ipv6') {
      // NAT64, 6to4 and Teredo addresses go where the IPv4 addresses in them go (each one must be allowed).
      const embedded = embeddedIpv4(bare);
      if (embedded.length > 0) return embedded.every(decide);
    }
    if (METADATA.includes(bare.toLowerCase())) return false;
    return !nonPublic.check(bare, type);
  };
  // The answer for an address never changes, and BlockList.check builds native objects on every call: a feed
  // URL with an IP literal is checked on every request, so answers are remembered (a bounded number of them).
  const answers = new Map<string, boolean>();
  return {
    isAllowed(ip: string): boolean {
      let answer = answers.get(ip);
      if (answer === undefined) {
        if (answers.size >= 10_000) answers.clear();
        answers.set(ip, (answer = decide(ip)));
      }
      return answer;
    },
  };
}

/** Parses a feed URL, accepting only http and https. */
export function parseFeedUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchError('invalid-url', `not a valid URL: ${url}`, { url });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FetchError('invalid-url', `only http and https URLs can be fetched: ${url}`, { url });
  }
  if (parsed.username || parsed.password) {
    throw new FetchError('invalid-url', 'URLs with a user name or password are not accepted', { url });
  }
  return parsed;
}

function blocked(host: string, address: string, url?: string): FetchError {
  const shown = host === address ? address : `${host} (${address})`;
  return new FetchError(
    'blocked',
    `${shown} is a private or reserved network address; set ALLOW_PRIVATE_NETWORKS to allow it`,
    { url },
  );
}

/** Resolves `hostname` and keeps only allowed addresses; throws 'blocked' when none is left, 'dns' when it does not resolve. */
export async function resolveAllowed(
  hostname: string,
  policy: NetworkPolicy,
  resolver: Resolver,
  url?: string,
): Promise<ResolvedAddress[]> {
  const host = bareIp(hostname);
  if (ipType(host)) {
    if (!policy.isAllowed(host)) throw blocked(host, host, url);
    return [{ address: host, family: isIP(host) }];
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolver(host);
  } catch (error) {
    throw new FetchError('dns', `could not resolve ${host}: ${(error as Error).message}`, { url });
  }
  if (addresses.length === 0) throw new FetchError('dns', `${host} has no addresses`, { url });
  const allowed = addresses.filter((entry) => policy.isAllowed(entry.address));
  if (allowed.length === 0) throw blocked(host, addresses[0]!.address, url);
  return allowed;
}

/** Command-time check (subscribe, check): the URL is http(s) and its host resolves to an allowed address. */
export async function checkUrlAllowed(
  url: string,
  policy: NetworkPolicy,
  resolver: Resolver = systemResolver,
): Promise<void> {
  const parsed = parseFeedUrl(url);
  await resolveAllowed(parsed.hostname, policy, resolver, url);
}
