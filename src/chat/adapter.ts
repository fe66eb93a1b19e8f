/**
 * How a chat platform plugs into the app. Each platform module (src/platforms/<name>/index.ts) builds one
 * PlatformAdapter: the sink that posts alerts and, for Discord and Telegram, the command adapter that registers the
 * commands and answers them. The app wires both through these interfaces and never sees a platform's own types.
 */
import type { Sink } from '../outbox/sink.js';
import type { CommandContext, CommandDefinition } from './definition.js';
import type { CommandServices } from './services.js';

export interface CommandAdapter {
  readonly platform: CommandContext['platform'];
  /** Registers the commands with the platform and starts answering them. Called once the sink has connected. */
  start(commands: readonly CommandDefinition[], services: CommandServices): Promise<void>;
  /** Stops answering commands. Idempotent. */
  stop(): Promise<void>;
}

export interface PlatformAdapter {
  readonly sink: Sink;
  readonly commands?: CommandAdapter;
}
