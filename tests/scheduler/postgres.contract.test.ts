import { afterAll, beforeAll } from 'vitest';
import { startPostgres } from '../support/servers/postgres.js';
import type { TestServer } from '../support/servers/process.js';
import { freshPostgres } from './backends.js';
import { schedulerContract } from './contract.js';

let server: TestServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.close();
});

schedulerContract('the job engine on Postgres', async () => freshPostgres(server));
