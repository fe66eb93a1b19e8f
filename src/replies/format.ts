/** Shared wording for subscriptions, feeds and times in replies. */
import { describeSchedule } from '../core/delivery-schedule.js';
import type { Destination } from '../core/destination.js';
import type { FeedRecord, Subscription } from '../core/records.js';
import { bold, code, esc, link } from './markup.js';
import type { FeedRegistry } from '../registry/feeds.js';

/** A count with its noun in the right number: "1 subscription", "3 subscriptions", "0 items". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** "3 min ago", "in 2 h", "just now". */
export function relativeTime(iso: string | undefined, now: Date): string {
  if (!iso) return 'never';
  const ms = Date.parse(iso) - now.getTime();
  const abs = Math.abs(ms);
  if (abs < 45_000) return ms <= 0 ? 'just now' : 'in a moment';
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
  ];
  const [size, unit] = units.find(([size]) => abs >= size) ?? [60_000, 'min'];
  const amount = Math.round(abs / size);
  return ms < 0 ? `${amount} ${unit} ago` : `in ${amount} ${unit}`;
}

/** Where alerts go, as the platform shows it: a Discord channel mention, a Telegram chat ('here' for the current one). */
export function destinationLabel(destination: Destination, here?: Destination): string {
  if (
    here &&
    destination.platform === here.platform &&
    destination.id === here.id &&
    destination.topicId === here.topicId &&
    destination.platform === 'telegram'
  )
    return destination.topicId ? 'this topic' : 'this chat';
  if (destination.platform === 'discord') return `<#${destination.id}>`;
  if (destination.platform === 'telegram') {
    const chat = destination.id.startsWith('@') ? esc(destination.id) : `chat ${code(destination.id)}`;
    return destination.topicId ? `topic ${code(destination.topicId)} of ${chat}` : chat;
  }
  return 'the console';
}

export function feedName(feed: FeedRecord | undefined, fallback = '(unknown feed)'): string {
  return feed ? bold(feed.title || feed.url) : esc(fallback);
}

function feedState(feed: FeedRecord | undefined): string | undefined {
  if (!feed) return 'feed missing';
  if (feed.disabled) return `feed disabled: ${esc(feed.disabled.reason)}`;
  if (feed.failures > 0 && feed.lastError) return `feed failing (${feed.failures}×): ${esc(feed.lastError.message)}`;
  return undefined;
}

function subscriptionState(subscription: Subscription, feed: FeedRecord | undefined, now: Date): string {
  const parts: string[] = [];
  if (subscription.paused) {
    const why =
      subscription.paused.by === 'delivery'
        ? `Taza could not post there: ${esc(subscription.paused.reason)}`
        : esc(subscription.paused.reason);
    parts.push(`⏸ paused ${relativeTime(subscription.paused.at, now)} (${why})`);
  } else {
    parts.push('▶ active');
  }
  const failing = feedState(feed);
  if (failing) parts.push(`⚠ ${failing}`);
  return parts.join(' · ');
}

/** One subscription in a list: id, feed, keywords, destination, state, last alert. */
export function subscriptionEntry(
  feeds: Pick<FeedRegistry, 'get'>,
  subscription: Subscription,
  now: Date,
  here?: Destination,
): string {
  const feed = feeds.get(subscription.feedId);
  return [
    `${code(subscription.id)} ${feedName(feed)}`,
    `  keywords: ${code(subscription.query)} → ${destinationLabel(subscription.destination, here)}`,
    ...(subscription.schedule ? [`  delivery: ${esc(describeSchedule(subscription.schedule))}`] : []),
    `  ${subscriptionState(subscription, feed, now)} · last alert: ${relativeTime(subscription.lastAlertAt, now)}`,
  ].join('\n');
}

/** The feed line of a subscribe/import reply. */
export function feedLine(feed: FeedRecord): string {
  return feed.title ? `${bold(feed.title)} (${link(feed.url)})` : link(feed.url);
}
