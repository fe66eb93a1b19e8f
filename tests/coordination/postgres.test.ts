import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCoordinator } from '../../src/coordination/open.js';
import { StoreError } from '../../src/store/errors.js';
import { freePort, type TestServer } from '../support/servers/process.js';
import { startPostgres } from '../support/servers/postgres.js';
import { rejection } from '../support/wait.js';
import { coordinatorContract } from './contract.js';

let server: TestServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.close());

coordinatorContract('Postgres', {
  open: () => openCoordinator({ storeUrl: server.url, timeoutMs: 2000 }),
  server: () => server,
});

it('fails to open with a StoreError when nothing listens', async () => {
  const url = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
  const error = await rejection(openCoordinator({ storeUrl: url, timeoutMs: 1000 }));
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).problem).toBe('refused');
});
