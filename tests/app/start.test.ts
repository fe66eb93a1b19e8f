/** Starting the app: what a new user is told when there is nothing to watch yet. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { buildApp, startApp, type App } from '../../src/app/build.js';
import { loadConfig } from '../../src/config/load.js';
import { startFakeTelegram } from '../fakes/telegram.js';
import { captureLogger } from '../support/logger.js';

describe('start-up', () => {
  let dir: string;
  let app: App | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'taza-start-'));
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>) => {
    const logs = captureLogger('info');
    const config = loadConfig({ DATA_DIR: dir, HTTP_PORT: '0', ...env });
    app = await buildApp(config, { logger: logs.logger });
    // Not polling: the subscribed feed is not fetched here.
    await app.start({ polling: false });
    return logs;
  };

  it('with no subscriptions, says where to add them: the subscriptions file or /subscribe', async () => {
    const file = join(dir, 'none.json');
    writeFileSync(file, JSON.stringify({ subscriptions: [] }));
    const logs = await start({ TAZA_CONFIG: file });
    const hint = logs.lines.find((line) => line.event === 'app.no-subscriptions');
    expect(hint?.msg).toBe(
      `no subscriptions yet: list feeds and keywords in ${file}, or set DISCORD_TOKEN or TELEGRAM_TOKEN and send /subscribe in a server or chat`,
    );
    expect(logs.lines.findIndex((line) => line.event === 'app.started')).toBeLessThan(logs.lines.indexOf(hint!));
  });

  it('names the chat platforms whose commands are running', async () => {
    const telegram = await startFakeTelegram();
    try {
      const logs = await start({ TELEGRAM_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
      const hint = logs.lines.find((line) => line.event === 'app.no-subscriptions');
      expect(hint?.msg).toBe(
        'no subscriptions yet: list feeds and keywords in ./taza.config.json (or the file TAZA_CONFIG names), or send /subscribe in a Telegram chat',
      );
    } finally {
      await app?.stop();
      app = undefined;
      await telegram.close();
    }
  });

  it('with a subscription, gives no hint', async () => {
    const file = join(dir, 'taza.config.json');
    writeFileSync(file, JSON.stringify({ subscriptions: [{ feed: 'https://news.example/feed.xml', keywords: 'x' }] }));
    const logs = await start({ TAZA_CONFIG: file });
    expect(logs.lines.some((line) => line.event === 'app.started')).toBe(true);
    expect(logs.lines.some((line) => line.event === 'app.no-subscriptions')).toBe(false);
  });

  it('fails with the reason when the HTTP port is taken, having stopped what it started', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const logs = captureLogger('info');
    try {
      const config = loadConfig({ DATA_DIR: dir, HTTP_PORT: String(port) });
      await expect(startApp(config, { logger: logs.logger })).rejects.toThrow(
        `HTTP_PORT ${port} on 127.0.0.1 is already in use`,
      );
      expect(logs.lines.map((line) => line.event)).toContain('app.stopped');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
