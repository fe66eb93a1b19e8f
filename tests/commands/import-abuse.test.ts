/**
 * /import of hostile or oversized files: a DOCTYPE or an external entity is the user's file, answered clearly and
 * never logged as an error; the caps on outlines and bytes; every fetch of an import through the poller's host
 * limiter; and one report message, edited as the import goes on, instead of hundreds of replies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testItem } from '../support/feed-server.js';
import { slash } from '../support/discord-user.js';
import { ADMIN_USER, GROUP, GUILD_B, OTHER_GROUP, startHarness, type Harness } from '../support/harness.js';
import { LEVEL } from '../support/logger.js';
import { tgCommand } from '../support/telegram-user.js';

const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><head><title>x</title></head><body><outline type="rss" text="&secret;" xmlUrl="https://example.org/feed.xml"/></body></opml>`;
const PLAIN_DOCTYPE = `<?xml version="1.0"?>
<!DOCTYPE opml>
<opml version="2.0"><head><title>x</title></head><body><outline type="rss" text="x" xmlUrl="https://example.org/feed.xml"/></body></opml>`;

const GAP_MS = 400;

function opmlOf(urls: readonly string[]): string {
  const outlines = urls.map((url, n) => `<outline type="rss" text="Feed ${n}" xmlUrl="${url}"/>`).join('\n');
  return `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>\n${outlines}\n</body></opml>`;
}

describe('import: hostile and oversized files', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ perHostGapMs: GAP_MS });
    h.feedServer.setItems('good-d', [testItem(1, 'Good story')]);
    h.feedServer.setItems('good-t', [testItem(2, 'Good story')]);
  });
  afterAll(() => h.close());

  function errorLines() {
    return h.logs.lines.filter((line) => Number(line.level) >= LEVEL.error);
  }

  it('an external entity (Telegram) and a DOCTYPE (Discord): a clear refusal, nothing saved, no error log', async () => {
    const document = h.telegram.addFile('evil.opml', EXTERNAL_ENTITY);
    const telegram = await tgCommand(h.telegram, '/import', {
      chat: GROUP,
      from: ADMIN_USER,
      document: { ...document, file_name: 'evil.opml' },
    });
    expect(telegram.text).toBe(
      '✗ <code>evil.opml</code> cannot be imported: it declares a DOCTYPE, which Taza does not read (OPML needs none). ' +
        'Export the file again without one, or delete its &lt;!DOCTYPE …&gt; part.',
    );

    const url = h.web.addFile('doctype.opml', PLAIN_DOCTYPE);
    const discord = await slash(h.discord, 'import', {
      file: { attachment: { url, filename: 'doctype.opml', size: PLAIN_DOCTYPE.length } },
    });
    expect(discord.ephemeral).toBe(true);
    expect(discord.content).toContain('✗ `doctype.opml` cannot be imported: it declares a DOCTYPE');
    expect(discord.content).not.toContain('Something went wrong');
    expect(h.subscriptions.all()).toEqual([]);
    expect(errorLines()).toEqual([]);
  });

  /** The feed server's requests from `since` on: one at a time, at least the gap apart (the host limiter's pace). */
  function expectPaced(since: number, expected: number) {
    const requests = h.feedServer.requests.filter((r) => r.at >= since);
    expect(requests).toHaveLength(expected);
    expect(new Set(requests.map((r) => r.host)).size).toBe(1);
    for (let i = 1; i < requests.length; i++)
      // Measured on arrival, so a first request that opened its connection arrives a little late: 10% slack.
      expect(requests[i]!.at - requests[i - 1]!.at, `request ${i}`).toBeGreaterThanOrEqual(GAP_MS * 0.9);
  }

  it('Discord: fetches at the per-host pace, in one reply edited with progress, then the summary', async () => {
    const urls = [
      ...Array.from({ length: 6 }, (_, n) => h.feedServer.url(`missing-d${n}`)),
      h.feedServer.url('good-d'),
    ];
    const opml = opmlOf(urls);
    const url = h.web.addFile('paced-d.opml', opml);
    const since = performance.timeOrigin + performance.now();
    const answer = await slash(
      h.discord,
      'import',
      { file: { attachment: { url, filename: 'paced-d.opml', size: opml.length } } },
      { guild: 'B' },
    );
    expectPaced(since, 7);
    expect(answer.content).toMatch(/^Imported 1 of 7 feeds into this server/);
    expect(answer.content).toContain('Refused (6):');
    expect(h.subscriptions.byScope(GUILD_B)).toHaveLength(1);
    // One message: the deferral, edits of it (progress, at most one per 2 s, then the summary), no follow-ups.
    const kinds = answer.replies.map((r) => r.kind);
    expect(kinds[0]).toBe('callback');
    expect(kinds.slice(1).every((k) => k === 'edit')).toBe(true);
    const edits = answer.replies.slice(1).map((r) => String(r.body.content));
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.length).toBeLessThanOrEqual(3);
    expect(edits.slice(0, -1).every((text) => text.startsWith('⏳ Importing `paced-d.opml`: '))).toBe(true);
    expect(edits[0]).toMatch(/checked \(0 added, \d refused\)…$/);
  });

  it('Telegram: the same pace, one message ("working", then edited), no other message', async () => {
    const urls = [
      ...Array.from({ length: 6 }, (_, n) => h.feedServer.url(`missing-t${n}`)),
      h.feedServer.url('good-t'),
    ];
    const document = h.telegram.addFile('paced-t.opml', opmlOf(urls));
    const since = performance.timeOrigin + performance.now();
    const answer = await tgCommand(h.telegram, '/import', {
      chat: OTHER_GROUP,
      from: ADMIN_USER,
      document: { ...document, file_name: 'paced-t.opml' },
    });
    expectPaced(since, 7);
    expect(answer.text).toMatch(/^Imported 1 of 7 feeds into this chat/);
    const sent = answer.requests.filter((r) => r.method === 'sendMessage');
    expect(sent.map((r) => String(r.params.text))).toEqual(['⏳ Working on it…']);
    const edits = answer.requests.filter((r) => r.method === 'editMessageText').map((r) => String(r.params.text));
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits[0]).toMatch(/^⏳ Importing <code>paced-t.opml<\/code>: /);
    expect(h.telegram.messages(OTHER_GROUP)).toHaveLength(1);
  });

  it('refuses more than 500 feeds, and more than 1 MB, before fetching anything', async () => {
    const since = performance.timeOrigin + performance.now();
    const urls = Array.from({ length: 10_000 }, (_, n) => `https://feeds${n % 50}.example/${n}.xml`);
    const document = h.telegram.addFile('big.opml', opmlOf(urls));
    const big = await tgCommand(h.telegram, '/import', {
      chat: GROUP,
      from: ADMIN_USER,
      document: { ...document, file_name: 'big.opml' },
    });
    expect(big.text).toBe(
      '✗ <code>big.opml</code> has 10,000 feeds; Taza imports at most 500 at a time. ' +
        'Split the file and import the parts one after another.',
    );
    const url = h.web.addFile('huge.opml', 'x'.repeat(10));
    const huge = await slash(h.discord, 'import', {
      file: { attachment: { url, filename: 'huge.opml', size: 1100 * 1024 } },
    });
    expect(huge.content).toBe('✗ `huge.opml` is 1,100 KB; Taza imports OPML files of at most 1 MB.');
    expect(h.feedServer.requests.filter((r) => r.at >= since)).toEqual([]);
    expect(h.subscriptions.byScope(String(GROUP))).toEqual([]);
    expect(errorLines()).toEqual([]);
  });

  it('500 refused feeds: the summary is still one message', async () => {
    const opml = opmlOf(Array.from({ length: 500 }, (_, n) => `ftp://files.example/${n}.xml`));
    const url = h.web.addFile('ftp.opml', opml);
    const answer = await slash(h.discord, 'import', {
      file: { attachment: { url, filename: 'ftp.opml', size: opml.length } },
    });
    expect(answer.replies.map((r) => r.kind)).toEqual(['callback', 'edit']);
    expect(answer.content.length).toBeLessThanOrEqual(2000);
    expect(answer.content).toMatch(/^Imported 0 of 500 feeds into this server/);
    expect(answer.content).toContain('Refused (500):');
    expect(answer.content).toMatch(/… and 4\d\d more$/);
  });
});
