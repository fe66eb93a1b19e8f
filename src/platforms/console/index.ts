/** The console platform: alerts printed for a person, no commands. Always there, so Taza runs with no token at all. */
import type { PlatformAdapter } from '../../chat/adapter.js';
import { createConsoleSink, type ConsoleSinkOptions } from './sink.js';

export function createConsolePlatform(options: ConsoleSinkOptions): PlatformAdapter {
  return { sink: createConsoleSink(options) };
}
