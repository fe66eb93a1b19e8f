/**
 * A subscription's presentation options (template, mention, silent, images, edits, thread, forumTags) as typed in a
 * command, an OPML attribute or the subscriptions file: checked once here, with a message that says what is wrong,
 * and described for `list`. Where each applies is the renderers' and the sinks' business.
 */
import type { Platform } from '../core/destination.js';
import type { AlertStyle, Subscription } from '../core/records.js';
import { parseMention, parseTemplate } from '../render/index.js';
import { UserError } from '../replies/errors.js';
import { code, esc } from '../replies/markup.js';

/** Typed to remove a text option: `template:none`. */
export const CLEAR = 'none';
const MAX_FORUM_TAGS = 5;

/** The options as text, as they arrive (undefined: not given). */
export interface StyleInput {
  template?: string;
  mention?: string;
  silent?: boolean | string;
  images?: boolean | string;
  edits?: boolean | string;
  thread?: string;
  forumTags?: string | string[];
}

export interface StyleContext {
  platform: Platform;
  /** For `mention:here`: whether the member and the bot have Discord's Mention Everyone. */
  mayMentionEveryone?: boolean;
  /** From a file or an OPML import: the permission cannot be checked, so `here` is refused there. */
  fromFile?: boolean;
}

/** A change to apply: a value to set, or null to go back to the default. */
export type StyleChange = { [K in keyof AlertStyle]?: AlertStyle[K] | null };

function flag(name: string, value: boolean | string): boolean {
  if (typeof value === 'boolean') return value;
  const text = value.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(text)) return true;
  if (['false', 'no', 'off', '0'].includes(text)) return false;
  throw new UserError(`${code(name)} must be yes or no, not ${code(value)}.`);
}

/** A template that does not work is refused with what is wrong in it. */
export function checkTemplate(text: string): void {
  const parsed = parseTemplate(text.trim());
  if (!parsed.ok) throw new UserError(`The template does not work: ${esc(parsed.error)}.`);
}

/** Checks every option given; throws a UserError for the first one that is wrong. */
export function readStyle(input: StyleInput, context: StyleContext): StyleChange {
  const change: StyleChange = {};
  if (input.template !== undefined) {
    // A slash command option cannot hold a line break: `\n` typed in a template starts a new line.
    const text = input.template.trim().replace(/\\n/g, '\n');
    if (text.toLowerCase() === CLEAR) change.template = null;
    else {
      checkTemplate(text);
      change.template = text;
    }
  }
  if (input.mention !== undefined) {
    const text = input.mention.trim();
    if (text.toLowerCase() === CLEAR) change.mention = null;
    else {
      if (context.platform !== 'discord') throw new UserError(`${code('mention')} is for Discord alerts only.`);
      const parsed = parseMention(text);
      if (!parsed.ok) throw new UserError(`${esc(parsed.error)}.`);
      if (parsed.mention.kind === 'here') {
        if (context.fromFile) throw new UserError(`${code('mention:here')} can only be set with /subscribe or /edit.`);
        if (!context.mayMentionEveryone)
          throw new UserError(
            `${code('mention:here')} pings everyone online, so both you and Taza need the Mention Everyone permission in this server.`,
          );
      }
      change.mention = parsed.mention.kind === 'here' ? 'here' : `${parsed.mention.kind}:${parsed.mention.id}`;
    }
  }
  // Defaults are absent fields: silent off, images and edits on.
  if (input.silent !== undefined) change.silent = flag('silent', input.silent) ? true : null;
  if (input.images !== undefined) change.images = flag('images', input.images) ? null : false;
  if (input.edits !== undefined) change.edits = flag('edits', input.edits) ? null : false;
  if (input.thread !== undefined) {
    const text = input.thread.trim().toLowerCase();
    if (text === CLEAR || text === '') change.thread = null;
    else if (text === 'new') {
      if (context.platform !== 'discord') throw new UserError(`${code('thread:new')} is for Discord channels only.`);
      change.thread = 'new';
    } else throw new UserError(`${code('thread')} is ${code('new')} (a thread per alert) or ${code(CLEAR)}.`);
  }
  if (input.forumTags !== undefined) {
    const list = Array.isArray(input.forumTags) ? input.forumTags : input.forumTags.split(',');
    const tags = [...new Set(list.map((tag) => tag.trim()).filter((tag) => tag !== '' && tag.toLowerCase() !== CLEAR))];
    if (tags.length > MAX_FORUM_TAGS) throw new UserError(`A forum post carries at most ${MAX_FORUM_TAGS} tags.`);
    if (tags.some((tag) => [...tag].length > 20))
      throw new UserError('A Discord forum tag name is at most 20 characters.');
    if (tags.length > 0 && context.platform !== 'discord')
      throw new UserError(`${code('forum_tags')} is for Discord forum channels only.`);
    change.forumTags = tags.length > 0 ? tags : null;
  }
  return change;
}

/** The subscription with the change applied (null fields removed). */
export function applyStyle<T extends AlertStyle>(subscription: T, change: StyleChange): T {
  const next = { ...subscription } as Record<string, unknown>;
  for (const [field, value] of Object.entries(change)) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next as T;
}

/** "template `{title} {link}` · mention role:123 · silent · no images · no edits · thread per alert · tags a, b". */
export function describeStyle(subscription: AlertStyle): string | undefined {
  const parts: string[] = [];
  if (subscription.template) parts.push(`template ${code(subscription.template)}`);
  if (subscription.mention) parts.push(`mention ${code(subscription.mention)}`);
  if (subscription.silent) parts.push('silent');
  if (subscription.images === false) parts.push('no images');
  if (subscription.edits === false) parts.push('no edits');
  if (subscription.thread === 'new') parts.push('a thread per alert');
  if (subscription.forumTags?.length) parts.push(`forum tags ${subscription.forumTags.map(code).join(', ')}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** Saves the subscription with the change. */
export async function changeStyle(
  services: {
    subscriptions: { save(s: Subscription): Promise<unknown> };
    logger: { info(o: object, m: string): void };
  },
  subscription: Subscription,
  change: StyleChange,
): Promise<Subscription> {
  const next = applyStyle(subscription, change);
  await services.subscriptions.save(next);
  services.logger.info(
    {
      event: 'subscription.style',
      subscriptionId: subscription.id,
      scope: subscription.scope,
      fields: Object.keys(change),
    },
    'subscription presentation changed by command',
  );
  return next;
}
