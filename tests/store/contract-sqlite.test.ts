import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { storeContract } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'taza-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('SQLite', () => openStore({ dataDir: dir }));
