import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { Coordinator } from '../../src/coordination/coordinator.js';
import { openCoordinator } from '../../src/coordination/open.js';
import type { TestServer } from '../support/servers/process.js';
import { startPostgres } from '../support/servers/postgres.js';
import { discordInstancesSuite } from './discord-instances.js';
import { instanceCoordinator, type Backend } from './instance-coordinator.js';
import { telegramInstancesSuite } from './telegram-instances.js';

let server: TestServer;
let db = 0;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => server?.close());

const backend: Backend = {
  name: 'postgres',
  async begin() {
    const name = `t${++db}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = server.url.replace(/\/[^/]*$/, `/${name}`);
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

telegramInstancesSuite(backend);
discordInstancesSuite(backend);
