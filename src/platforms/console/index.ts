/** The console platform: alerts printed for a person, no commands. Always there, so Taza runs with no token at all. */
import type { PlatformAdapter } from '../../chat/adapter.js';
import type { Alert } from '../../core/alert.js';
import { createConsoleSink } from './sink.js';

export function createConsolePlatform(options: { render: (alert: Alert) => string }): PlatformAdapter {
  return { sink: createConsoleSink(options) };
}
