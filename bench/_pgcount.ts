import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { startPostgres } from '../tests/support/servers/postgres.js';
const server = await startPostgres();
const dir = mkdtempSync('/tmp/dbg/pgc-');
writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ subscriptions: Array.from({ length: 20 }, (_, i) => ({ feed: `http://127.0.0.1:9/f${i}.xml`, keywords: 'x', to: 'console' })) }));
const kids = [0, 1, 2].map(() => spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run'], { cwd: '/work/main', env: { ...process.env, STORE_URL: server.url, TAZA_CONFIG: join(dir, 'cfg.json'), DATA_DIR: dir, HTTP_PORT: '0', LOG_LEVEL: 'warn', ALLOW_PRIVATE_NETWORKS: 'true', POLL_INTERVAL: '5s', MIN_POLL_INTERVAL: '1s' }, stdio: ['ignore', 'ignore', 'inherit'] }));
for (let t = 0; t < 6; t++) {
  await new Promise((r) => setTimeout(r, 5000));
  const c = new pg.Client({ connectionString: server.url }); await c.connect();
  const r = await c.query("select application_name, state, count(*) from pg_stat_activity where backend_type='client backend' group by 1,2 order by 3 desc");
  console.log(t, JSON.stringify(r.rows)); await c.end();
}
for (const k of kids) k.kill('SIGKILL');
await server.close();
