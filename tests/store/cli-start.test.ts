/**
 * `taza run` with a store it cannot use stops within 10 s with exit code 2 and one line on stderr that names the
 * setting (password hidden), the reason and what to do. A real process, through tsx like `npm run taza`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/servers/process.js';
import { holdSqliteLock } from './sqlite-lock.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIMIT_MS = 10_000;
const root = mkdtempSync(join(tmpdir(), 'taza-cli-store-'));
// An empty subscriptions file: these runs are about the store, not about what to watch.
const emptyConfig = join(root, 'taza.config.json');
writeFileSync(emptyConfig, JSON.stringify({ subscriptions: [] }));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string[];
}

/**
 * Runs `taza run`; kills it after 20 s (a hang fails the test rather than the run). `obeyPermissions`: as root, the
 * run is still root (so it reads the checkout, wherever it lives: CI clones it under a 0700 directory) but without
 * the capabilities that let root ignore file permissions, so a directory's mode bits bind it as they bind any user.
 */
async function run(env: Record<string, string>, options: { obeyPermissions?: boolean } = {}): Promise<Outcome> {
  const started = performance.now();
  const node = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'run'];
  const [command, ...args] = options.obeyPermissions && isRoot ? [...withoutFileCapabilities(), ...node] : node;
  const child = spawn(command!, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: tmpdir(),
      HTTP_PORT: '0',
      PRETTY_LOGS: 'false',
      LOG_LEVEL: 'info',
      TAZA_CONFIG: emptyConfig,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  return { code, ms: performance.now() - started, stdout, stderr: stderr.trim().split('\n').filter(Boolean) };
}

const isRoot = process.getuid?.() === 0;

/**
 * The command prefix that drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv, util-linux): what lets root write
 * into a directory whose mode says no.
 */
function withoutFileCapabilities(): string[] {
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'].find((path) => existsSync(path));
  if (!setpriv)
    throw new Error('as root, this test needs setpriv to drop root’s file capabilities: apt-get install util-linux');
  return [setpriv, '--inh-caps=-all', '--bounding-set=-dac_override,-dac_read_search', '--'];
}

/** Exit 2, within the limit, one line on stderr, nothing on stdout; gives the line without `taza: `. */
function expectOneLineExit(outcome: Outcome, label: string): string {
  console.log(`${label}: exit ${outcome.code} after ${Math.round(outcome.ms)} ms: ${outcome.stderr.join(' / ')}`);
  expect(outcome.stderr, 'exactly one line on stderr').toHaveLength(1);
  expect(outcome.code).toBe(2);
  expect(outcome.stdout).toBe('');
  expect(outcome.ms).toBeLessThan(LIMIT_MS);
  expect(outcome.stderr[0]).toMatch(/^taza: /);
  return outcome.stderr[0]!.slice('taza: '.length);
}

describe('taza run with a network store that nothing listens on', () => {
  it('Redis: exit 2 and one line, password hidden, within 10 s', async () => {
    const port = await freePort();
    const outcome = await run({ STORE_URL: `redis://:hunter2-secret@127.0.0.1:${port}` });
    const line = expectOneLineExit(outcome, 'Redis, nothing listening');
    expect(line).toBe(
      `STORE_URL=redis://:***@127.0.0.1:${port}: nothing is listening (connection refused). Start Redis, or fix STORE_URL.`,
    );
    expect(outcome.stderr.join('\n')).not.toContain('hunter2');
  });

  it('Postgres: exit 2 and one line, password hidden, within 10 s', async () => {
    const port = await freePort();
    const outcome = await run({ STORE_URL: `postgres://taza:hunter2-secret@127.0.0.1:${port}/taza` });
    const line = expectOneLineExit(outcome, 'Postgres, nothing listening');
    expect(line).toBe(
      `STORE_URL=postgres://taza:***@127.0.0.1:${port}/taza: nothing is listening (connection refused). Start PostgreSQL, or fix STORE_URL.`,
    );
    expect(outcome.stderr.join('\n')).not.toContain('hunter2');
  });
});

describe('taza run with a DATA_DIR it cannot use', () => {
  it('a directory the system will not create (/proc/…): exit 2, where it used to spin for ever', async () => {
    const line = expectOneLineExit(await run({ DATA_DIR: '/proc/taza-nope' }), 'DATA_DIR under /proc');
    expect(line).toBe(
      'DATA_DIR=/proc/taza-nope: cannot create the directory /proc/taza-nope (ENOENT). ' +
        'Create it yourself, or set DATA_DIR to a directory this user can write.',
    );
  });

  it('a file where the directory should be', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const line = expectOneLineExit(await run({ DATA_DIR: file }), 'DATA_DIR is a file');
    expect(line).toMatch(new RegExp(`^DATA_DIR=${file}: ${file} is a file, not a directory`));
  });

  it('a directory this user may not create, and one it may not write', async () => {
    // Root may write anywhere: its run goes without the capabilities that allow it (see run()).
    const locked = join(root, 'not-yours');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const user = { obeyPermissions: true };
    const create = expectOneLineExit(await run({ DATA_DIR: join(locked, 'data') }, user), 'DATA_DIR not creatable');
    expect(create).toMatch(
      new RegExp(`^DATA_DIR=${locked}/data: this user may not create ${locked}/data \\(EACCES\\)`),
    );
    const write = expectOneLineExit(await run({ DATA_DIR: locked }, user), 'DATA_DIR not writable');
    expect(write).toMatch(new RegExp(`^DATA_DIR=${locked}: cannot create or open ${locked}/taza.sqlite`));
  });

  it('a file that is not a SQLite database', async () => {
    const dir = join(root, 'garbage');
    mkdirSync(dir);
    writeFileSync(join(dir, 'taza.sqlite'), Buffer.alloc(8192, 'garbage '));
    const line = expectOneLineExit(await run({ DATA_DIR: dir }), 'corrupt SQLite file');
    expect(line).toMatch(new RegExp(`^DATA_DIR=${dir}: ${dir}/taza.sqlite is not a usable SQLite database`));
  });

  it('a file another process keeps locked', async () => {
    const dir = join(root, 'locked');
    const lock = await holdSqliteLock(dir);
    try {
      const line = expectOneLineExit(await run({ DATA_DIR: dir }), 'locked SQLite file');
      expect(line).toMatch(new RegExp(`^DATA_DIR=${dir}: ${dir}/taza.sqlite is locked by another process`));
    } finally {
      await lock.release();
    }
  });
});
