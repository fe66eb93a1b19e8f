import { join } from 'node:path';
import { KeyvSqlite } from '@keyv/sqlite';
import { openStore } from '../../src/store/open.js';

/**
 * Creates a Taza store in `dir`, then holds a write lock on its SQLite file from another connection, as another
 * process would, until `release`.
 */
export async function holdSqliteLock(dir: string): Promise<{ release(): Promise<void> }> {
  await (await openStore({ dataDir: dir })).close();
  const holder = new KeyvSqlite({ uri: `sqlite://${join(dir, 'taza.sqlite')}`, table: 'meta' });
  await holder.query('BEGIN IMMEDIATE');
  await holder.query(`INSERT INTO meta (key, value) VALUES ('held', '1')`);
  return {
    async release() {
      await holder.query('ROLLBACK');
      await holder.close();
    },
  };
}
