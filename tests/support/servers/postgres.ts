/**
 * A real PostgreSQL for a test: initdb into a temporary directory, the server on its own loopback port with
 * its socket in that directory, stopped and restarted at will. Postgres refuses to run as root, so initdb and
 * postgres run as the `postgres` user, which owns the directory.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findBinary, ServerProcess, startTestServer, type TestServer } from './process.js';

const INSTALL = 'the Postgres tests need PostgreSQL: apt-get install postgresql';

/** The newest /usr/lib/postgresql/<version>/bin. */
function binDirectory(): string {
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  } catch {
    // Reported below.
  }
  const postgres = findBinary(
    versions.map((version) => join(root, version, 'bin', 'postgres')),
    `${INSTALL} (nothing in ${root})`,
  );
  return join(postgres, '..');
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`${INSTALL} (it creates the postgres user that initdb and postgres run as)`);
  }
}

/**
 * Starts Postgres and resolves once it answers a query. Without `password` every login is trusted (user
 * `postgres`); with it, user `postgres` must give that password.
 */
export async function startPostgres(options: { password?: string } = {}): Promise<TestServer> {
  const bin = binDirectory();
  const asPostgres = process.getuid?.() === 0 ? postgresUser() : {};
  const dir = mkdtempSync(join(tmpdir(), 'taza-postgres-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  mkdirSync(socketDir);
  const owner = asPostgres as { uid?: number; gid?: number };
  if (owner.uid !== undefined && owner.gid !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(socketDir, owner.uid, owner.gid);
  }
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' };

  const initArgs = ['-D', data, '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions'];
  if (options.password) {
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${options.password}\n`);
    if (owner.uid !== undefined && owner.gid !== undefined) chownSync(pwfile, owner.uid, owner.gid);
    initArgs.push('-A', 'scram-sha-256', `--pwfile=${pwfile}`);
  } else initArgs.push('-A', 'trust');
  const init = new ServerProcess('initdb', join(bin, 'initdb'), initArgs, { cwd: dir, env, ...asPostgres }, 'SIGKILL');
  const code = await init.exited;
  if (code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (exit ${code}):\n${init.log()}`);
  }

  const url = (port: number) =>
    `postgres://postgres${options.password ? `:${encodeURIComponent(options.password)}` : ''}@127.0.0.1:${port}/postgres`;
  return startTestServer({
    dir,
    spawn(port) {
      const args = [
        '-D',
        data,
        // -F and fsync=off: nothing is synced, this data only has to outlive a clean stop.
        '-F',
        '-c',
        'fsync=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'shared_buffers=16MB',
        // Postgres's own default: three instances hold about 50 (store, coordinator and job-engine pools).
        '-c',
        'max_connections=100',
        '-k',
        socketDir,
        '-p',
        String(port),
        '-h',
        '127.0.0.1',
      ];
      // SIGQUIT is Postgres's immediate shutdown: every process stops at once, recovery runs at the next start.
      return new ServerProcess(
        `postgres on port ${port}`,
        join(bin, 'postgres'),
        args,
        { cwd: dir, env, ...asPostgres },
        'SIGQUIT',
      );
    },
    answers: (port) => answersQuery(url(port)),
    url,
    // SIGINT is the fast shutdown: sessions are ended, the data is kept.
    stopSignal: 'SIGINT',
    portTaken: /could not bind|Address already in use/i,
  });
}

async function answersQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}
