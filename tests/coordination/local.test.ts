import { expect, it } from 'vitest';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { openCoordinator } from '../../src/coordination/open.js';
import { coordinatorContract } from './contract.js';

// One process on the embedded store: both "instances" are the one in-process coordinator.
const shared = createLocalCoordinator();
coordinatorContract('local', { open: async () => shared });

// What openCoordinator picks for the embedded store.
coordinatorContract('local (from a sqlite STORE_URL)', {
  open: (() => {
    let opened: ReturnType<typeof openCoordinator> | undefined;
    return () => (opened ??= openCoordinator({ storeUrl: 'sqlite:///tmp/none.sqlite' }));
  })(),
});

it('is what openCoordinator gives for the embedded store', async () => {
  for (const storeUrl of [undefined, '', 'sqlite:///srv/taza.sqlite']) {
    const coordinator = await openCoordinator({ storeUrl });
    expect(coordinator.kind).toBe('local');
    expect(coordinator.shared).toBe(false);
    await coordinator.close();
  }
});
