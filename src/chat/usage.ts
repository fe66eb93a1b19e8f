/** How a command is written on each platform, for help and for hints in refusals. */
import type { CommandContext, CommandDefinition } from './definition.js';

type ChatPlatform = CommandContext['platform'];

function textPositionals(definition: CommandDefinition) {
  return definition.options.filter((o) => o.type !== 'channel' && o.type !== 'attachment' && !o.namedOnly);
}

function textNamed(definition: CommandDefinition) {
  return definition.options.filter((o) => o.namedOnly);
}

/**
 * `/subscribe feed:<feed> keywords:<keywords> [channel:<channel>]` or `/subscribe [@channel] <feed> <keywords>`; options
 * given only by name in the text form (`silent:yes`) are `[option:value …]` there, each explained by help.
 */
export function usageLine(platform: ChatPlatform, definition: CommandDefinition): string {
  if (platform === 'discord') {
    const parts = definition.options.map((o) => (o.required ? `${o.name}:<${o.name}>` : `[${o.name}:<${o.name}>]`));
    return [`/${definition.name}`, ...parts].join(' ');
  }
  const parts: string[] = [];
  if (definition.options.some((o) => o.type === 'channel')) parts.push('[@channel]');
  for (const o of textPositionals(definition)) parts.push(o.required ? `<${o.name}>` : `[${o.name}]`);
  if (textNamed(definition).length > 0) parts.push('[option:value …]');
  if (definition.options.some((o) => o.type === 'attachment')) parts.push('(with the file attached)');
  return [`/${definition.name}`, ...parts].join(' ');
}

/** One example invocation in the platform's syntax. */
export function formatExample(
  platform: ChatPlatform,
  definition: CommandDefinition,
  values: Readonly<Record<string, string>>,
): string {
  if (platform === 'discord') {
    const parts = definition.options
      .filter((o) => values[o.name] !== undefined)
      .map((o) => `${o.name}:${values[o.name]}`);
    return [`/${definition.name}`, ...parts].join(' ');
  }
  const parts: string[] = [];
  const channel = definition.options.find((o) => o.type === 'channel');
  if (channel && values[channel.name])
    parts.push(values[channel.name]!.startsWith('@') ? values[channel.name]! : '@mychannel');
  const given = textPositionals(definition).filter((o) => values[o.name] !== undefined);
  given.forEach((o, i) => {
    const value = values[o.name]!;
    const last = i === given.length - 1 && o.multiword === true;
    parts.push(!last && /\s/.test(value) ? `"${value}"` : value);
  });
  for (const o of textNamed(definition))
    if (values[o.name] !== undefined)
      parts.push(`${o.name}:${/\s/.test(values[o.name]!) ? `"${values[o.name]}"` : values[o.name]}`);
  const attachment = definition.options.find((o) => o.type === 'attachment');
  if (attachment && values[attachment.name])
    parts.push(`(as the caption of ${values[attachment.name]}, or replying to it)`);
  return [`/${definition.name}`, ...parts].join(' ');
}
