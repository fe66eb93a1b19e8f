/**
 * One alert as one Discord embed, in the REST API's JSON shape (the adapter sends it as-is).
 * Limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */
import type { Alert, TextDirection } from '../core/alert.js';
import { detectDirection } from '../summarizer/direction.js';
import { isolateInline, withDirection } from './bidi.js';
import { displayTitle, type Fitter, fitSentences, fitWords, isoTime, oneLine, safeLink } from './common.js';
import { escapeDiscordMarkdown, neutralizeDiscordMentions } from './escape.js';
import { alertImage } from './image.js';
import { type AllowedMentions, mentionParts } from './mention.js';
import { parseTemplate, renderTemplate } from './template.js';

export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  fields: 25,
  /** Sum of all titles, descriptions, field names and values, footer and author texts in a message. */
  total: 6000,
} as const;

export interface DiscordEmbed {
  title?: string;
  url?: string;
  description?: string;
  /** ISO 8601. */
  timestamp?: string;
  color?: number;
  footer?: { text: string };
  author?: { name: string; url?: string };
  fields?: { name: string; value: string; inline?: boolean }[];
  image?: { url: string };
}

export interface DiscordMessage {
  /** Only the subscription's own mention, never feed text. */
  content?: string;
  embeds: DiscordEmbed[];
  /** Empty, or exactly the subscription's mention target: feed text never pings anyone. */
  allowed_mentions: AllowedMentions;
  /** SUPPRESS_NOTIFICATIONS for a silent alert (set by render/index.ts, digests included). */
  flags?: number;
}

/** Discord's message flag that posts without a push or desktop notification. */
export const SUPPRESS_NOTIFICATIONS = 1 << 12;

/** Taza green. */
export const DISCORD_COLOR = 0x1f9d55;

const length = (prepared: string): number => prepared.length;

/** Feed text in a markdown field (title, description, field values): direction marks, then escaping. */
export function markdownFitter(dir: TextDirection): Fitter {
  return { prepare: (raw) => escapeDiscordMarkdown(withDirection(raw, dir)), measure: length };
}

/** Feed text in a plain-text field (footer, author): Discord shows it verbatim, so no escaping. */
function plainFitter(dir: TextDirection): Fitter {
  return { prepare: (raw) => withDirection(raw, dir), measure: length };
}

/** Every character Discord counts towards the 6000 total. */
export function discordEmbedLength(embed: DiscordEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

/** "bitcoin, crypto council", dropping terms from the end (with "…") past the field limit. */
function matchedTermsValue(terms: string[]): string | undefined {
  const shown: string[] = [];
  const all = terms.map(oneLine).filter(Boolean);
  for (const [index, term] of all.entries()) {
    const next = escapeDiscordMarkdown(isolateInline(term));
    const moreAfter = index < all.length - 1 ? ', …'.length : 0;
    if ([...shown, next].join(', ').length + moreAfter > DISCORD_LIMITS.fieldValue) {
      shown.push('…');
      break;
    }
    shown.push(next);
  }
  return shown.length > 0 ? shown.join(', ') : undefined;
}

/** The parts every alert message shares, whatever its embed: the mention and who it may ping. */
function envelope(alert: Alert, embed: DiscordEmbed): DiscordMessage {
  const { content, allowed } = mentionParts(alert.style?.mention);
  const image = alertImage(alert);
  return {
    ...(content && { content }),
    embeds: [{ ...embed, ...(image && { image: { url: image } }) }],
    allowed_mentions: allowed,
  };
}

/** A templated alert: the filled-in template as the embed's text (markdown-escaped: it shows as typed). */
function templatedEmbed(alert: Alert, template: string): DiscordEmbed | undefined {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return undefined;
  const description = renderTemplate(parsed.parts, alert, {
    escape: escapeDiscordMarkdown,
    link: neutralizeDiscordMentions,
    measure: length,
    limit: DISCORD_LIMITS.description,
  });
  return description === '' ? undefined : { description, color: DISCORD_COLOR };
}

export function renderDiscord(alert: Alert): DiscordMessage {
  const templated = alert.style?.template ? templatedEmbed(alert, alert.style.template) : undefined;
  return envelope(alert, templated ?? defaultEmbed(alert));
}

function defaultEmbed(alert: Alert): DiscordEmbed {
  const { dir, lang } = alert.summary;
  const title = fitWords(displayTitle(alert), DISCORD_LIMITS.title, markdownFitter(dir), lang);
  const url = safeLink(alert.item.link);
  const feedName = oneLine(alert.feed.title) || (safeLink(alert.feed.url) ? new URL(alert.feed.url).host : 'feed');
  const footer = fitWords(feedName, DISCORD_LIMITS.footer, plainFitter(detectDirection(feedName).dir));
  const timestamp = isoTime(alert.item.published);
  const terms = matchedTermsValue(alert.matchedTerms);
  const fields = terms ? [{ name: 'Matched', value: terms, inline: true }] : undefined;

  // The summary gets what is left of the message total once everything else is placed.
  const placed = discordEmbedLength({ title, footer: { text: footer }, ...(fields && { fields }) });
  const room = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.total - placed);
  const description = fitSentences(alert.summary.text, room, markdownFitter(dir), lang);

  const embed: DiscordEmbed = {
    title,
    ...(url && { url }),
    ...(description !== '' && { description }),
    color: DISCORD_COLOR,
    ...(fields && { fields }),
    footer: { text: footer },
    ...(timestamp && { timestamp }),
  };
  return embed;
}
