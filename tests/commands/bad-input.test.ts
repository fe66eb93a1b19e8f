/**
 * Every kind of bad input on both platforms: each gets a clear, specific reply (privately on Discord), nothing is
 * saved, and nothing is logged as an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testItem } from '../support/feed-server.js';
import { slash, type SlashValue } from '../support/discord-user.js';
import { ADMIN_USER, GROUP, GUILD_A, OTHER_GROUP, startHarness, type Harness } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

const QUOTA = 3;

describe('bad input on Discord and Telegram', () => {
  let h: Harness;
  let feedUrl: string;
  const admin = { chat: GROUP, from: ADMIN_USER };

  async function both(
    discord: [string, Record<string, SlashValue>],
    telegram: string,
  ): Promise<{ discord: string; telegram: string }> {
    const d = await slash(h.discord, discord[0], discord[1]);
    expect(d.ephemeral, `${discord[0]} error must be private`).toBe(true);
    const t = await tgCommand(h.telegram, telegram, admin);
    return { discord: d.content, telegram: t.text };
  }

  /** Both replies start with ✗ and contain `expected` (Discord markup and Telegram HTML alike). */
  function expectRefusal(answers: { discord: string; telegram: string }, expected: RegExp): void {
    expect(answers.discord).toMatch(/^✗ /);
    expect(answers.telegram).toMatch(/^✗ /);
    expect(answers.discord).toMatch(expected);
    expect(answers.telegram.replace(/<\/?code>/g, '`')).toMatch(expected);
  }

  beforeAll(async () => {
    h = await startHarness({ quota: QUOTA, fetchTimeoutMs: 400 });
    h.feedServer.setItems('news', [testItem(1, 'Bitcoin rises')]);
    feedUrl = h.feedServer.url('news');
  });
  afterAll(() => h.close());

  it('an unknown command', async () => {
    const discord = await slash(h.discord, 'frobnicate', {});
    expect(discord).toMatchObject({
      ephemeral: true,
      content: '✗ Taza has no command /frobnicate (any more). Send /help for the list.',
    });
    const telegram = await tgCommand(h.telegram, '/frobnicate now', { chat: ADMIN_USER });
    expect(telegram.text).toBe('✗ There is no command /frobnicate. Send /help for the list.');
  });

  it('missing arguments', async () => {
    const answers = await both(['subscribe', { feed: feedUrl }], '/subscribe');
    expect(answers.discord).toBe(
      '✗ /subscribe needs `keywords`: What to look for, e.g. bitcoin, crypto council, بٹ کوائن -etf.',
    );
    expect(answers.telegram).toBe(
      '✗ /subscribe needs <code>feed</code>: Feed URL, site URL, preset (e.g. bbc-urdu) or news:&lt;search&gt; [lang:ur].',
    );
    expect((await tgCommand(h.telegram, `/subscribe ${feedUrl}`, admin)).text).toContain(
      '✗ /subscribe needs <code>keywords</code>',
    );
  });

  it('extra arguments and unknown options', async () => {
    const answers = await both(['list', { verbose: 'yes' }], '/pause abc123 now');
    expect(answers.discord).toBe('✗ /list has no option `verbose` (its options: none).');
    expect(answers.telegram).toBe(
      '✗ Too many arguments for /pause: <code>now</code> is not expected. Send /help pause for its usage.',
    );
  });

  it('a value that is too long', async () => {
    const long = 'bitcoin '.repeat(80).trim();
    expectRefusal(
      await both(['subscribe', { feed: feedUrl, keywords: long }], `/subscribe ${feedUrl} ${long}`),
      /`keywords` is too long: 639 characters \(the limit is 500\)/,
    );
  });

  it('a URL that is not http or https', async () => {
    expectRefusal(
      await both(
        ['subscribe', { feed: 'ftp://example.org/feed.xml', keywords: 'bitcoin' }],
        '/subscribe ftp://example.org/feed.xml bitcoin',
      ),
      /`ftp:\/\/example.org\/feed.xml` is a ftp: address; Taza only reads feeds over http:\/\/ or https:\/\//,
    );
  });

  it('a private network address', async () => {
    expectRefusal(
      await both(
        ['subscribe', { feed: 'http://10.1.2.3/feed.xml', keywords: 'bitcoin' }],
        '/subscribe http://10.1.2.3/feed.xml bitcoin',
      ),
      /points to a private or local network address, which Taza does not fetch/,
    );
  });

  it('a URL that is an HTML page without a feed, an image, or a 404', async () => {
    const page = h.web.url('/plain.html');
    expectRefusal(
      await both(['subscribe', { feed: page, keywords: 'bitcoin' }], `/subscribe ${page} bitcoin`),
      /is a web page \(HTML\), not a feed, and the page does not link to a feed/,
    );
    const image = h.web.url('/image.png');
    expectRefusal(
      await both(['preview', { feed: image }], `/preview ${image}`),
      /is an image \(image\/png\), not a feed/,
    );
    const missing = h.web.url('/gone.xml');
    expectRefusal(
      await both(['subscribe', { feed: missing, keywords: 'bitcoin' }], `/subscribe ${missing} bitcoin`),
      /answered 404 Not Found: there is no feed at this address/,
    );
  });

  it('a feed that times out', async () => {
    const hang = h.web.url('/hang');
    expectRefusal(
      await both(['subscribe', { feed: hang, keywords: 'bitcoin' }], `/subscribe ${hang} bitcoin`),
      /did not answer in time/,
    );
  });

  it("a malformed query gets the matcher's message", async () => {
    expectRefusal(
      await both(['subscribe', { feed: feedUrl, keywords: '(bitcoin' }], `/subscribe ${feedUrl} (bitcoin`),
      /The keywords `\(bitcoin` cannot be read: unclosed parenthesis at position 1/,
    );
    expectRefusal(
      await both(
        ['preview', { feed: feedUrl, keywords: 'bitcoin "spot etf' }],
        `/preview ${feedUrl} bitcoin "spot etf`,
      ),
      /unclosed quote at position 9/,
    );
  });

  it('a duplicate subscription', async () => {
    await both(['subscribe', { feed: feedUrl, keywords: 'bitcoin' }], `/subscribe ${feedUrl} bitcoin`);
    const discordId = h.subscriptions.byScope(GUILD_A)[0]!.id;
    const telegramId = h.subscriptions.byScope(String(GROUP))[0]!.id;
    const answers = await both(
      ['subscribe', { feed: feedUrl, keywords: '  Bitcoin ' }],
      `/subscribe ${feedUrl} Bitcoin`,
    );
    expect(answers.discord).toBe(
      `✗ This is already subscribed here as \`${discordId}\` (same feed, same keywords). Use /edit to change its keywords.`,
    );
    expect(answers.telegram).toContain(`already subscribed here as <code>${telegramId}</code>`);
  });

  it('more than the quota', async () => {
    for (const keywords of ['ether', 'solana'])
      await both(['subscribe', { feed: feedUrl, keywords }], `/subscribe ${feedUrl} ${keywords}`);
    const answers = await both(
      ['subscribe', { feed: feedUrl, keywords: 'dogecoin' }],
      `/subscribe ${feedUrl} dogecoin`,
    );
    expect(answers.discord).toBe(
      `✗ this server already has ${QUOTA} subscriptions; the limit is ${QUOTA}. Remove some with /unsubscribe first.`,
    );
    expect(answers.telegram).toBe(
      `✗ this chat already has ${QUOTA} subscriptions; the limit is ${QUOTA}. Remove some with /unsubscribe first.`,
    );
  });

  it('an unknown id, and an id from another server or chat', async () => {
    expectRefusal(
      await both(['pause', { id: 'zzzzzz' }], '/pause zzzzzz'),
      /There is no subscription `zzzzzz`\. Send \/list to see the ids of this (server|chat)\./,
    );
    const discordId = h.subscriptions.byScope(GUILD_A)[0]!.id;
    const fromB = await slash(h.discord, 'unsubscribe', { id: discordId }, { guild: 'B' });
    expect(fromB).toMatchObject({
      ephemeral: true,
      content: `✗ Subscription \`${discordId}\` belongs to another server or chat, so it cannot be changed from this server.`,
    });
    const telegramId = h.subscriptions.byScope(String(GROUP))[0]!.id;
    const fromOther = await tgCommand(h.telegram, `/edit ${telegramId} cricket`, {
      chat: OTHER_GROUP,
      from: ADMIN_USER,
    });
    expect(fromOther.text).toBe(
      `✗ Subscription <code>${telegramId}</code> belongs to another server or chat, so it cannot be changed from this chat.`,
    );
    expect(h.subscriptions.get(discordId)).toBeDefined();
    expect(h.subscriptions.get(telegramId)!.query).toBe('bitcoin');
  });

  it('changed nothing through all of the above and logged none of it as an error', () => {
    expect(
      h.subscriptions
        .byScope(GUILD_A)
        .map((s) => s.query)
        .sort(),
    ).toEqual(['bitcoin', 'ether', 'solana']);
    expect(
      h.subscriptions
        .byScope(String(GROUP))
        .map((s) => s.query)
        .sort(),
    ).toEqual(['bitcoin', 'ether', 'solana']);
    expect(h.feeds.all().map((f) => f.url)).toEqual([feedUrl]);
    expect(h.logs.lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(h.logs.lines.filter((line) => line.event === 'command.refused').length).toBeGreaterThan(20);
  });
});
