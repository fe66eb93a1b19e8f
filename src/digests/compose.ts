/**
 * The messages one release posts: the held alerts of one subscription for one boundary, as one digest (split into
 * parts only when they do not fit one message of the platform), or the alert itself when quiet hours held just one.
 */
import type { Alert } from '../core/alert.js';
import { shortHash } from '../core/hash.js';
import type { DigestRecord, Subscription } from '../core/records.js';
import { splitDigest } from '../render/index.js';

export type HeldAlert = Extract<DigestRecord, { kind: 'held' }>;

/** A day of a busy feed is still a handful of messages: past this many parts the last says "…and N more". */
export const MAX_DIGEST_PARTS = 10;

function countLabel(count: number): string {
  return count === 1 ? '1 new alert' : `${count.toLocaleString('en-US')} new alerts`;
}

/** Held alerts in the order they were matched, so every instance composes the same parts with the same ids. */
export function inMatchOrder(held: readonly HeldAlert[]): HeldAlert[] {
  return [...held].sort((a, b) => a.order - b.order || a.alert.id.localeCompare(b.alert.id));
}

export function composeRelease(
  subscription: Pick<Subscription, 'id' | 'destination'>,
  releaseAt: number,
  held: readonly HeldAlert[],
  now: Date,
): Alert[] {
  const ordered = inMatchOrder(held);
  const alerts = ordered.map((record) => record.alert);
  const silent = ordered.some((record) => record.silent === true);
  const destination = subscription.destination;
  const onlyQuiet = ordered.every((record) => record.reason === 'quiet');
  // One alert held by quiet hours goes out as itself (with its summary), under its own id.
  if (onlyQuiet && alerts.length === 1) return [{ ...alerts[0]!, destination }];
  const parts = splitDigest(alerts, destination.platform, MAX_DIGEST_PARTS);
  const heading = onlyQuiet
    ? `Held during quiet hours: ${countLabel(alerts.length)}`
    : `Digest: ${countLabel(alerts.length)}`;
  return parts.map((part, index) => {
    const first = part[0]!;
    return {
      id: shortHash('scheduled-digest', subscription.id, String(releaseAt), String(index)),
      subscriptionId: subscription.id,
      destination,
      feed: first.feed,
      item: {
        key: `digest:${releaseAt}:${index}`,
        title: parts.length > 1 ? `${heading} (${index + 1}/${parts.length})` : heading,
        published: new Date(releaseAt).toISOString(),
      },
      summary: { text: '', dir: 'ltr' },
      matchedTerms: [...new Set(part.flatMap((alert) => alert.matchedTerms))],
      firstSeenAt: part.reduce((min, alert) => (alert.firstSeenAt < min ? alert.firstSeenAt : min), first.firstSeenAt),
      createdAt: now.toISOString(),
      digest: part,
      // As the burst digest does (outbox/digest.ts): the subscription's options, so a silent one stays silent.
      ...(first.style && { style: first.style }),
      ...(silent ? { silent: true } : {}),
    };
  });
}
