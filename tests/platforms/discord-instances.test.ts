import { discordInstancesSuite } from './discord-instances.js';
import { localBackend } from './instance-coordinator.js';

discordInstancesSuite(localBackend);
