import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeedServer, testItem, type FeedServer } from '../support/feed-server.js';
import { localRunEnv, runTaza, type TazaProcess } from '../support/taza-process.js';

describe('taza run, end to end (real process, console sink)', () => {
  let server: FeedServer;
  let dir: string;
  let taza: TazaProcess | undefined;
  beforeEach(async () => {
    server = await startFeedServer();
    dir = mkdtempSync(join(tmpdir(), 'taza-e2e-'));
  });
  afterEach(async () => {
    await taza?.stop('SIGKILL');
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('alerts a newly published matching item exactly once, survives a restart without repeating', async () => {
    server.setItems('news', [testItem(1, 'Bitcoin was mentioned yesterday'), testItem(2, 'Cricket scores')]);
    const env = localRunEnv(dir, [
      { feed: server.url('news'), keywords: 'bitcoin, crypto council', to: 'console' },
      { feed: 'not a url' },
    ]);
    const isSent = (e: Record<string, unknown>) => e.event === 'alert.sent';
    const isCheck = (e: Record<string, unknown>) => e.event === 'feed.checked';

    taza = runTaza(['run'], env);
    const invalid = await taza.waitForEvent((e) => e.event === 'config.subscription-invalid');
    expect(invalid.msg).toMatch(/subscriptions\[1\]: "feed" must be an http\(s\) URL/);
    await taza.waitForEvent((e) => e.event === 'feed.baseline');
    server.publish('news', testItem(3, 'Pakistan forms a Crypto Council'));
    server.publish('news', testItem(4, 'Rain expected in Lahore'));
    const sent = await taza.waitForEvent(isSent);
    expect(sent).toMatchObject({
      destination: 'console',
      feedUrl: server.url('news'),
      itemLink: 'https://news.example/3',
      matchedTerms: ['crypto council'],
    });
    const checksAfterAlert = taza.events.filter(isCheck).length;
    await taza.waitForEvents(isCheck, checksAfterAlert + 2);
    expect(taza.events.filter(isSent)).toHaveLength(1);
    expect(taza.stdout.join('\n')).toContain('Pakistan forms a Crypto Council');
    expect(taza.stdout.join('\n')).not.toContain('Rain expected');
    expect(await taza.stop('SIGTERM')).toBe(0);
    expect(taza.events.some((e) => e.event === 'app.stopped')).toBe(true);

    taza = runTaza(['run'], env);
    await taza.waitForEvents(isCheck, 3);
    expect(taza.events.filter(isSent)).toHaveLength(0);
    expect(await taza.stop('SIGTERM')).toBe(0);
  });

  it('stops with exit code 2 and one clear line for a bad setting', async () => {
    taza = runTaza(['run'], { DATA_DIR: join(dir, 'data'), POLL_INTERVAL: 'sometimes' });
    const code = await new Promise<number | null>((resolve) => taza!.child.once('exit', resolve));
    expect(code).toBe(2);
    expect(taza.stderrText).toEqual([
      'taza: POLL_INTERVAL="sometimes" is not valid: expected a duration such as 30s, 5m, 1h or a number of seconds',
    ]);
  });
});
