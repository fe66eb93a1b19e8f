/**
 * The embedded store's problems come out as one StoreError naming DATA_DIR (or the sqlite:// STORE_URL), what
 * is wrong and what to do: a directory that cannot be made, a file in the way, a file that cannot be created,
 * a file that is not a database, a file another process keeps locked.
 */
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allValues, openStore, StoreError } from '../../src/store/open.js';
import { feed } from './contract.js';
import { holdSqliteLock } from './sqlite-lock.js';

const root = mkdtempSync(join(tmpdir(), 'taza-datadir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function openFailure(options: { dataDir: string; storeUrl?: string }): Promise<StoreError> {
  const error = await openStore(options).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe('a DATA_DIR that cannot be used', () => {
  it('a file where the directory should be', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a directory');
    const error = await openFailure({ dataDir: file });
    expect(error.problem).toBe('not-a-directory');
    expect(error.message).toBe(
      `DATA_DIR=${file}: ${file} is a file, not a directory (EEXIST). Set DATA_DIR to a directory, or move the file away.`,
    );
  });

  it('a file among its parents', async () => {
    const file = join(root, 'another-file');
    writeFileSync(file, 'not a directory');
    const error = await openFailure({ dataDir: join(file, 'data', 'deeper') });
    expect(error.problem).toBe('not-a-directory');
    expect(error.message).toMatch(new RegExp(`^DATA_DIR=${file}/data/deeper: ${file} is a file, not a directory`));
  });

  it('a directory the system will not create (under /proc), at once instead of spinning', async () => {
    const started = performance.now();
    const error = await openFailure({ dataDir: '/proc/taza-nope/data' });
    expect(error.problem).toBe('cannot-create');
    expect(error.message).toBe(
      'DATA_DIR=/proc/taza-nope/data: cannot create the directory /proc/taza-nope (ENOENT). ' +
        'Create it yourself, or set DATA_DIR to a directory this user can write.',
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a directory where the file cannot be created', async () => {
    const error = await openFailure({ dataDir: '/proc' });
    expect(error.problem).toBe('cannot-create');
    expect(error.message).toMatch(/^DATA_DIR=\/proc: cannot create or open \/proc\/taza\.sqlite \(SQLITE_CANTOPEN/);
    expect(error.message).toMatch(/Give this user write access to its directory, or use another DATA_DIR\.$/);
  });

  it('names STORE_URL when a sqlite:// URL chose the file', async () => {
    const error = await openFailure({ dataDir: root, storeUrl: 'sqlite:///proc/taza.sqlite' });
    expect(error.message).toMatch(/^STORE_URL=sqlite:\/\/\/proc\/taza\.sqlite: cannot create or open/);
    expect(error.message).toMatch(/or point STORE_URL at another file\.$/);
  });
});

describe('a database file that cannot be used', () => {
  it('a file that is not a SQLite database', async () => {
    const dir = join(root, 'garbage');
    mkdirSync(dir);
    writeFileSync(join(dir, 'taza.sqlite'), Buffer.alloc(8192, 'not sqlite at all '));
    const error = await openFailure({ dataDir: dir });
    expect(error.problem).toBe('corrupt');
    expect(error.message).toBe(
      `DATA_DIR=${dir}: ${join(dir, 'taza.sqlite')} is not a usable SQLite database (SQLITE_NOTADB: file is not a database). ` +
        'Restore a backup, or move the file away to start with an empty store.',
    );
  });

  it('a database damaged inside: listing it fails loudly, it does not come back short', async () => {
    const dir = join(root, 'damaged');
    const store = await openStore({ dataDir: dir });
    await store.feeds.setMany(Array.from({ length: 2000 }, (_, i) => ({ key: `f${i}`, value: feed(`f${i}`) })));
    await store.close();
    // Overwrite every page after the first two (the header and the schema) with garbage.
    const file = join(dir, 'taza.sqlite');
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    for (let offset = 8192; offset < size; offset += 4096) writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, offset);
    closeSync(fd);
    const outcome = await openStore({ dataDir: dir }).then(
      async (reopened) => {
        try {
          return await allValues(reopened.feeds).then(
            (values) => ({ values }),
            (error: unknown) => ({ error }),
          );
        } finally {
          await reopened.close();
        }
      },
      (error: unknown) => ({ error }),
    );
    expect('error' in outcome, 'a damaged database listed without an error').toBe(true);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).problem).toBe('corrupt');
    expect((error as StoreError).message).toMatch(new RegExp(`^DATA_DIR=${dir}: `));
  });

  it('a file another process keeps locked: fails within seconds, and opens once the lock is gone', async () => {
    const dir = join(root, 'locked');
    const lock = await holdSqliteLock(dir);
    try {
      const started = performance.now();
      const error = await openFailure({ dataDir: dir });
      const ms = performance.now() - started;
      expect(error.problem).toBe('locked');
      expect(error.message).toBe(
        `DATA_DIR=${dir}: ${join(dir, 'taza.sqlite')} is locked by another process (SQLITE_BUSY: database is locked). ` +
          'Stop the other Taza or program that holds it, or use another DATA_DIR.',
      );
      expect(ms).toBeLessThan(6000);
    } finally {
      await lock.release();
    }
    const store = await openStore({ dataDir: dir });
    expect(await store.ping()).toBe(true);
    await store.close();
  });
});
