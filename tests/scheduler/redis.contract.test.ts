import { afterAll, beforeAll } from 'vitest';
import { startRedis } from '../support/servers/redis.js';
import type { TestServer } from '../support/servers/process.js';
import { freshRedis } from './backends.js';
import { schedulerContract } from './contract.js';

let server: TestServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.close();
});

schedulerContract('the job engine on Redis', async () => freshRedis(server));
