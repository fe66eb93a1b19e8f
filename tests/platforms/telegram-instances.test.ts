import { localBackend } from './instance-coordinator.js';
import { telegramInstancesSuite } from './telegram-instances.js';

telegramInstancesSuite(localBackend);
