/**
 * The dashboard as one more command adapter: a form runs the same command definition a chat message would
 * (commands/*.ts through src/chat/run.ts), so the checks, the rules and the wording of every answer are the chat's.
 * Being logged in is the admin check: a session exists only for the self-hoster or an admin's link.
 */
import type { CommandTarget, Reply } from '../chat/definition.js';
import { runCommand } from '../chat/run.js';
import type { Destination } from '../core/destination.js';
import { toTelegramHtml } from '../replies/markup.js';
import type { DashboardDeps } from './deps.js';
import { destinationLabel, scopeLabel, type Viewer } from './viewer.js';

export function webTarget(viewer: Viewer, scope: string, destination: Destination): CommandTarget {
  const label =
    viewer.kind === 'scope'
      ? scopeLabel(viewer)
      : destination.platform === 'discord'
        ? `server ${scope}`
        : destination.platform === 'telegram'
          ? `chat ${scope}`
          : 'the subscriptions file';
  return { scope, destination, label, destinationLabel: destinationLabel(destination) };
}

export async function runWebCommand(
  deps: DashboardDeps,
  viewer: Viewer,
  name: string,
  values: Record<string, string>,
  target: CommandTarget,
): Promise<Reply> {
  const definition = deps.commands.commands.find((c) => c.name === name);
  if (!definition) return { ok: false, text: `✗ Taza has no command /${name}.` };
  const raw = new Map(Object.entries(values).filter(([, value]) => value !== ''));
  return runCommand({
    platform: target.destination.platform === 'telegram' ? 'telegram' : 'discord',
    definition,
    raw,
    target,
    user: viewer.kind === 'scope' ? viewer.user : { id: 'dashboard', name: 'the dashboard owner' },
    admin: { allowed: true, requirement: 'a dashboard session' },
    services: deps.commands.services,
    commands: deps.commands.commands,
    // A web request simply waits for the answer: nothing to defer.
    defer: async () => undefined,
  });
}

/** A reply's markup as HTML (bold, code, quotes; every value in it was escaped when the reply was written). */
export function replyHtml(reply: Reply): string {
  return toTelegramHtml(reply.text);
}
