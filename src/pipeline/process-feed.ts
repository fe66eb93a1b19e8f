/**
 * One check of one feed, through every stage:
 * fetch → parse → identify → detect new → match → summarize → outbox.
 * Every path, success or failure, saves the feed's state and its next check time.
 */
import type { FeedItem, ParsedFeed } from '../core/feed.js';
import { detectNewItems, SEEN_TTL_MS, type NewItem } from '../detector/index.js';
import type { FetchResult } from '../fetcher/types.js';
import type { Logger } from '../log/logger.js';
import { shouldForceRefresh, shouldSpread } from '../scheduler/policy.js';
import type { FeedRecord } from '../core/records.js';
import { buildAlert, enqueueAlert, scopeTemplate } from './alert.js';
import { evaluateItem } from './evaluate-item.js';
import { editChangedItems } from './item-updates.js';
import type { PipelineDeps } from './deps.js';
import { articleHtml } from './article-html.js';
import { describeError, noteFailure } from './feed-health.js';
import { finishSuccess } from './finish-success.js';
import { lazyChild } from '../log/lazy-child.js';
import { readFeedIfChanged } from './read-feed.js';

type SeenStore = PipelineDeps['store']['seen'];

export type CheckOutcome = 'not-modified' | 'unchanged' | 'parsed' | 'error';

/**
 * With other instances: an item claimed as new whose claim is still pending after this long was left by an
 * instance that died before its alerts were in the outbox, and is processed again. Longer than a job's lock and
 * than a check's fetches take, so a live claimer is never second-guessed in practice (and if it were, the alert
 * ids are the same: the outbox takes each once).
 */
export const STALE_CLAIM_MS = 60_000;

/**
 * `held`: the feed as the store gave it under the scheduler's hold of the feed, when the scheduler read it (the
 * engine does, to see whether the due time was checked already): the same record, not read twice.
 */
