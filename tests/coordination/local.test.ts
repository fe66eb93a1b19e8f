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
