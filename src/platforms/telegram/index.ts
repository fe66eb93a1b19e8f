/**
 * The Telegram platform: the sink that posts alerts and the adapter that answers bot commands, both on one grammY
 * bot. The app loads this module only when TELEGRAM_TOKEN is set.
 */
import type { PlatformAdapter } from '../../chat/adapter.js';
import { telegramCommands, type TelegramCommandOptions } from './commands.js';
import { createTelegramSink, type TelegramSink, type TelegramSinkOptions } from './sink.js';

export interface TelegramPlatformOptions extends TelegramSinkOptions {
  commands?: Pick<TelegramCommandOptions, 'maxFileBytes'>;
}

export function createTelegramPlatform(options: TelegramPlatformOptions): PlatformAdapter & { sink: TelegramSink } {
  const sink = createTelegramSink(options);
  return {
    sink,
    commands: telegramCommands(sink, { ...options.commands, apiRoot: options.apiRoot, logger: options.logger }),
  };
}