export async function processFeed(deps: PipelineDeps, feedId: string, held?: FeedRecord): Promise<CheckOutcome> {
  const now = deps.now?.() ?? new Date();
  // Shared: another instance may have checked it last (validators, body hash, baseline), so the store's record.
  const feed = held ?? (deps.feeds.shared ? await deps.feeds.refresh(feedId) : deps.feeds.get(feedId));
  if (!feed || feed.disabled) return 'error';
  // A child logger costs more than an unchanged check itself; most checks log nothing.
  const log = lazyChild(deps.logger, { feedId: feed.id, feedUrl: feed.url });
  const unconditional = shouldForceRefresh(
    feed.lastUnconditionalAt ? new Date(feed.lastUnconditionalAt) : undefined,
    now,
  );
  let result: FetchResult;
  try {
    result = await deps.fetcher({
      url: feed.url,
      validators: { etag: feed.etag, lastModified: feed.lastModified },
      unconditional,
    });
  } catch (error) {
    // A fetch that failed is counted by its error kind; a parse failure below was already counted by status.
    deps.metrics?.feedCheck(describeError(error, now).kind, 0);
    await noteFailure(deps, feed, error, now, log);
    return 'error';
  }
  const updated: FeedRecord = { ...feed, lastCheckAt: now.toISOString() };
  const spread = shouldSpread({
    baselineTaken: feed.baselineTaken,
    dueAt: new Date(feed.nextCheckAt),
    now,
    intervalMs: deps.settings.pollIntervalMs,
  });
  if (unconditional) updated.lastUnconditionalAt = now.toISOString();
  if (result.validators) {
    // Each validator is updated on its own: a 304 may carry a new ETag and no Last-Modified.
    if (result.validators.etag !== undefined) updated.etag = result.validators.etag;
    if (result.validators.lastModified !== undefined) updated.lastModified = result.validators.lastModified;
  } else if (result.kind === 'fetched') {
    delete updated.etag;
    delete updated.lastModified;
  }
  if (result.kind === 'not-modified') {
    deps.metrics?.feedCheck('304', result.bytes);
    await finishSuccess(deps, updated, now, { cache: result.cache, spread }, log);
    return 'not-modified';
  }
  deps.metrics?.feedCheck(String(result.status), result.bytes);
  if (result.permanentRedirect && result.finalUrl !== feed.url) {
    log.info({ event: 'feed.moved', to: result.finalUrl }, 'feed moved permanently; URL updated');
    updated.url = result.finalUrl;
  }
  let read: Awaited<ReturnType<typeof readFeedIfChanged>>;
  try {
    // In a worker thread for big bodies (the fingerprint too): a costly feed waits there while the other feeds
    // are checked. A byte-identical body (volatile dates aside) is not parsed again.
    read = await readFeedIfChanged(feed.baselineTaken ? feed.bodyHash : undefined, result.body, result.contentType, {
      baseUrl: result.finalUrl,
      now,
      reader: deps.reader,
      html: false,
      transfer: true,
    });
  } catch (error) {
    await noteFailure(deps, feed, error, now, log);
    return 'error';
  }
  if (read.unchanged) {
    await finishSuccess(deps, updated, now, { cache: result.cache, spread }, log);
    return 'unchanged';
  }
  const { parsed, items, texts } = read;
  updated.bodyHash = read.bodyHash;
  updated.title = parsed.title || updated.title;
  updated.link = parsed.link ?? updated.link;
  updated.language = parsed.language ?? updated.language;
  const textOf = new Map(items.map((item, index) => [item, texts[index]!]));
  deps.metrics?.itemsSeen(items.length);
  // The items are recorded as seen only once their alerts are in the outbox: if the store fails in between,
  // the next check finds them unseen and enqueues them (same alert ids, so never twice), instead of an item
  // marked seen whose alert was never saved.
  let seenLater: Parameters<SeenStore['setMany']>[0] = [];
  const deferredSeen = {
    getMany: (keys: string[]) => deps.store.seen.getMany(keys),
    setMany: async (entries: Parameters<SeenStore['setMany']>[0]) => {
      seenLater = entries;
      return [];
    },
  } as unknown as SeenStore;
  const detection = await detectNewItems({
    feedId: feed.id,
    items,
    seen: deferredSeen,
    baseline: !feed.baselineTaken,
    now,
    maxItemAgeMs: deps.settings.maxItemAgeMs,
    ...(deps.feeds.shared ? { staleClaimMs: STALE_CLAIM_MS } : {}),
  });
  if (!feed.baselineTaken)
    log.info({ event: 'feed.baseline', items: items.length }, 'first fetch: items recorded silently');
  updated.baselineTaken = true;
  let enqueued = 0;
  const lost = new Set<string>();
  for (const entry of detection.fresh) {
    const { item, firstSeenAt } = entry;
    if (deps.feeds.shared && !(await claimItem(deps, entry, now))) {
      // Another instance claimed it first: its alerts are that instance's to enqueue, and its pending mark stays.
      for (const key of entry.keys) lost.add(key);
      continue;
    }
    enqueued += await alertFor(deps, updated, parsed, item, textOf.get(item) ?? '', firstSeenAt, now, log);
  }
  // Written after the alerts are in the outbox: this also clears the pending marks of the items claimed.
  const toRecord = lost.size > 0 ? seenLater.filter((entry) => !lost.has(entry.key)) : seenLater;
  if (toRecord.length > 0) await deps.store.seen.setMany(toRecord);
  if (lost.size > 0 || detection.pendingElsewhere > 0) {
    // Items another instance is alerting on: should it die before they are in the outbox, only a full read of
    // this body finds them again. So the body is not marked as read (validators, hash): the next check reads it.
    for (const field of ['etag', 'lastModified', 'bodyHash'] as const) {
      if (feed[field] === undefined) delete updated[field];
      else updated[field] = feed[field];
    }
  }
  const freshItems = new Set(detection.fresh.map(({ item }) => item));
  // A baseline posts nothing, so it has nothing to edit: matching its items (every one first seen just now) would
  // only build every feed's match index in the first cycle.
  if (feed.baselineTaken)
    await editChangedItems(deps, {
      feed: updated,
      parsed,
      items: items.filter((item) => !freshItems.has(item)),
      textOf: (item) => textOf.get(item) ?? '',
      now,
      log,
    });
  deps.metrics?.alertsMatched(enqueued);
  if (detection.fresh.length > 0 || detection.silenced > 0) {
    log.info(
      { event: 'feed.items', fresh: detection.fresh.length, silenced: detection.silenced, alerts: enqueued },
      'new items',
    );
  }
  await finishSuccess(deps, updated, now, { cache: result.cache, ttlMinutes: parsed.ttlMinutes, spread }, log);
  return 'parsed';
}

