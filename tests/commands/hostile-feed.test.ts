/** /preview of a feed too costly to read answers with the reason, on both platforms, and the app carries on. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_BELOW_BYTES } from '../../src/pipeline/read-feed.js';
import { testItem } from '../support/feed-server.js';
import { slash } from '../support/discord-user.js';
import { ADMIN_USER, GROUP, startHarness, type Harness } from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

describe('a hostile feed through the commands', () => {
  let h: Harness;

  beforeAll(async () => {
    // The app's reader with a tiny time budget: every read in the worker runs past it.
    h = await startHarness({ feedReader: { misbehave: 'spin', timeoutMs: 200 } });
    const big = `<p>${'Plain words about the weather. '.repeat(Math.ceil(INLINE_BELOW_BYTES / 30))}</p>`;
    h.feedServer.setItems('hostile', [testItem(1, 'Bitcoin rises', big)]);
    h.feedServer.setItems('ordinary', [testItem(1, 'Bitcoin rises')]);
  });
  afterAll(async () => {
    await h.close();
  });

  it('/preview answers "feed too complex" with the reason', async () => {
    const url = h.feedServer.url('hostile');
    const discord = await slash(h.discord, 'preview', { feed: url, keywords: 'bitcoin' });
    expect(discord.content).toMatch(/^✗ /);
    expect(discord.content).toContain('cannot be read: feed too complex: reading it took more than 200 ms');
    expect(discord.content).not.toContain('not a feed');
    const telegram = await tgCommand(h.telegram, `/preview ${url} bitcoin`, { chat: GROUP, from: ADMIN_USER });
    expect(telegram.text).toContain('cannot be read: feed too complex: reading it took more than 200 ms');
    // The next command is answered as usual.
    const ordinary = await slash(h.discord, 'preview', { feed: h.feedServer.url('ordinary'), keywords: 'bitcoin' });
    expect(ordinary.content).toContain('Bitcoin rises');
  });
});
