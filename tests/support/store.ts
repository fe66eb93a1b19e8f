import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/open.js';

/** A fresh SQLite store in a temporary directory; `cleanup` closes and removes it. */
export async function tempStore(): Promise<{
  store: Store;
  dir: string;
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'taza-test-'));
  let store = await openStore({ dataDir: dir });
  return {
    store,
    dir,
    async reopen() {
      await store.close();
      store = await openStore({ dataDir: dir });
      return store;
    },
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
