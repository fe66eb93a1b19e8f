/**
 * Sessions in memory (a restart logs everyone out, which costs a new link and keeps no secret on disk): a random id
 * in an HttpOnly, SameSite=Strict cookie (Secure over https), the viewer, and a CSRF token every form sends back.
 * Also the slowing down of wrong tokens. A login link's single use is kept in the store (DashboardDeps.useLink),
 * so it holds across instances.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Viewer } from './viewer.js';

export const SESSION_COOKIE = 'taza_session';
const SESSION_LIFETIME_MS = 12 * 3_600_000;

export interface Session {
  id: string;
  viewer: Viewer;
  csrf: string;
  expiresAt: number;
  /** A result to show once on the next page (after a form's redirect). */
  flash?: { ok: boolean; html: string };
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(viewer: Viewer): Session {
    this.sweep();
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      viewer,
      csrf: randomBytes(24).toString('base64url'),
      expiresAt: this.now() + SESSION_LIFETIME_MS,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session || session.expiresAt < this.now()) {
      if (session) this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAt < now) this.sessions.delete(id);
  }
}

export function sessionCookie(session: Session, secure: boolean): string {
  const maxAge = Math.round(SESSION_LIFETIME_MS / 1000);
  return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Wrong tokens from one address: the first few are answered at once, then each must wait twice as long as the
 * last (1 s, 2 s, 4 s … up to 5 minutes) before it is even checked. A right token clears the count.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; retryAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly freeTries = 3,
  ) {}

  /** Milliseconds this address must still wait before trying again (0: it may try now). */
  waitFor(address: string): number {
    const entry = this.failures.get(address);
    return entry ? Math.max(0, entry.retryAt - this.now()) : 0;
  }

  failed(address: string): void {
    const count = (this.failures.get(address)?.count ?? 0) + 1;
    const delay = count <= this.freeTries ? 0 : Math.min(300_000, 1000 * 2 ** (count - this.freeTries - 1));
    this.failures.set(address, { count, retryAt: this.now() + delay });
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }
}
