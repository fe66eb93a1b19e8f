import { afterAll, beforeAll } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { startPostgres } from '../support/servers/postgres.js';
import type { TestServer } from '../support/servers/process.js';
import { storeContract } from './contract.js';

let server: TestServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.close());

storeContract('Postgres', () => openStore({ storeUrl: server.url, dataDir: '/nonexistent' }));
