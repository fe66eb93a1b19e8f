/**
 * Feed failures: counted, backed off, disabled when hopeless (410 Gone, or 30 days without a success),
 * and told once to the subscribers when a feed starts failing repeatedly and again when it recovers.
 */
import type { Alert } from '../core/alert.js';
import { formatDestination, type Destination } from '../core/destination.js';
import { shortHash } from '../core/hash.js';
import { FetchError } from '../fetcher/types.js';
import type { Logger } from '../log/logger.js';
import { ParseError } from '../parser/index.js';
import { StoreError } from '../store/errors.js';
import { countsTowardDisabling, isDisablingFailure, nextCheckDelayMs } from '../scheduler/policy.js';
import type { FeedError, FeedRecord } from '../core/records.js';
import type { PipelineDeps } from './deps.js';

/** Subscribers hear about a failing feed after this many consecutive failures (a blip is not news). */
export const FAILURES_BEFORE_NOTICE = 3;

export function describeError(error: unknown, now: Date): FeedError {
  if (error instanceof FetchError)
    return { kind: error.kind, message: error.message, at: now.toISOString(), status: error.details.status };
  if (error instanceof ParseError)
    return { kind: `parse:${error.kind}`, message: error.message, at: now.toISOString() };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error), at: now.toISOString() };
}

export async function noteFailure(
  deps: PipelineDeps,
  feed: FeedRecord,
  error: unknown,
  now: Date,
  log: Logger,
): Promise<void> {
  // The store failing is not the feed failing: no count, no back-off, no notice (the store health reports it).
  if (error instanceof StoreError) throw error;
  const lastError = describeError(error, now);
  // A publisher asking us to slow down is not the feed failing: it does not count toward disabling.
  const counts = countsTowardDisabling(lastError);
  const failures = counts ? feed.failures + 1 : Math.max(feed.failures, 1);
  const retryAfterMs = error instanceof FetchError ? error.details.retryAfterMs : undefined;
  const delay = nextCheckDelayMs({
    intervalMs: deps.settings.pollIntervalMs,
    minIntervalMs: deps.settings.minPollIntervalMs,
    cache: retryAfterMs !== undefined ? { retryAfterMs } : undefined,
    failures,
  });
  const updated: FeedRecord = {
    ...feed,
    lastCheckAt: now.toISOString(),
    lastError,
    failures,
    nextCheckAt: new Date(now.getTime() + delay).toISOString(),
  };
  const disabling = isDisablingFailure({
    error: { kind: lastError.kind, details: { status: lastError.status } },
    lastSuccessAt: feed.lastSuccessAt ? new Date(feed.lastSuccessAt) : undefined,
    createdAt: new Date(feed.createdAt),
    now,
  });
  if (disabling) {
    const reason =
      lastError.kind === 'gone' ? 'the server says the feed is gone (410)' : 'no successful fetch for 30 days';
    updated.disabled = { reason, at: now.toISOString() };
  }
  log.warn(
    {
      event: 'feed.error',
      kind: lastError.kind,
      status: lastError.status,
      failures,
      retryInMs: delay,
      disabled: updated.disabled?.reason,
    },
    lastError.message,
  );
  if ((failures >= FAILURES_BEFORE_NOTICE || updated.disabled) && !feed.failingNotified) {
    updated.failingNotified = true;
    const reason = updated.disabled
      ? `${updated.disabled.reason}; Taza has stopped checking it`
      : `${lastError.message}. Taza keeps trying.`;
    await notifySubscribers(
      deps,
      updated,
      'failing',
      `⚠ Feed failing: ${feed.title ?? feed.url}`,
      `${feed.url} failed ${failures === 1 ? 'once' : `${failures} times in a row`}: ${reason}`,
      now,
    );
  }
  await deps.feeds.save(updated);
}

export async function noteRecovery(deps: PipelineDeps, feed: FeedRecord, now: Date, log: Logger): Promise<void> {
  log.info({ event: 'feed.recovered' }, 'feed works again');
  if (!feed.failingNotified) return;
  feed.failingNotified = false;
  await notifySubscribers(
    deps,
    feed,
    'recovered',
    `✅ Feed working again: ${feed.title ?? feed.url}`,
    `${feed.url} can be fetched again; alerts resume.`,
    now,
  );
}

/** One notice per destination, through the outbox like any alert (so it is never lost and never doubled). */
async function notifySubscribers(
  deps: PipelineDeps,
  feed: FeedRecord,
  kind: string,
  title: string,
  text: string,
  now: Date,
): Promise<void> {
  const destinations = new Map<string, { destination: Destination; subscriptionId: string }>();
  for (const subscription of deps.subscriptions.byFeed(feed.id)) {
    if (subscription.paused) continue;
    destinations.set(formatDestination(subscription.destination), {
      destination: subscription.destination,
      subscriptionId: subscription.id,
    });
  }
  for (const [key, { destination, subscriptionId }] of destinations) {
    const alert: Alert = {
      id: shortHash('notice', kind, feed.id, key, now.toISOString()),
      subscriptionId,
      destination,
      feed: { id: feed.id, url: feed.url, title: feed.title ?? feed.url },
      item: { key: `notice:${kind}`, title, link: feed.link, published: now.toISOString() },
      summary: { text, dir: 'ltr' },
      matchedTerms: [],
      firstSeenAt: now.toISOString(),
      createdAt: now.toISOString(),
    };
    await deps.outbox.enqueue(alert, now);
  }
}
