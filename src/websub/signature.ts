/**
 * The check of a delivery's `X-Hub-Signature: <method>=<hex HMAC of the body with the subscription's secret>`.
 * Only the methods WebSub names; the comparison is constant-time so the signature cannot be guessed byte by byte.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const METHODS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

export type SignatureCheck = 'valid' | 'unsigned' | 'invalid';

export function checkSignature(secret: string, body: Buffer, header: string | undefined): SignatureCheck {
  if (!header) return 'unsigned';
  const [method = '', hex = ''] = header.trim().split('=', 2);
  const algorithm = method.toLowerCase();
  if (!METHODS.has(algorithm) || !/^[0-9a-f]+$/i.test(hex)) return 'invalid';
  const expected = createHmac(algorithm, secret).update(body).digest();
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'invalid';
}

/** The header a hub sends for `body` (the test hub and the benchmark sign with it). */
export function signBody(secret: string, body: Buffer | string, method = 'sha256'): string {
  return `${method}=${createHmac(method, secret).update(body).digest('hex')}`;
}
