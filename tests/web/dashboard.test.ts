/**
 * The web dashboard in a real browser (Debian's chromium through playwright-core) against the app as the harness
 * builds it: the real Discord and Telegram code talking to the fakes, feeds from the local feed server. Each page's
 * screenshot is written to tests/artifacts/ on every run.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contrastProblems, startBrowser, type TestBrowser } from '../support/browser.js';
import { slash } from '../support/discord-user.js';
import { testItem } from '../support/feed-server.js';
import { ADMIN_USER, CHANNEL_A, GROUP, GUILD_A, GUILD_B, startHarness, type Harness } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';
import { taza } from '../cli/taza-cli.js';

const TOKEN = 'dashboard-token-for-tests-0123456789';
// Playwright's API client reuses a pooled socket without heeding the server's Keep-Alive hint; one connection per
// request leaves it none to reuse after the server closed it.
const ONE_USE_CONNECTION = { connection: 'close' };
/** The app's clock: the real time, unless a test holds it still (`frozenAt`). */
let frozenAt: number | undefined;
const clock = () => new Date(frozenAt ?? Date.now());
const SEED_ARTICLE = readFileSync(
  new URL('../fixtures/summarizer/urdu-crypto-council-article.txt', import.meta.url),
  'utf8',
);
const URDU_TITLE = 'پاکستان کرپٹو کونسل اور ایل سلواڈور کے بٹ کوائن آفس کے درمیان معاہدہ';

let h: Harness;
let browser: TestBrowser;
let base: string;
let page: Page;
let subscriptionA: string;
let subscriptionB: string;

/** The id in a reply such as "✓ Subscribed `k3x9qa`: …". */
function subscribedId(reply: string): string {
  const id = /Subscribed `([a-z0-9]+)`/.exec(reply)?.[1];
  if (!id) throw new Error(`no subscription id in: ${reply}`);
  return id;
}

/** Runs in the page: the direction the browser laid the element out in. */
function computedDirection(element: unknown): string {
  const view = globalThis as unknown as { getComputedStyle(e: unknown): { direction: string } };
  return view.getComputedStyle(element).direction;
}

/** The page's screenshot in tests/artifacts/, and its text checked for WCAG AA contrast. */
async function capture(name: string): Promise<void> {
  await browser.screenshot(name);
  expect(await contrastProblems(page), name).toEqual([]);
}

/** Submits a form and waits until the page its redirect leads to (`path`) has loaded. */
async function submitted(path: string, action: () => Promise<void>): Promise<void> {
  const loaded = page.waitForResponse((r) => r.url() === `${base}${path}` && r.request().method() === 'GET');
  await action();
  await (await loaded).finished();
  await page.waitForLoadState('load');
}

async function logInWithToken(): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Dashboard token').fill(TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/`);
}

async function logOut(): Promise<void> {
  await browser.context.clearCookies();
}

/** The URL in a /dashboard reply (Discord markup `<https://…>`, or Telegram HTML with the bare URL). */
function linkIn(text: string): string {
  const url = /(http:\/\/[^\s<>]+\/login\/link\?t=[A-Za-z0-9_.-]+)/.exec(text)?.[1];
  if (!url) throw new Error(`no login link in: ${text}`);
  return url.replace(/&amp;/g, '&');
}