/**
 * A body the publisher pushed (WebSub), checked exactly as a polled one: the check's fetch of the feed answers with
 * this body (and keeps the stored validators); every other fetch (an article page) goes to the real fetcher.
 */
export function processPushedFeed(
  deps: PipelineDeps,
  feedId: string,
  body: Buffer,
  contentType: string | undefined,
): Promise<CheckOutcome> {
  const feed = deps.feeds.get(feedId);
  let pushed = false;
  const fetcher: PipelineDeps['fetcher'] = async (request) => {
    if (pushed || !feed || request.url !== feed.url) return deps.fetcher(request);
    pushed = true;
    const validators = { etag: feed.etag, lastModified: feed.lastModified };
    const type = contentType ? { contentType } : {};
    return {
      kind: 'fetched',
      status: 200,
      body,
      ...type,
      finalUrl: feed.url,
      permanentRedirect: false,
      validators,
      cache: {},
      bytes: body.length,
    };
  };
  return processFeed({ ...deps, fetcher }, feedId);
}

/**
 * With other instances on the store: whether this check is the one to alert on the item. The claim is atomic in
 * the backend (insert-if-absent), so of two instances that see the item at once exactly one gets it; it is made
 * pending, and cleared once the alerts are in the outbox. A stale claim (its claimer died) is taken over.
 */
async function claimItem(deps: PipelineDeps, entry: NewItem, now: Date): Promise<boolean> {
  if (entry.reclaimed) return true;
  const record = { firstSeenAt: entry.firstSeenAt, pendingSince: now.toISOString() };
  return deps.store.insertIfAbsent('seen', entry.keys[0]!, record, SEEN_TTL_MS);
}

/** Matches one new item against the feed's subscriptions and puts one alert per match in the outbox. */
async function alertFor(
  deps: PipelineDeps,
  feed: FeedRecord,
  parsed: ParsedFeed,
  item: FeedItem,
  text: string,
  firstSeenAt: string,
  now: Date,
  log: Logger,
): Promise<number> {
  const matches = deps.subscriptions.match(feed.id, {
    title: item.title,
    text,
    link: item.link,
    author: item.author,
    categories: item.categories,
  });
  if (matches.length === 0) return 0;
  const article = await articleHtml(deps, feed, item, text);
  const html = article.html;
  // The page's picture stands in for the item's own, which it never replaces.
  const shown = article.image ? { ...item, image: article.image } : item;
  let count = 0;
  for (const { subscription, result } of matches) {
    const evaluation = evaluateItem(shown, parsed, result, deps.settings, { html, text });
    const defaultTemplate = await scopeTemplate(deps.store, subscription);
    const alert = buildAlert({
      subscription,
      feed,
      parsed,
      item: shown,
      evaluation,
      firstSeenAt,
      now,
      scopeTemplate: defaultTemplate,
    });
    const outcome = await enqueueAlert(deps, alert, now);
    if (outcome === 'duplicate-story') {
      log.info(
        { event: 'alert.duplicate-story', subscriptionId: subscription.id, itemId: item.key, itemLink: item.link },
        'same story already posted to this destination',
      );
    } else if (outcome === 'enqueued') {
      log.info(
        { event: 'alert.enqueued', alertId: alert.id, subscriptionId: subscription.id, itemId: item.key },
        'alert in the outbox',
      );
      count++;
      await deps.subscriptions.save({ ...subscription, lastAlertAt: now.toISOString() });
    }
  }
  return count;
}
