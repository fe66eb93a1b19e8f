/**
 * The Telegram platform: the sink that posts alerts and the adapter that answers bot commands, both on one grammY
 * bot. The app loads this module only when TELEGRAM_TOKEN is set. With a coordinator (several instances on one
 * backend), long polling runs only on the instance holding the poller lease (polling-leader.ts); all of them send.
 */
import type { PlatformAdapter } from '../../chat/adapter.js';
import type { Coordinator } from '../../coordination/coordinator.js';
import { telegramCommands, type TelegramCommandOptions } from './commands.js';
import { createPollingLeader, type PollingLeader, type PollingLeaderTimings } from './polling-leader.js';
import { createTelegramSink, type TelegramSink, type TelegramSinkOptions } from './sink.js';

export interface TelegramPlatformOptions extends TelegramSinkOptions {
  commands?: Pick<TelegramCommandOptions, 'maxFileBytes'>;
  /** Given when other instances share the backend: they take turns reading updates. */
  coordinator?: Coordinator;
  leader?: Partial<PollingLeaderTimings>;
}

export interface TelegramPlatform extends PlatformAdapter {
  sink: TelegramSink;
  /** Who reads updates, when instances share the backend. */
  leader?: PollingLeader;
}

export function createTelegramPlatform(options: TelegramPlatformOptions): TelegramPlatform {
  const own = createTelegramSink(options);
  const commands = { ...options.commands, apiRoot: options.apiRoot, logger: options.logger };
  if (!options.coordinator) return { sink: own, commands: telegramCommands(own, commands) };
  const leader = createPollingLeader({
    ...options.leader,
    coordinator: options.coordinator,
    bot: own.bot,
    logger: options.logger,
    redact: (text) => text.split(options.token).join('[redacted]'),
  });
  const sink: TelegramSink = {
    ...own,
    // The command layer asks for polling once its handlers are on the bot: from then on this instance takes part.
    startPolling: () => leader.start(),
    async stop() {
      await leader.stop();
      await own.stop();
    },
  };
  return { sink, leader, commands: telegramCommands(sink, commands) };
}
