/**
 * Export → import into another server or chat reproduces the same subscriptions (feed, keywords, paused), on
 * Discord (an attachment) and Telegram (a document); an import reports what it added and what it refused, and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '../../src/core/records.js';
import { testItem } from '../support/feed-server.js';
import { slash } from '../support/discord-user.js';
import {
  ADMIN_USER,
  CHANNEL_B,
  GROUP,
  GUILD_A,
  GUILD_B,
  OTHER_GROUP,
  startHarness,
  type Harness,
} from '../support/harness.js';
import { tgCommand } from '../support/telegram-user.js';

function shape(h: Harness, subscriptions: Subscription[]) {
  return subscriptions
    .map((s) => ({ url: h.feeds.get(s.feedId)!.url, query: s.query, paused: s.paused !== undefined }))
    .sort((a, b) => a.query.localeCompare(b.query));
}

describe('export and import', () => {
  let h: Harness;
  const uploads: Array<{ name: string; data: Buffer }> = [];
  const uploadWaiters = new Set<() => void>();
  /** discord.js reports its request after the fake has answered it: wait for that report. */
  const upload = (name: string) =>
    new Promise<{ name: string; data: Buffer }>((resolve) => {
      const check = () => {
        const found = uploads.find((u) => u.name === name);
        if (found) {
          uploadWaiters.delete(check);
          resolve(found);
        }
      };
      uploadWaiters.add(check);
      check();
    });
  beforeAll(async () => {
    h = await startHarness();
    h.feedServer.setItems('one', [testItem(1, 'Bitcoin news')]);
    h.feedServer.setItems('two', [testItem(2, 'کرپٹو کونسل کا اجلاس')]);
    // What discord.js uploaded (the fake keeps the reply's JSON, not its files).
    h.discordSink.client.rest.on('response', (request) => {
      for (const file of request.data.files ?? [])
        uploads.push({ name: file.name, data: Buffer.from(file.data as Buffer) });
      for (const waiter of uploadWaiters) waiter();
    });
  });
  afterAll(() => h.close());

  it('Discord: export from one server, import into another, the same subscriptions', async () => {
    await slash(h.discord, 'subscribe', { feed: h.feedServer.url('one'), keywords: 'bitcoin -etf' });
    await slash(h.discord, 'subscribe', { feed: h.feedServer.url('two'), keywords: 'کرپٹو کونسل, "crypto council"' });
    const paused = h.subscriptions.byScope(GUILD_A).find((s) => s.query === 'bitcoin -etf')!;
    await slash(h.discord, 'pause', { id: paused.id });

    const exported = await slash(h.discord, 'export', {});
    expect(exported).toMatchObject({ ephemeral: true });
    expect(exported.content).toContain('✓ 2 subscriptions exported');
    const file = await upload(`taza-discord-${GUILD_A}.opml`);
    expect(file.data.toString('utf8')).toContain('taza:keywords="کرپٹو کونسل, &quot;crypto council&quot;"');

    const url = h.web.addFile('export.opml', file.data);
    const imported = await slash(
      h.discord,
      'import',
      { file: { attachment: { url, filename: 'export.opml', size: file.data.length } } },
      { guild: 'B' },
    );
    expect(imported.deferred).toBe(true);
    expect(imported.content).toContain(`Imported 2 of 2 feeds into this server, posting to <#${CHANNEL_B}>.`);
    expect(shape(h, h.subscriptions.byScope(GUILD_B))).toEqual(shape(h, h.subscriptions.byScope(GUILD_A)));
    expect(shape(h, h.subscriptions.byScope(GUILD_B))).toContainEqual({
      url: h.feedServer.url('one'),
      query: 'bitcoin -etf',
      paused: true,
    });
  });

  it('Telegram: export from one group as a document, import by replying to it in another group', async () => {
    const admin = { chat: GROUP, from: ADMIN_USER };
    await tgCommand(h.telegram, `/subscribe ${h.feedServer.url('one')} bitcoin`, admin);
    await tgCommand(h.telegram, `/subscribe ${h.feedServer.url('two')} کرپٹو کونسل`, admin);
    await tgCommand(h.telegram, '/export', admin);
    const sent = await h.telegram.waitFor((r) => r.method === 'sendDocument' && r.status === 200);
    const document = h.telegram.messages(GROUP).find((m) => m.document)!.document!;
    expect(String(sent.params.chat_id)).toBe(String(GROUP));

    const replyTo = {
      file_id: document.file_id,
      file_unique_id: 'u1',
      file_name: document.file_name ?? 'x.opml',
      file_size: 100,
    };
    const imported = await tgCommand(h.telegram, '/import', {
      chat: OTHER_GROUP,
      from: ADMIN_USER,
      replyToDocument: replyTo,
    });
    expect(imported.text).toContain('Imported 2 of 2 feeds into this chat, posting to this chat.');
    expect(shape(h, h.subscriptions.byScope(String(OTHER_GROUP)))).toEqual(
      shape(h, h.subscriptions.byScope(String(GROUP))),
    );
    expect(h.subscriptions.byScope(String(OTHER_GROUP)).every((s) => s.destination.id === String(OTHER_GROUP))).toBe(
      true,
    );
  });

  it('reports what an import added and what it refused, and why', async () => {
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>Mixed</title></head><body>
      <outline text="Folder">
        <outline type="rss" text="Three" xmlUrl="${h.feedServer.url('three')}"/>
        <outline type="rss" text="Missing" xmlUrl="${h.web.url('/missing.xml')}"/>
      </outline>
      <outline type="rss" text="FTP" xmlUrl="ftp://example.org/feed.xml"/>
      <outline type="rss" text="One again" xmlUrl="${h.feedServer.url('one')}" xmlns:taza="x" taza:keywords="bitcoin"/>
    </body></opml>`;
    h.feedServer.setItems('three', [testItem(3, 'Anything')]);
    const document = h.telegram.addFile('mixed.opml', opml);
    const answer = await tgCommand(h.telegram, '/import', {
      chat: GROUP,
      from: ADMIN_USER,
      document: { ...document, file_name: 'mixed.opml' },
    });
    expect(answer.text).toContain('Imported 1 of 4 feeds into this chat, posting to this chat.');
    expect(answer.text).toContain(
      `✓ <code>${h.subscriptions.byScope(String(GROUP)).find((s) => h.feeds.get(s.feedId)!.url === h.feedServer.url('three'))!.id}</code>`,
    );
    expect(answer.text).toContain('answered 404 Not Found');
    expect(answer.text).toContain('is a ftp: address');
    expect(answer.text).toContain('already subscribed here');
  });

  it('refuses a file that is not OPML and an import without a file, changing nothing', async () => {
    const before = h.subscriptions.all().length;
    const bad = h.telegram.addFile('notes.txt', 'just some notes');
    const notXml = await tgCommand(h.telegram, '/import', {
      chat: GROUP,
      from: ADMIN_USER,
      document: { ...bad, file_name: 'notes.txt' },
    });
    expect(notXml.text).toMatch(/^✗ <code>notes.txt<\/code> cannot be imported: /);
    const none = await tgCommand(h.telegram, '/import', { chat: GROUP, from: ADMIN_USER });
    expect(none.text).toBe('✗ /import needs <code>file</code>: The OPML file.');
    expect(h.subscriptions.all().length).toBe(before);
  });

  it('carries the alert options: export writes taza:* attributes, import into another server restores them', async () => {
    h.feedServer.setItems('styled', [testItem(9, 'Bitcoin styled')]);
    const style = { template: '{title}\n{summary:200}\n{link}', mention: 'role:300000000000000123', silent: true };
    await slash(h.discord, 'subscribe', {
      feed: h.feedServer.url('styled'),
      keywords: 'styled',
      template: style.template,
      mention: style.mention,
      silent: true,
      images: false,
      forum_tags: 'Crypto, Urdu',
    });
    uploads.length = 0;
    await slash(h.discord, 'export', {});
    const file = await upload(`taza-discord-${GUILD_A}.opml`);
    const opml = file.data.toString('utf8');
    expect(opml).toContain('taza:template="{title}&#10;{summary:200}&#10;{link}"');
    expect(opml).toContain('taza:forumTags="Crypto,Urdu"');
    const url = h.web.addFile('styled.opml', file.data);
    await slash(
      h.discord,
      'import',
      { file: { attachment: { url, filename: 'styled.opml', size: file.data.length } } },
      { guild: 'B' },
    );
    const imported = h.subscriptions.byScope(GUILD_B).find((s) => s.query === 'styled');
    expect(imported).toMatchObject({ ...style, images: false, forumTags: ['Crypto', 'Urdu'] });
    expect(imported).not.toHaveProperty('edits');
  });
});
