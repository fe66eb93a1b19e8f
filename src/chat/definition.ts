/**
 * The platform-neutral shape of a chat command. A file in commands/ default-exports one definition; the Discord
 * adapter turns it into a slash command, the Telegram adapter parses `/name args` into the same options, and both
 * call the same handler with a CommandContext and send back the Reply it returns.
 */
import type { Platform } from '../core/destination.js';
import type { SubscriptionTarget } from '../subscriptions/services.js';
import type { OptionValues } from './options.js';
import type { CommandServices } from './services.js';

/**
 * string/boolean are typed values; `channel` chooses where alerts go (a Discord channel, a Telegram channel
 * named as @name) and is consumed by the adapter into `ctx.target`; `attachment` is an uploaded file.
 */
export type OptionType = 'string' | 'boolean' | 'channel' | 'attachment';

/** Where autocomplete suggestions come from: presets and feeds in use, or this server's/chat's subscriptions. */
export type AutocompleteSource = 'feed' | 'subscription';

export interface OptionDefinition {
  /** Lowercase, 1–32 characters: `feed`, `keywords`, `id`. */
  name: string;
  type: OptionType;
  /** At most 100 characters (Discord's limit). */
  description: string;
  required?: boolean;
  autocomplete?: AutocompleteSource;
  /** Longest accepted value in characters (strings). */
  maxLength?: number;
  /** Free text with spaces (a query): in the text form, as the last positional option it takes the rest of the line. */
  multiword?: boolean;
  /** Text form: given only as `name:value`, never by position (options that follow a query, e.g. `silent:yes`). */
  namedOnly?: boolean;
}

/** The `id` option of the commands that act on one subscription, completed from this server's or chat's own. */
export const SUBSCRIPTION_ID_OPTION: OptionDefinition = {
  name: 'id',
  type: 'string',
  required: true,
  autocomplete: 'subscription',
  maxLength: 32,
  description: 'The subscription id shown by /list',
};

/** `everyone`: read-only commands open to members. `admin`: changes subscriptions; server/chat admins only. */
export type Access = 'everyone' | 'admin';

export interface CommandDefinition {
  /** Lowercase, 1–32 characters, the same on both platforms. */
  name: string;
  /** One line, at most 100 characters. */
  description: string;
  options: readonly OptionDefinition[];
  access: Access;
  /** Example invocations as option values, rendered in each platform's syntax by `help`. */
  examples: ReadonlyArray<Record<string, string>>;
  handler(ctx: CommandContext): Promise<Reply>;
}

/** Where a command acts: whose subscriptions (scope) and where new alerts go (destination). */
export interface CommandTarget extends SubscriptionTarget {
  /** How replies name the destination: a Discord channel mention, "this chat", "@mychannel". */
  destinationLabel: string;
}

export interface CommandContext {
  platform: Exclude<Platform, 'console'>;
  command: CommandDefinition;
  options: OptionValues;
  target: CommandTarget;
  /** mayMentionEveryone: Discord, whether the member and the bot have Mention Everyone (for `mention:here`). */
  user: { id: string; name?: string; mayMentionEveryone?: boolean };
  services: CommandServices;
  /** Every loaded command (for help). */
  commands: readonly CommandDefinition[];
  /**
   * Called before work that may be slow (a fetch): Discord defers the reply, Telegram posts a "working" message
   * that the result then replaces. Safe to call more than once.
   */
  defer(): Promise<void>;
  /**
   * Shows how a long command is getting on, in the message that will hold its result (Discord: the deferred reply;
   * Telegram: the "working" message), edited at most every 2 s and never after the result. Defers first if needed.
   */
  progress(text: string): Promise<void>;
}

/** A file sent with the reply (export) or received as an option (import). */
export interface ReplyFile {
  name: string;
  content: Buffer;
}

export interface Reply {
  /** False for a refusal or an error: shown privately where the platform can, and nothing was changed. */
  ok: boolean;
  /** The text in Taza's small markup (see reply/markup.ts): **bold**, `code`, backslash escapes. */
  text: string;
  file?: ReplyFile;
  /**
   * Only the person who asked may see it (a login link): ephemeral on Discord, a private message on Telegram, never
   * posted in a group.
   */
  private?: boolean;
}

/** Identity function that type-checks a command file's default export. */
export function defineCommand(definition: CommandDefinition): CommandDefinition {
  return definition;
}

/** Attachment option values: read() downloads the file (bounded in size by the adapter). */
export interface AttachmentValue {
  name: string;
  size?: number;
  read(): Promise<Buffer>;
}
