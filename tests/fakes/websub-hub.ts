/**
 * A local WebSub hub for tests: takes subscribe and unsubscribe requests (202), verifies intent by calling the
 * callback with a challenge, keeps the verified subscriptions with their secret and lease, and publishes bodies
 * to them signed (any WebSub method), unsigned or wrongly signed. Lease expiry is the test's to decide.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubSubscription {
  topic: string;
  callback: string;
  secret?: string;
  leaseSeconds: number;
}

export interface HubRequest {
  mode: string;
  topic: string;
  callback: string;
  secret?: string;
  leaseSeconds?: number;
}

export interface Verification {
  request: HubRequest;
  /** The callback echoed the challenge (200 and the same text). */
  confirmed: boolean;
  status: number;
}

export type Signing = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'none' | 'wrong';

export interface FakeHub {
  url: string;
  /** Every subscribe/unsubscribe request received, in order. */
  requests: HubRequest[];
  /** Every verification of intent made, in order. */
  verifications: Verification[];
  /** The verified subscriptions, by topic. */
  subscriptions: Map<string, HubSubscription>;
  /** Emits 'verified' (Verification) after each verification of intent. */
  events: EventEmitter;
  /** The lease the hub grants (default: what was asked for). */
  grantLeaseSeconds?: number;
  /** Sends `body` to the topic's subscriber; the callback's status. */
  publish(topic: string, body: string, options?: { signing?: Signing; contentType?: string }): Promise<number>;
  /** A verification of intent the subscriber never asked for (another topic, say); the callback's status and body. */
  verifyUnasked(callback: string, topic: string, mode?: string): Promise<{ status: number; body: string }>;
  /** The hub forgets the topic's subscription, as when its lease runs out unrenewed. */
  expire(topic: string): void;
  close(): Promise<void>;
}

export async function startFakeHub(): Promise<FakeHub> {
  const events = new EventEmitter();
  const hub: Omit<FakeHub, 'url' | 'close'> & { url?: string } = {
    requests: [],
    verifications: [],
    subscriptions: new Map(),
    events,
    async publish(topic, body, options = {}) {
      const subscription = hub.subscriptions.get(topic);
      if (!subscription) throw new Error(`the hub has no subscriber for ${topic}`);
      const signing = options.signing ?? 'sha256';
      const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/rss+xml' };
      if (signing === 'wrong') headers['x-hub-signature'] = sign('sha256', 'not-the-secret', body);
      else if (signing !== 'none') headers['x-hub-signature'] = sign(signing, subscription.secret ?? '', body);
      const response = await fetch(subscription.callback, { method: 'POST', headers, body });
      await response.arrayBuffer();
      return response.status;
    },
    async verifyUnasked(callback, topic, mode = 'subscribe') {
      const response = await fetch(verificationUrl(callback, mode, topic, 'unasked-challenge', 60));
      return { status: response.status, body: await response.text() };
    },
    expire(topic) {
      hub.subscriptions.delete(topic);
    },
  };

  async function verify(request: HubRequest): Promise<void> {
    const challenge = randomBytes(12).toString('hex');
    const leaseSeconds = hub.grantLeaseSeconds ?? request.leaseSeconds ?? 3600;
    let status = 0;
    let confirmed = false;
    try {
      const response = await fetch(
        verificationUrl(request.callback, request.mode, request.topic, challenge, leaseSeconds),
      );
      status = response.status;
      confirmed = status >= 200 && status < 300 && (await response.text()) === challenge;
    } catch {
      // Unreachable callback: not confirmed.
    }
    if (confirmed && request.mode === 'subscribe')
      hub.subscriptions.set(request.topic, {
        topic: request.topic,
        callback: request.callback,
        secret: request.secret,
        leaseSeconds,
      });
    if (confirmed && request.mode === 'unsubscribe') hub.subscriptions.delete(request.topic);
    const verification = { request, confirmed, status };
    hub.verifications.push(verification);
    events.emit('verified', verification);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const mode = form.get('hub.mode') ?? '';
      const topic = form.get('hub.topic') ?? '';
      const callback = form.get('hub.callback') ?? '';
      if (req.method !== 'POST' || !['subscribe', 'unsubscribe'].includes(mode) || !topic || !callback) {
        res.writeHead(400).end('bad request');
        return;
      }
      const secret = form.get('hub.secret') ?? undefined;
      const lease = Number(form.get('hub.lease_seconds'));
      const request: HubRequest = {
        mode,
        topic,
        callback,
        ...(secret !== undefined ? { secret } : {}),
        ...(lease > 0 ? { leaseSeconds: lease } : {}),
      };
      hub.requests.push(request);
      res.writeHead(202).end();
      // As a real hub: the verification comes after the 202, asynchronously.
      setImmediate(() => void verify(request));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  return Object.assign(hub, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as FakeHub;
}

function sign(method: string, secret: string, body: string): string {
  return `${method}=${createHmac(method, secret).update(body).digest('hex')}`;
}

function verificationUrl(
  callback: string,
  mode: string,
  topic: string,
  challenge: string,
  leaseSeconds: number,
): string {
  const url = new URL(callback);
  url.searchParams.set('hub.mode', mode);
  url.searchParams.set('hub.topic', topic);
  url.searchParams.set('hub.challenge', challenge);
  url.searchParams.set('hub.lease_seconds', String(leaseSeconds));
  return url.href;
}
