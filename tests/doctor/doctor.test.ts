/** `taza doctor` as a real process against the local Discord and Telegram fakes and a local feed server. */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { startRedis } from '../support/servers/redis.js';
import { runTaza } from '../support/taza-process.js';

const GUILD = '1300000000000000001';
const NEWS_CHANNEL = '1300000000000000002';
const GROUP = '-1001000000001';
const CHANNEL = '-1001000000002';

/** A port with nothing listening on it: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('taza doctor', () => {
  let discord: FakeDiscord;
  let telegram: FakeTelegram;
  let feeds: FeedServer;
  let dir: string;
  beforeAll(async () => {
    discord = await startFakeDiscord({
      guilds: [{ id: GUILD, name: 'Newsroom', channels: [{ id: NEWS_CHANNEL, name: 'news' }] }],
    });
    telegram = await startFakeTelegram({
      chats: [
        { id: GROUP, type: 'supergroup', title: 'Crypto watchers' },
        { id: CHANNEL, type: 'channel', title: 'Taza alerts', admins: [] },
      ],
    });
    feeds = await startFeedServer();
    feeds.setItems('news', [testItem(1, 'Pakistan forms a Crypto Council')]);
  });
  afterAll(async () => {
    await Promise.all([discord.close(), telegram.close(), feeds.close()]);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'taza-doctor-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function doctor(subscriptions: Array<{ feed: string; to: string }>, env: Record<string, string> = {}) {
    const configFile = join(dir, 'taza.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ subscriptions: subscriptions.map((s) => ({ ...s, keywords: 'bitcoin' })) }),
    );
    const taza = runTaza(['doctor'], {
      DATA_DIR: join(dir, 'data'),
      TAZA_CONFIG: configFile,
      ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      DISCORD_TOKEN: discord.token,
      DISCORD_API_BASE: discord.apiBase,
      TELEGRAM_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      ...env,
    });
    const [code] = (await once(taza.child, 'exit')) as [number | null];
    // Output is read line by line: let the last lines arrive before asserting.
    if (!taza.child.stdout!.readableEnded) await once(taza.child.stdout!, 'end');
    const out = taza.stdout.join('\n');
    expect(out).not.toContain(discord.token);
    expect(out).not.toContain(telegram.token);
    expect(out).not.toContain(telegram.token.split(':')[1]!);
    return {
      code,
      lines: taza.stdout,
      line: (prefix: string) => taza.stdout.find((l) => l.includes(prefix)) ?? `(no line with "${prefix}" in:\n${out})`,
    };
  }

  it('passes against working platforms, destinations and feeds', async () => {
    const { code, lines, line } = await doctor([
      { feed: feeds.url('news'), to: `discord:${NEWS_CHANNEL}` },
      { feed: feeds.url('news'), to: `telegram:${GROUP}` },
    ]);
    expect(lines.filter((l) => l.startsWith('✗'))).toEqual([]);
    expect(code).toBe(0);
    expect(line('configuration')).toBe('✓ configuration: valid; platforms: Discord, Telegram');
    expect(line('store:')).toMatch(/^✓ store: .*taza\.sqlite answers \(0 feeds, 0 subscriptions, 0 alerts pending\)$/);
    expect(line('Discord gateway')).toMatch(/^✓ Discord gateway: reachable/);
    expect(line('Discord bot')).toContain(
      `✓ Discord bot: Taza (id ${discord.botUser.id}); invite link: https://discord.com/oauth2/authorize?client_id=${discord.botUser.id}&scope=bot+applications.commands&permissions=19456`,
    );
    expect(line(`Discord channel ${NEWS_CHANNEL}`)).toMatch(/^✓ Discord channel \d+: #news/);
    expect(line('Telegram bot')).toBe(`✓ Telegram bot: @taza_test_bot (id ${telegram.botUser.id})`);
    expect(line(`Telegram chat ${GROUP}`)).toBe(
      `✓ Telegram chat ${GROUP}: "Crypto watchers" (supergroup): the bot can post (member)`,
    );
    expect(line('feed ')).toBe(`✓ feed ${feeds.url('news')}: 200, rss, 1 item ("Test feed news")`);
    expect(lines.at(-1)).toBe('All checks passed.');
  });

  it('names a rejected token and says where to get a new one', async () => {
    const { code, line } = await doctor([{ feed: feeds.url('news'), to: `telegram:${GROUP}` }], {
      DISCORD_TOKEN: 'MTEwMDAwMDAwMDAwMDAwMDAwMg.Wrong.not-the-fake-discord-token',
      TELEGRAM_TOKEN: '7000000009:AAWrongTokenForTheFakeTelegram_000000',
    });
    expect(code).toBe(1);
    expect(line('Discord token')).toBe(
      '✗ Discord token: Discord rejected DISCORD_TOKEN (401 Unauthorized) → Developer Portal → your application → Bot → Reset Token, and put the new token in DISCORD_TOKEN',
    );
    expect(line('Telegram token')).toMatch(
      /^✗ Telegram token: Telegram rejected TELEGRAM_TOKEN \(401 Unauthorized\) → in Telegram, ask @BotFather/,
    );
  });

  it('fails with a useful line for an unreachable feed and a missing feed', async () => {
    const port = await closedPort();
    const down = `http://127.0.0.1:${port}/feed.xml`;
    const { code, line } = await doctor([
      { feed: down, to: 'console' },
      { feed: feeds.url('missing'), to: 'console' },
    ]);
    expect(code).toBe(1);
    expect(line(`feed ${down}`)).toMatch(
      new RegExp(`^✗ feed ${down.replace(/[.?]/g, '\\$&')}: .*ECONNREFUSED.* → the server could not be reached`),
    );
    expect(line(`feed ${feeds.url('missing')}`)).toMatch(
      /^✗ feed .*missing\.xml: .*404.* → the server refused the request/,
    );
  });

  it('says which setting allows a feed on a private address', async () => {
    const blocked = await doctor([{ feed: feeds.url('news'), to: 'console' }], { ALLOW_PRIVATE_NETWORKS: 'false' });
    expect(blocked.code).toBe(1);
    expect(blocked.line('feed ')).toMatch(
      /^✗ feed .*news\.xml: .* → the feed is on a private or local address: set ALLOW_PRIVATE_NETWORKS/,
    );
  });

  it('fails for a channel or chat the bot cannot post to, saying how to fix it', async () => {
    const hidden = '1300000000000000009';
    const gone = '1300000000000000003';
    const noAccess = discord.inject(`GET /channels/${hidden}`, { type: 'missing-access' });
    try {
      const { code, line } = await doctor([
        { feed: feeds.url('news'), to: `discord:${hidden}` },
        { feed: feeds.url('news'), to: `discord:${gone}` },
        { feed: feeds.url('news'), to: `telegram:${CHANNEL}` },
        { feed: feeds.url('news'), to: 'telegram:-1009999999999' },
      ]);
      expect(code).toBe(1);
      expect(line(`Discord channel ${hidden}`)).toMatch(
        /^✗ Discord channel \d+: the bot cannot see this channel \(Missing Access\) → invite the bot with https:\/\/discord\.com\/oauth2\/authorize\?client_id=\d+&scope=bot\+applications\.commands&permissions=19456 and allow View Channel, Send Messages and Embed Links/,
      );
      expect(line(`Discord channel ${gone}`)).toMatch(
        /^✗ Discord channel \d+: Unknown Channel: it was deleted or the id is wrong → copy the id again/,
      );
      expect(line(`Telegram chat ${CHANNEL}`)).toBe(
        `✗ Telegram chat ${CHANNEL}: the bot is not an administrator of the channel "Taza alerts" (channel), so it cannot post → add @taza_test_bot to the group, or make it an administrator of the channel with "Post Messages"; a group or channel id looks like -1001234567890`,
      );
      expect(line('Telegram chat -1009999999999')).toMatch(
        /^✗ Telegram chat -1009999999999: the bot cannot reach this chat \(Bad Request: chat not found\) → add @taza_test_bot/,
      );
    } finally {
      noAccess.remove();
    }
  });

  it('reports a store it cannot open and goes on with the other checks', async () => {
    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, 'x');
    const { code, line, lines } = await doctor([{ feed: feeds.url('news'), to: 'console' }], {
      DATA_DIR: join(notADirectory, 'data'),
    });
    expect(code).toBe(1);
    expect(line('store:')).toMatch(
      /^✗ store: .*ENOTDIR.* → check STORE_URL, and that DATA_DIR \(.*\) exists and this user can write to it$/,
    );
    expect(line('feed ')).toMatch(/^✓ feed /);
    expect(lines.at(-1)).toBe('1 check failed.');
  });

  it('reports the truth about a Redis store: it answers while running, and why not once stopped', async () => {
    const redis = await startRedis();
    try {
      const up = await doctor([{ feed: feeds.url('news'), to: 'console' }], { STORE_URL: redis.url });
      expect(up.line('store:')).toMatch(/^✓ store: redis:\/\/127\.0\.0\.1:\d+ answers \(0 feeds/);
      await redis.stop();
      const down = await doctor([{ feed: feeds.url('news'), to: 'console' }], { STORE_URL: redis.url });
      expect(down.code).toBe(1);
      expect(down.line('store:')).toMatch(
        /^✗ store: STORE_URL=redis:\/\/127\.0\.0\.1:\d+: nothing is listening \(connection refused\)\. Start Redis/,
      );
    } finally {
      await redis.close();
    }
  });

  it('stops at an invalid setting with one line and exit code 1', async () => {
    const { code, lines } = await doctor([], { POLL_INTERVAL: 'often' });
    expect(code).toBe(1);
    expect(lines).toEqual([
      '✗ configuration: POLL_INTERVAL="often" is not valid: expected a duration such as 30s, 5m, 1h or a number of seconds → fix it in .env or the environment (every setting is described in .env.example)',
    ]);
  });
});
