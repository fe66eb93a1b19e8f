import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCoordinator } from '../../src/coordination/open.js';
import { StoreError } from '../../src/store/errors.js';
import { freePort, type TestServer } from '../support/servers/process.js';
import { startRedis } from '../support/servers/redis.js';
import { rejection } from '../support/wait.js';
import { coordinatorContract } from './contract.js';

let server: TestServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => server?.close());

coordinatorContract('Redis', {
  open: () => openCoordinator({ storeUrl: server.url, timeoutMs: 2000 }),
  server: () => server,
});

it('fails to open with a StoreError when nothing listens', async () => {
  const url = `redis://127.0.0.1:${await freePort()}`;
  const error = await rejection(openCoordinator({ storeUrl: url, timeoutMs: 1000 }));
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).problem).toBe('refused');
});
