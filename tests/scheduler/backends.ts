/** Empty backends on one test server, one per test: a Redis database number, or a Postgres database. */
import pg from 'pg';
import { openCoordinator } from '../../src/coordination/open.js';
import { openStore } from '../../src/store/open.js';
import { startPostgres } from '../support/servers/postgres.js';
import type { TestServer } from '../support/servers/process.js';
import { startRedis } from '../support/servers/redis.js';
import type { Backend } from './contract.js';

let nextRedisDb = 1;
let nextPostgresDb = 1;

export function freshRedis(server: TestServer): Backend {
  // Redis has 16 databases by default; each test takes the next.
  const url = `${server.url}/${nextRedisDb++ % 16}`;
  return {
    storeUrl: url,
    shared: true,
    openStore: () => openStore({ storeUrl: url, dataDir: '' }),
    openCoordinator: () => openCoordinator({ storeUrl: url }),
  };
}

export async function freshPostgres(server: TestServer): Promise<Backend> {
  const name = `taza_${process.pid}_${nextPostgresDb++}`;
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  return {
    storeUrl: url,
    shared: true,
    openStore: () => openStore({ storeUrl: url, dataDir: '' }),
    openCoordinator: () => openCoordinator({ storeUrl: url }),
  };
}

/** Each server backend: how to start its test server, and a fresh backend on it per test. */
export const SERVER_BACKENDS: Array<{
  name: string;
  start: () => Promise<TestServer>;
  fresh: (server: TestServer) => Promise<Backend>;
}> = [
  { name: 'Redis', start: () => startRedis(), fresh: async (server) => freshRedis(server) },
  { name: 'Postgres', start: () => startPostgres(), fresh: (server) => freshPostgres(server) },
];
