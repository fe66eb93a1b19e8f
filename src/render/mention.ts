/**
 * A subscription's `mention`: the one target an alert may ping on Discord. The ping goes in the message content and
 * allowed_mentions names exactly that target, so nothing else in the message (feed text included) can ping anyone.
 */
export type Mention = { kind: 'role'; id: string } | { kind: 'user'; id: string } | { kind: 'here' };

export type MentionParse = { ok: true; mention: Mention } | { ok: false; error: string };

const SNOWFLAKE = /^\d{15,22}$/;

/** `role:<id>`, `user:<id>` (or a pasted <@&id> / <@id>), `here`. */
export function parseMention(text: string): MentionParse {
  const value = text.trim();
  if (value.toLowerCase() === 'here' || value === '@here') return { ok: true, mention: { kind: 'here' } };
  const pasted = /^<@(&?)!?(\d+)>$/.exec(value);
  if (pasted) return parseMention(`${pasted[1] ? 'role' : 'user'}:${pasted[2]}`);
  const match = /^(role|user):(.+)$/i.exec(value);
  if (!match) return { ok: false, error: `"${value}" is not a mention: use role:<role id>, user:<user id> or here` };
  const id = match[2]!.trim();
  if (!SNOWFLAKE.test(id)) return { ok: false, error: `"${id}" is not a Discord ${match[1]!.toLowerCase()} id` };
  return { ok: true, mention: { kind: match[1]!.toLowerCase() as 'role' | 'user', id } };
}

export function formatMention(mention: Mention): string {
  return mention.kind === 'here' ? 'here' : `${mention.kind}:${mention.id}`;
}

export interface AllowedMentions {
  parse: Array<'everyone'>;
  roles?: string[];
  users?: string[];
}

/** The content that pings and the allowed_mentions that lets only it through (parse [] when there is none). */
export function mentionParts(text: string | undefined): { content?: string; allowed: AllowedMentions } {
  const parsed = text ? parseMention(text) : undefined;
  if (!parsed?.ok) return { allowed: { parse: [] } };
  const { mention } = parsed;
  if (mention.kind === 'here') return { content: '@here', allowed: { parse: ['everyone'] } };
  if (mention.kind === 'role') return { content: `<@&${mention.id}>`, allowed: { parse: [], roles: [mention.id] } };
  return { content: `<@${mention.id}>`, allowed: { parse: [], users: [mention.id] } };
}

/** Who a message for this subscription may ping: the sink applies it whatever the message says. */
export function allowedMentions(text: string | undefined): AllowedMentions {
  return mentionParts(text).allowed;
}
