import { afterAll, beforeAll } from 'vitest';
import type { Coordinator } from '../../src/coordination/coordinator.js';
import { openCoordinator } from '../../src/coordination/open.js';
import type { TestServer } from '../support/servers/process.js';
import { startRedis } from '../support/servers/redis.js';
import { discordInstancesSuite } from './discord-instances.js';
import { instanceCoordinator, type Backend } from './instance-coordinator.js';
import { telegramInstancesSuite } from './telegram-instances.js';

let server: TestServer;
let db = 0;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => server?.close());

const redisBackend: Backend = {
  name: 'redis',
  async begin() {
    const url = `${server.url}/${++db}`;
    const opened: Coordinator[] = [];
    return {
      instance: async () => {
        const coordinator = await openCoordinator({ storeUrl: url, timeoutMs: 2000 });
        opened.push(coordinator);
        return instanceCoordinator(coordinator);
      },
      end: async () => {
        await Promise.all(opened.map((c) => c.close()));
      },
    };
  },
};

telegramInstancesSuite(redisBackend);
discordInstancesSuite(redisBackend);