async function useLink(url: string, screenshot?: string): Promise<void> {
  await page.goto(url);
  if (screenshot) await capture(screenshot);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/`);
}

describe('web dashboard', () => {
  beforeAll(async () => {
    h = await startHarness({ env: { DASHBOARD_TOKEN: TOKEN }, now: clock });
    base = `http://127.0.0.1:${h.app.http!.port}`;
    h.feedServer.setItems('urdu', [
      { ...testItem(1, URDU_TITLE, SEED_ARTICLE), guid: 'urn:urdu:1' },
      testItem(2, 'Cricket: Pakistan win the series'),
    ]);
    h.feedServer.setItems('guild-b', [testItem(3, 'Guild B news')]);
    h.feedServer.setItems('flow', [testItem(4, 'An older story')]);
    subscriptionA = subscribedId(
      (await slash(h.discord, 'subscribe', { feed: h.feedServer.url('urdu'), keywords: 'crypto council' })).content,
    );
    subscriptionB = subscribedId(
      (await slash(h.discord, 'subscribe', { feed: h.feedServer.url('guild-b'), keywords: 'news' }, { guild: 'B' }))
        .content,
    );
    browser = await startBrowser();
    page = browser.page;
  }, 60_000);

  // Each test starts logged out, whatever the one before it did.
  beforeEach(async () => {
    await browser.context.clearCookies();
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('answers nothing but /login and the probes without a session', async () => {
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await expect(page.getByLabel('Dashboard token').isVisible()).resolves.toBe(true);
    await capture('login');

    for (const path of ['/', '/subscriptions', '/playground', '/alerts', `/feeds/x`]) {
      const response = await fetch(`${base}${path}`, { redirect: 'manual' });
      expect([path, response.status, response.headers.get('location')]).toEqual([path, 303, '/login']);
    }
    const post = await fetch(`${base}/subscriptions/${subscriptionA}/pause`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=x',
      redirect: 'manual',
    });
    expect(post.status).toBe(401);
    expect(h.subscriptions.get(subscriptionA)?.paused).toBeUndefined();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it('logs in with the token into an HttpOnly, SameSite=Strict session, and not with a wrong one', async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel('Dashboard token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('That is not the dashboard token');
    expect(await browser.context.cookies()).toEqual([]);

    await logInWithToken();
    const [cookie] = await browser.context.cookies();
    expect(cookie).toMatchObject({ name: 'taza_session', httpOnly: true, sameSite: 'Strict', secure: false });
    const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
    expect(headings).toEqual(['At a glance', 'Alerts sent per hour', 'Feeds by health']);
    // The owner sees both servers' feeds.
    await expect(page.locator('main table').textContent()).resolves.toContain('Test feed guild-b');
    await expect(page.locator('figure.chart svg[role="img"]').count()).resolves.toBe(1);
    await capture('overview');
    // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Skip to the content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('main');
    await logOut();
  });

  it("sends /dashboard's link privately, and its session sees and changes only its own server", async () => {
    const answer = await slash(h.discord, 'dashboard');
    expect(answer.ephemeral).toBe(true);
    const link = linkIn(answer.content);
    await useLink(link, 'login-link');

    await page.goto(`${base}/subscriptions`);
    const table = (await page.locator('main table').textContent()) ?? '';
    expect(table).toContain(subscriptionA);
    expect(table).not.toContain(subscriptionB);
    await capture('subscriptions-scoped');
    expect((await page.goto(`${base}/feeds/${h.subscriptions.get(subscriptionB)!.feedId}`))?.status()).toBe(404);

    // A valid CSRF token, but another server's subscription: the chat command's own refusal, nothing changed.
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    await page.request.post(`${base}/subscriptions/${subscriptionB}/pause`, {
      form: { csrf },
      maxRedirects: 0,
      headers: ONE_USE_CONNECTION,
    });
    await page.goto(`${base}/subscriptions`);
    await expect(page.locator('.flash').textContent()).resolves.toContain(
      `Subscription ${subscriptionB} belongs to another server or chat, so it cannot be changed from server ${GUILD_A}.`,
    );
    expect(h.subscriptions.get(subscriptionB)?.paused).toBeUndefined();

    // Each link works once.
    await logOut();
    await page.goto(link);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('used already');
    expect(await browser.context.cookies()).toEqual([]);
    expect(GUILD_B).not.toBe(GUILD_A);
  });

  it('sends the /dashboard link of a Telegram group as a private message, never into the group', async () => {
    const answer = await tgCommand(h.telegram, '/dashboard', { chat: GROUP, from: ADMIN_USER });
    expect(answer.text).toContain('Sent you a private message');
    expect(h.telegram.messages(GROUP).some((m) => m.text?.includes('/login/link'))).toBe(false);
    const privately = h.telegram.messages(ADMIN_USER).find((m) => m.text?.includes('/login/link'));
    await useLink(linkIn(privately!.text!));
    await expect(page.locator('header .who').textContent()).resolves.toContain(`chat ${GROUP}`);
    await logOut();
  });

  it("logs the self-hoster in with `taza dashboard-link`'s link, which sees everything", async () => {
    const off = await taza(['dashboard-link']);
    expect(off.code).toBe(2);
    expect(off.stderr).toContain('the web dashboard is off: set DASHBOARD_TOKEN');

    const printed = await taza(['dashboard-link'], { DASHBOARD_TOKEN: TOKEN, DASHBOARD_URL: base });
    expect(printed.code).toBe(0);
    await useLink(linkIn(printed.stdout));
    await expect(page.locator('header .who').textContent()).resolves.toContain('Showing every server and chat');
    await page.goto(`${base}/subscriptions`);
    const table = (await page.locator('main table').textContent()) ?? '';
    expect(table).toContain(subscriptionA);
    expect(table).toContain(subscriptionB);
  });

  it('refuses a change without the CSRF token', async () => {
    await logInWithToken();
    const forms: Array<Record<string, string>> = [{}, { csrf: 'wrong' }];
    for (const form of forms) {
      const response = await page.request.post(`${base}/subscriptions/${subscriptionA}/pause`, {
        form,
        maxRedirects: 0,
        headers: ONE_USE_CONNECTION,
      });
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain('CSRF token is missing or out of date');
    }
    expect(h.subscriptions.get(subscriptionA)?.paused).toBeUndefined();
    await logOut();
  });

  it('creates a subscription in the form, and its alert arrives on Discord', async () => {
    await useLink(linkIn((await slash(h.discord, 'dashboard')).content));
    await page.goto(`${base}/subscriptions`);
    await page.getByLabel('Feed', { exact: true }).fill(h.feedServer.url('flow'));
    await page.getByLabel('Keywords', { exact: true }).fill('bitcoin');
    await expect(page.getByLabel('Post alerts to').inputValue()).resolves.toBe(`discord:${CHANNEL_A}`);
    await submitted('/subscriptions', () => page.getByRole('button', { name: 'Subscribe' }).click());
    const flash = (await page.locator('.flash').textContent()) ?? '';
    expect(flash).toMatch(/^✓ Subscribed [a-z0-9]+: /);
    const id = /Subscribed ([a-z0-9]+)/.exec(flash)![1]!;
    expect(h.subscriptions.get(id)).toMatchObject({
      scope: GUILD_A,
      destination: { platform: 'discord', id: CHANNEL_A },
    });
    await capture('subscriptions');

    // The same validation as /subscribe: the same subscription again is refused with its message.
    await page.getByLabel('Feed', { exact: true }).fill(h.feedServer.url('flow'));
    await page.getByLabel('Keywords', { exact: true }).fill('bitcoin');
    await submitted('/subscriptions', () => page.getByRole('button', { name: 'Subscribe' }).click());
    await expect(page.locator('.flash').textContent()).resolves.toContain(`This is already subscribed here as ${id}`);

    h.feedServer.publish('flow', testItem(5, 'Bitcoin passes its record'));
    await h.check(h.feedServer.url('flow'));
    await h.drained();
    const sent = h.discord.messages(CHANNEL_A).map((m) => JSON.stringify(m.body.embeds));
    expect(sent.some((embeds) => embeds.includes('Bitcoin passes its record'))).toBe(true);

    await page.goto(`${base}/`);
    await expect(page.locator('figure.chart svg rect').count()).resolves.toBe(1);
    await capture('overview-with-alerts');
    await page.goto(`${base}/alerts`);
    await expect(page.locator('main table').textContent()).resolves.toContain('Bitcoin passes its record');
    await capture('alerts');
    await page.goto(`${base}/feeds/${h.subscriptions.get(id)!.feedId}`);
    await expect(page.locator('main').textContent()).resolves.toContain(id);
    await capture('feed');
    await logOut();
  });

  it('shows in the playground the seed article matching `crypto council`, the term marked, its title right to left', async () => {
    await logInWithToken();
    await page.goto(`${base}/playground`);
    await page.getByLabel('Or a feed address').fill(h.feedServer.url('urdu'));
    await page.getByLabel('Keywords').fill('crypto council');
    await page.getByRole('button', { name: 'Try it' }).click();
    await page.waitForURL(/\/playground\?/);
    const hits = page.locator('article.item.match');
    await expect(hits.count()).resolves.toBe(1);
    const title = hits.first().locator('h3');
    await expect(title.textContent()).resolves.toBe(URDU_TITLE);
    await expect(title.locator('mark').allTextContents()).resolves.toEqual(['کرپٹو کونسل']);
    await expect(hits.first().locator('blockquote mark').count()).resolves.toBeGreaterThan(0);
    await expect(title.evaluate(computedDirection)).resolves.toBe('rtl');
    await expect(hits.first().locator('blockquote p').first().evaluate(computedDirection)).resolves.toBe('rtl');
    // Why the cricket story does not match, and the alert as each platform shows it.
    await expect(page.locator('.item.miss').textContent()).resolves.toContain('Cricket: Pakistan win the series');
    await expect(hits.first().locator('.discord .embed').textContent()).resolves.toContain('Matched');
    await expect(hits.first().locator('.telegram .bubble b').first().textContent()).resolves.toBe(URDU_TITLE);
    await capture('playground');
    await logOut();
  });

  it("pauses, resumes, edits and deletes through the forms, with the chat commands' answers", async () => {
    await useLink(linkIn((await slash(h.discord, 'dashboard')).content));
    await page.goto(`${base}/subscriptions`);
    const row = page.locator(`#sub-${subscriptionA}`);
    const flash = () => page.locator('.flash').textContent();
    const submit = (action: () => Promise<void>) => submitted('/subscriptions', action);
    await submit(() => row.getByRole('button', { name: `Pause ${subscriptionA}` }).click());
    await expect(flash()).resolves.toBe(`⏸ Paused ${subscriptionA}. Nothing is posted for it until /resume.`);
    expect(h.subscriptions.get(subscriptionA)?.paused?.reason).toBe('paused by admin');

    await submit(() => row.getByRole('button', { name: `Resume ${subscriptionA}` }).click());
    await expect(flash()).resolves.toContain(`▶ Resumed ${subscriptionA}.`);
    expect(h.subscriptions.get(subscriptionA)?.paused).toBeUndefined();

    // Keyboard only: open the edit form, type, submit.
    await row.getByText('Edit keywords').focus();
    await page.keyboard.press('Enter');
    await row.getByLabel(`New keywords for ${subscriptionA}`).fill('"unclosed');
    await submit(() => page.keyboard.press('Enter'));
    await expect(flash()).resolves.toMatch(/^✗ /);
    expect(h.subscriptions.get(subscriptionA)?.query).toBe('crypto council');
    await row.getByText('Edit keywords').click();
    await row.getByLabel(`New keywords for ${subscriptionA}`).fill('crypto council, بٹ کوائن');
    await submit(() => row.getByRole('button', { name: 'Save keywords' }).click());
    await expect(flash()).resolves.toContain(`✓ ${subscriptionA} now looks for:`);
    expect(h.subscriptions.get(subscriptionA)?.query).toBe('crypto council, بٹ کوائن');

    await submit(() => row.getByRole('button', { name: `Delete ${subscriptionA}` }).click());
    await expect(flash()).resolves.toContain(`✓ Removed ${subscriptionA}`);
    expect(h.subscriptions.get(subscriptionA)).toBeUndefined();
    await capture('subscriptions-after-changes');
  });

  it('slows down repeated wrong tokens', async () => {
    const attempt = async (token: string) => {
      await page.goto(`${base}/login`);
      await page.getByLabel('Dashboard token').fill(token);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${base}/login` && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Log in' }).click(),
      ]);
      return response.status();
    };
    // The clock stands still: the 1 s wait after the fourth try cannot run out between two tries of a slow browser.
    frozenAt = Date.now();
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push(await attempt(`wrong-${i}`));
      // Three free tries, a fourth that makes the next one wait, and the fifth refused unchecked.
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      expect(await attempt(TOKEN)).toBe(429);
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Too many wrong tokens: wait \d+ s/);
      expect(await browser.context.cookies()).toEqual([]);
    } finally {
      frozenAt = undefined;
    }
  });
});
