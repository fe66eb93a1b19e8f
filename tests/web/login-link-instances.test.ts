/**
 * A login link works once across instances: two dashboards on one real Redis (as two instances behind a balancer),
 * the same link posted to each; one logs in, the other refuses it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open.js';
import { createLoginLink } from '../../src/web/login-link.js';
import { createWebDashboard } from '../../src/web/index.js';
import { startRedis } from '../support/servers/redis.js';
import type { TestServer } from '../support/servers/process.js';
import { captureLogger } from '../support/logger.js';

const TOKEN = 'a-dashboard-token-of-enough-length';

describe('a login link on several instances', () => {
  let redis: TestServer;
  let dir: string;
  const stores: Store[] = [];
  const servers: Server[] = [];
  const bases: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'taza-link-'));
    for (let i = 0; i < 2; i++) {
      const store = await openStore({ storeUrl: redis.url, dataDir: dir });
      stores.push(store);
      // Logging in needs none of the registries or views: only the token, the clock, the logger and the store.
      const { handle } = createWebDashboard({ DASHBOARD_TOKEN: TOKEN }, {
        store,
        now: () => new Date(),
        logger: captureLogger().logger,
      } as never);
      const server = createServer((req, res) => void handle(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      bases.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    for (const store of stores) await store.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const useLink = (base: string, link: string) =>
    fetch(`${base}/login/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: new URL(link).searchParams.get('t')! }).toString(),
      redirect: 'manual',
    });

  it('logs in on the first instance and is refused on the second, either way round', async () => {
    for (const [first, second] of [
      [0, 1],
      [1, 0],
    ] as const) {
      const link = createLoginLink({
        token: TOKEN,
        baseUrl: bases[first]!,
        viewer: { kind: 'owner' },
        now: Date.now(),
      });
      const accepted = await useLink(bases[first]!, link);
      expect(accepted.status).toBe(303);
      expect(accepted.headers.get('set-cookie')).toContain('taza_session=');
      const refused = await useLink(bases[second]!, link);
      expect(refused.status).toBe(401);
      expect(await refused.text()).toContain('This login link has been used already');
    }
  });

  it('accepts exactly one of two instances using the same link at once', async () => {
    const link = createLoginLink({ token: TOKEN, baseUrl: bases[0]!, viewer: { kind: 'owner' }, now: Date.now() });
    const answers = await Promise.all(bases.map((base) => useLink(base, link)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 401]);
  });
});
