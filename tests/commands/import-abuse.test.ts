/**
 * /import of hostile or oversized files: a DOCTYPE or an external entity is the user's file, answered clearly and
 * never logged as an error; the caps on outlines and bytes; every fetch of an import through the poller's host
 * limiter; and one report message, edited as the import goes on, instead of hundreds of replies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slash } from '../support/discord-user.js';
import { ADMIN_USER, GROUP, startHarness, type Harness } from '../support/harness.js';
import { LEVEL } from '../support/logger.js';
import { tgCommand } from '../support/telegram-user.js';

const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><head><title>x</title></head><body><outline type="rss" text="&secret;" xmlUrl="https://example.org/feed.xml"/></body></opml>`;
const PLAIN_DOCTYPE = `<?xml version="1.0"?>
<!DOCTYPE opml>
<opml version="2.0"><head><title>x</title></head><body><outline type="rss" text="x" xmlUrl="https://example.org/feed.xml"/></body></opml>`;

describe('import: hostile files', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
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
});
