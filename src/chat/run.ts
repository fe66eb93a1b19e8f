/**
 * Runs one command for an adapter: permission, then options, then the handler. A UserError becomes a refusal
 * reply (logged at info: it is the user's mistake); anything else is Taza's fault, logged as an error, and the
 * user gets a short apology instead of a stack trace.
 */
import { UserError } from '../replies/errors.js';
import { throttledProgress } from './progress.js';
import { validateOptions, type RawOptionValue } from './options.js';
import type { CommandServices } from './services.js';
import type { CommandContext, CommandDefinition, CommandTarget, Reply } from './definition.js';

export interface Invocation {
  platform: CommandContext['platform'];
  definition: CommandDefinition;
  raw: ReadonlyMap<string, RawOptionValue>;
  target: CommandTarget;
  user: CommandContext['user'];
  /** Whether the user may change subscriptions here, and if not, what they would need (for the refusal). */
  admin: { allowed: boolean; requirement: string };
  services: CommandServices;
  commands: readonly CommandDefinition[];
  defer(): Promise<void>;
  /** Edits the message that will hold the reply (deferring first); the runner throttles it. Without it, no progress. */
  edit?(text: string): Promise<void>;
  /** Edits at most this often (default 2 s). */
  progressIntervalMs?: number;
}

export function refusal(message: string): Reply {
  return { ok: false, text: `✗ ${message}` };
}

export async function runCommand(invocation: Invocation): Promise<Reply> {
  const { definition, services } = invocation;
  const log = services.logger.child({
    command: definition.name,
    platform: invocation.platform,
    scope: invocation.target.scope,
    userId: invocation.user.id,
  });
  const progress = throttledProgress(invocation.edit, {
    intervalMs: invocation.progressIntervalMs,
    onError: (error) => log.warn({ event: 'command.progress-failed', err: error }, 'progress edit failed'),
  });
  try {
    if (definition.access === 'admin' && !invocation.admin.allowed) {
      throw new UserError(`/${definition.name} changes subscriptions, so it needs ${invocation.admin.requirement}.`);
    }
    const options = validateOptions(definition, invocation.raw);
    const reply = await definition.handler({
      platform: invocation.platform,
      command: definition,
      options,
      target: invocation.target,
      user: invocation.user,
      services,
      commands: invocation.commands,
      defer: invocation.defer,
      progress: (text) => progress.update(text),
    });
    log.info({ event: 'command.done', ok: reply.ok }, `/${definition.name} done`);
    return reply;
  } catch (error) {
    if (error instanceof UserError) {
      log.info({ event: 'command.refused', reason: error.message }, `/${definition.name} refused`);
      return refusal(error.message);
    }
    log.error({ event: 'command.failed', err: error }, `/${definition.name} failed`);
    return refusal(
      'Something went wrong inside Taza while running this command. The operator can find the details in the logs.',
    );
  } finally {
    // The adapter sends the result next, into the same message: no progress edit may land after it.
    await progress.close();
  }
}
