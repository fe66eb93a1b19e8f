/**
 * Feed text leaves Taza only cleaned: a title carrying terminal escape sequences (clear screen, set window title)
 * and bidi overrides or isolates reaches no surface raw: not `taza check` (text or JSON), not `taza doctor`,
 * not the /preview, /subscribe or /list replies on either platform.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, taza } from '../cli/taza-cli.js';
import { slash } from '../support/discord-user.js';
import { ADMIN_USER, GROUP, startHarness, type Harness } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

/** Clear screen, set the terminal's title (OSC … BEL), right-to-left override, left-to-right isolate. */
const HOSTILE = 'Evil \u001b[2J\u001b]0;owned\u0007 \u202Edesrever\u202C \u2066isolated\u2069 news';
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW = /[\u001b\u0007\u202A-\u202E\u2066-\u2069]/u;

const FEED = {
  version: 'https://jsonfeed.org/version/1.1',
  title: `${HOSTILE} feed`,
  home_page_url: 'https://news.example/',
  items: [
    {
      id: 'urn:hostile:1',
      title: `Bitcoin ${HOSTILE}`,
      url: 'https://news.example/hostile/1',
      content_text: `Bitcoin rose. ${HOSTILE} said so.`,
      date_published: new Date().toISOString(),
    },
  ],
};

describe('feed text with escape sequences and bidi controls', () => {
  let h: Harness;
  let dir: string;
  let url: string;
  beforeAll(async () => {
    h = await startHarness();
    url = h.web.addFile('hostile.json', JSON.stringify(FEED));
    dir = mkdtempSync(join(tmpdir(), 'taza-hostile-'));
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shown = (text: string) => {
    expect(text).toContain('Evil');
    expect(text).toContain('desrever');
    expect(text).not.toMatch(RAW);
  };

  it('command replies: /preview, /subscribe with its sample, /list, on Discord and Telegram', async () => {
    shown((await slash(h.discord, 'preview', { feed: url, keywords: 'bitcoin' })).content);
    shown((await tgCommand(h.telegram, `/preview ${url} bitcoin`, { chat: GROUP, from: ADMIN_USER })).text);
    const subscribed = (await slash(h.discord, 'subscribe', { feed: url, keywords: 'bitcoin' })).content;
    expect(subscribed).toContain('✓ Subscribed');
    expect(subscribed).toContain('Sample:');
    shown(subscribed);
    shown((await tgCommand(h.telegram, `/subscribe ${url} bitcoin`, { chat: GROUP, from: ADMIN_USER })).text);
    shown((await slash(h.discord, 'list')).content);
    shown((await tgCommand(h.telegram, '/list', { chat: GROUP, from: ADMIN_USER })).text);
  });

  it('taza check (text and JSON) and taza doctor', async () => {
    const env = { ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' };
    const text = await taza(['check', url, '--keywords', 'bitcoin'], env);
    expect(text.code).toBe(0);
    shown(text.stdout);
    const json = await taza(['check', '--json', url], env);
    shown(json.stdout);
    const [report] = jsonLines<{ feed: { title: string } }>(json.stdout);
    shown(report!.feed.title);

    const config = join(dir, 'taza.config.json');
    writeFileSync(config, JSON.stringify({ subscriptions: [{ feed: url, keywords: 'bitcoin', to: 'console' }] }));
    const doctor = await taza(['doctor'], { ...env, DATA_DIR: join(dir, 'data'), TAZA_CONFIG: config });
    expect(doctor.stdout).toContain(`✓ feed ${url}: 200, json`);
    shown(doctor.stdout);
  });
});
