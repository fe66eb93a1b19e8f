import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { openStore } from '../../src/store/open.js';
import { schedulerContract } from './contract.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

schedulerContract('in-process on SQLite', async () => ({
  storeUrl: '',
  shared: false,
  openCoordinator: async () => createLocalCoordinator(),
  openStore: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taza-scheduler-'));
    dirs.push(dir);
    return openStore({ dataDir: dir });
  },
}));
