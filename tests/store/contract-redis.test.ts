import { afterAll, beforeAll } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { startRedis } from '../support/servers/redis.js';
import type { TestServer } from '../support/servers/process.js';
import { storeContract } from './contract.js';

let server: TestServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => server?.close());

storeContract('Redis', () => openStore({ storeUrl: server.url, dataDir: '/nonexistent' }));
