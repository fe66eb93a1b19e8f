/**
 * SIGTERM while an alert is being sent: the process waits for the send to settle, exits 0, and the alert
 * (still pending in the outbox) is delivered exactly once after a restart. This is what `docker stop` does.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { localRunEnv, runTaza, type TazaProcess } from '../support/taza-process.js';

const GROUP = '-1001000000001';

describe('SIGTERM during delivery', () => {
  let server: FeedServer;
  let dir: string;
  let taza: TazaProcess | undefined;
  const fakes: FakeTelegram[] = [];
  beforeEach(async () => {
    server = await startFeedServer();
    dir = mkdtempSync(join(tmpdir(), 'taza-sigterm-'));
  });
  afterEach(async () => {
    await taza?.stop('SIGKILL');
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Two process starts through tsx: allow for a loaded CI machine.
  it('exits 0 and delivers the pending alert after a restart', { timeout: 60_000 }, async () => {
    const first = await startFakeTelegram({ chats: [{ id: GROUP, type: 'supergroup', title: 'Crypto watchers' }] });
    fakes.push(first);
    // The first send never gets an answer: it is in flight when SIGTERM arrives.
    first.inject('sendMessage', { type: 'hang' }, { times: 1 });
    server.setItems('news', [testItem(1, 'Old news')]);
    const local = localRunEnv(dir, [{ feed: server.url('news'), keywords: 'crypto council', to: `telegram:${GROUP}` }]);
    const env = (apiRoot: string) => ({
      ...local,
      TELEGRAM_TOKEN: first.token,
      TELEGRAM_API_ROOT: apiRoot,
    });

    taza = runTaza(['run'], env(first.apiRoot));
    await taza.waitForEvent((e) => e.event === 'feed.baseline');
    server.publish('news', testItem(2, 'Pakistan forms a Crypto Council'));
    await first.waitFor((request) => request.method === 'sendMessage');

    taza.child.kill('SIGTERM');
    await taza.waitForEvent((e) => e.event === 'app.signal');
    // Shutdown is now waiting on the hung send. Telegram going away ends it (as the sink's 15 s timeout would):
    // the send fails as transient and the alert stays pending.
    await first.close();
    const [code] = taza.child.exitCode !== null ? [taza.child.exitCode] : await once(taza.child, 'exit');
    expect(code).toBe(0);
    expect(taza.events.some((e) => e.event === 'app.stopped')).toBe(true);
    expect(taza.events.filter((e) => e.event === 'alert.sent')).toHaveLength(0);
    expect(taza.events.find((e) => e.event === 'alert.retry')).toMatchObject({ destination: `telegram:${GROUP}` });
    const stopEvents = taza.events.map((e) => e.event);
    expect(stopEvents.indexOf('alert.retry')).toBeGreaterThan(stopEvents.indexOf('app.signal'));

    const second = await startFakeTelegram({ chats: [{ id: GROUP, type: 'supergroup', title: 'Crypto watchers' }] });
    fakes.push(second);
    taza = runTaza(['run'], env(second.apiRoot));
    const started = await taza.waitForEvent((e) => e.event === 'app.started');
    expect(started.pending).toBe(1);
    const sent = await taza.waitForEvent((e) => e.event === 'alert.sent');
    expect(sent).toMatchObject({ destination: `telegram:${GROUP}`, itemLink: 'https://news.example/2', attempts: 2 });
    // Later checks find nothing new: the alert went out once.
    const checks = taza.events.filter((e) => e.event === 'feed.checked').length;
    await taza.waitForEvents((e) => e.event === 'feed.checked', checks + 2);
    expect(second.messages(GROUP)).toHaveLength(1);
    expect(second.messages(GROUP)[0]!.text).toContain('Pakistan forms a Crypto Council');
    expect(await taza.stop('SIGTERM')).toBe(0);
  });
});
