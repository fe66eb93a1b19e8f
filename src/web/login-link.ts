/**
 * One-time login links: `<base>/login/link?t=<payload>.<signature>`, valid 10 minutes, signed with HMAC-SHA256 by a
 * key derived from DASHBOARD_TOKEN (so a leaked link never reveals the token, and changing the token voids every
 * link). The payload says whose link it is: the self-hoster's, or an admin's for one server or chat. That a link is
 * used once is the dashboard's job (the store remembers the nonces it has accepted until they expire).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Viewer } from './viewer.js';

export const LINK_LIFETIME_MS = 10 * 60_000;

export interface LinkClaims {
  viewer: Viewer;
  nonce: string;
  expiresAt: number;
}

interface Payload {
  v: Viewer;
  n: string;
  e: number;
}

function signingKey(token: string): Buffer {
  return createHmac('sha256', token).update('taza dashboard login links v1').digest();
}

function sign(token: string, payload: string): string {
  return createHmac('sha256', signingKey(token)).update(payload).digest('base64url');
}

export function createLoginLink(options: { token: string; baseUrl: string; viewer: Viewer; now?: number }): string {
  const payload: Payload = {
    v: options.viewer,
    n: randomBytes(12).toString('base64url'),
    e: (options.now ?? Date.now()) + LINK_LIFETIME_MS,
  };
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${options.baseUrl.replace(/\/+$/, '')}/login/link?t=${encoded}.${sign(options.token, encoded)}`;
}

/** The link's claims when its signature is right and it has not expired; why not, otherwise. */
export function verifyLoginLink(token: string, value: string, now = Date.now()): LinkClaims | { error: string } {
  const [encoded = '', signature = '', ...rest] = value.split('.');
  const expected = Buffer.from(sign(token, encoded));
  const given = Buffer.from(signature);
  if (rest.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected))
    return { error: 'This login link is not valid. Ask for a new one with /dashboard or taza dashboard-link.' };
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Payload;
  } catch {
    return { error: 'This login link is not valid.' };
  }
  if (typeof payload.e !== 'number' || payload.e < now)
    return { error: 'This login link has expired (links last 10 minutes). Ask for a new one.' };
  return { viewer: payload.v, nonce: payload.n, expiresAt: payload.e };
}
