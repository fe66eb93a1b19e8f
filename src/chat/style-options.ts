/**
 * The presentation options `subscribe` and `edit` share, defined once so both commands (and `help`) name them alike,
 * and read from a command's options into the change the subscription rules apply.
 */
import { readStyle, type StyleChange } from '../subscriptions/alert-style.js';
import type { CommandContext, OptionDefinition } from './definition.js';

export const STYLE_OPTIONS: readonly OptionDefinition[] = [
  {
    name: 'template',
    type: 'string',
    namedOnly: true,
    maxLength: 600,
    description: 'Message text: {title} {link} {summary:300} {terms} {feed} {published:Asia/Karachi}; none = default',
  },
  {
    name: 'mention',
    type: 'string',
    namedOnly: true,
    maxLength: 40,
    description: 'Discord: ping role:<id>, user:<id> or here with each alert; none = no ping',
  },
  { name: 'silent', type: 'boolean', namedOnly: true, description: 'Post without a notification sound' },
  { name: 'images', type: 'boolean', namedOnly: true, description: "Show the item's image (default yes)" },
  {
    name: 'edits',
    type: 'boolean',
    namedOnly: true,
    description: 'Edit a posted alert when its item changes (default yes)',
  },
  {
    name: 'thread',
    type: 'string',
    namedOnly: true,
    maxLength: 8,
    description: 'Discord text channel: new = start a thread from each alert; none = no thread',
  },
  {
    name: 'forum_tags',
    type: 'string',
    namedOnly: true,
    maxLength: 200,
    description: 'Discord forum: tags for each post, by name, comma-separated',
  },
];

const STRING_FIELDS = { template: 'template', mention: 'mention', thread: 'thread', forum_tags: 'forumTags' } as const;
const BOOLEAN_FIELDS = ['silent', 'images', 'edits'] as const;

/** The style options the command was given, checked; an empty change when none was. */
export function readStyleOptions(ctx: Pick<CommandContext, 'options' | 'platform' | 'target' | 'user'>): StyleChange {
  const input: Record<string, string | boolean> = {};
  for (const [option, field] of Object.entries(STRING_FIELDS))
    if (ctx.options.has(option)) input[field] = ctx.options.string(option);
  for (const option of BOOLEAN_FIELDS) if (ctx.options.has(option)) input[option] = ctx.options.boolean(option);
  return readStyle(input, {
    platform: ctx.target.destination.platform,
    mayMentionEveryone: ctx.user.mayMentionEveryone,
  });
}
