/** The dashboard's pieces that need no browser: escaping, login links, the Telegram preview's sanitizing, the throttle. */
import { describe, expect, it } from 'vitest';
import { feedText, html } from '../../src/web/html.js';
import { createLoginLink, LINK_LIFETIME_MS, verifyLoginLink } from '../../src/web/login-link.js';
import { telegramHtmlToPage } from '../../src/web/previews.js';
import { LoginThrottle } from '../../src/web/sessions.js';
import { createDashboard } from '../../src/web/server.js';
import { highlight } from '../../src/web/highlight.js';
import { messageLink } from '../../src/web/message-link.js';
import type { Destination } from '../../src/core/destination.js';
import type { OutboxEntry, SentMessage } from '../../src/core/records.js';

const TOKEN = 'a-dashboard-token-of-enough-length';

describe('dashboard HTML', () => {
  it('escapes every value and strips control characters, bidi overrides included', () => {
    const title = '<script>alert(1)</script> "quoted" \u202Eevil\u0007';
    expect(html`<p title="${title}">${title}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; evil">&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; evil</p>',
    );
    expect(feedText('کرپٹو کونسل').value).toBe('<bdi dir="auto">کرپٹو کونسل</bdi>');
  });

  it('marks a term in every alias spelling, and nothing else becomes markup', () => {
    expect(highlight('<b>پاکستان کرپٹو کونسل</b>', ['crypto council']).value).toBe(
      '&lt;b&gt;پاکستان <mark>کرپٹو کونسل</mark>&lt;/b&gt;',
    );
  });

  it("keeps only Telegram's own tags from a rendered message, and only http(s) links", () => {
    expect(
      telegramHtmlToPage(
        '<b><a href="https://x.test/?a=1&amp;b=2">T &lt;img&gt;</a></b>\n<i>f</i><a href="javascript:alert(1)">j</a>',
      ),
    ).toBe(
      '<b><a href="https://x.test/?a=1&amp;b=2" rel="noreferrer noopener">T &lt;img&gt;</a></b>\n<i>f</i><a>j</a>',
    );
  });
});

describe('login links', () => {
  const viewer = {
    kind: 'scope' as const,
    platform: 'discord' as const,
    scope: '100000000000000001',
    destination: { platform: 'discord' as const, id: '200000000000000001' },
    user: { id: '1', name: 'admin' },
  };

  it('are signed for the token, carry the scope, and expire after 10 minutes', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const link = createLoginLink({ token: TOKEN, baseUrl: 'https://taza.test/', viewer, now });
    expect(link).toMatch(/^https:\/\/taza\.test\/login\/link\?t=[\w-]+\.[\w-]+$/);
    const value = new URL(link).searchParams.get('t')!;
    expect(verifyLoginLink(TOKEN, value, now + 1000)).toMatchObject({ viewer, expiresAt: now + LINK_LIFETIME_MS });
    expect(verifyLoginLink(TOKEN, value, now + LINK_LIFETIME_MS + 1)).toEqual({
      error: expect.stringContaining('expired'),
    });
    expect(verifyLoginLink(`${TOKEN}-other`, value, now)).toEqual({ error: expect.stringContaining('not valid') });
    // A payload changed to another scope no longer matches its signature.
    const [payload, signature] = value.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { v: { scope: string } };
    forged.v.scope = '100000000000000002';
    const forgedValue = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    expect(verifyLoginLink(TOKEN, forgedValue, now)).toEqual({ error: expect.stringContaining('not valid') });
  });
});

describe('the login throttle', () => {
  it('lets three wrong tries through, then doubles the wait, and forgets after a right one', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 3; i++) throttle.failed('a');
    expect(throttle.waitFor('a')).toBe(0);
    throttle.failed('a');
    expect(throttle.waitFor('a')).toBe(1000);
    now = 1000;
    throttle.failed('a');
    expect(throttle.waitFor('a')).toBe(2000);
    expect(throttle.waitFor('b')).toBe(0);
    throttle.succeeded('a');
    expect(throttle.waitFor('a')).toBe(0);
  });
});

describe('without DASHBOARD_TOKEN', () => {
  it('says on / how to turn the dashboard on, and serves nothing else', async () => {
    const { handle } = createDashboard(undefined);
    const answer = async (url: string) => {
      let status = 0;
      let body = '';
      await handle(
        { url, method: 'GET', headers: {} } as never,
        {
          writeHead(code: number) {
            status = code;
            return this;
          },
          end(text: string) {
            body = text;
          },
        } as never,
      );
      return { status, body };
    };
    const home = await answer('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('set <code>DASHBOARD_TOKEN</code>');
    expect((await answer('/subscriptions')).status).toBe(404);
  });
});

describe('message links on Recent alerts', () => {
  const entry = (destination: Destination, sent?: SentMessage) =>
    ({
      alert: { destination },
      status: 'done',
      seq: 1,
      attempts: 1,
      nextAttemptAt: '',
      sent,
    }) as unknown as OutboxEntry;
  const at = '2026-12-01T10:00:00.000Z';
  it('gives the address of a Discord server message and of a Telegram supergroup or public channel message', () => {
    const discord = entry(
      { platform: 'discord', id: '200000000000000001' },
      { channelId: '300000000000000009', messageId: '400000000000000001', kind: 'text', at },
    );
    expect(messageLink(discord, '100000000000000001')).toBe(
      'https://discord.com/channels/100000000000000001/300000000000000009/400000000000000001',
    );
    const group = entry(
      { platform: 'telegram', id: '-1002000001' },
      { channelId: '-1002000001', messageId: '17', kind: 'text', at },
    );
    expect(messageLink(group, undefined)).toBe('https://t.me/c/2000001/17');
    const channel = entry(
      { platform: 'telegram', id: '@tazanews' },
      { channelId: '@tazanews', messageId: '5', kind: 'photo', at },
    );
    expect(messageLink(channel, undefined)).toBe('https://t.me/tazanews/5');
  });
  it('gives none where the platform has no address or the message is not sent', () => {
    const sent = { channelId: '5001', messageId: '3', kind: 'text' as const, at };
    expect(messageLink(entry({ platform: 'telegram', id: '5001' }, sent), undefined)).toBeUndefined();
    expect(
      messageLink(entry({ platform: 'telegram', id: '-4001' }, { ...sent, channelId: '-4001' }), undefined),
    ).toBeUndefined();
    expect(messageLink(entry({ platform: 'discord', id: '200000000000000001' }, sent), 'file')).toBeUndefined();
    expect(messageLink(entry({ platform: 'discord', id: '200000000000000001' }), '100000000000000001')).toBeUndefined();
  });
});
