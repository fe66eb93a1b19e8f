/** What a viewer may see: every record for the self-hoster, only its server's or chat's for a scoped session. */
import { formatDestination } from '../core/destination.js';
import type { FeedRecord, OutboxEntry, Subscription } from '../core/records.js';
import type { DashboardDeps } from './deps.js';
import { sees, type Viewer } from './viewer.js';

export function visibleSubscriptions(deps: DashboardDeps, viewer: Viewer): Subscription[] {
  const all = viewer.kind === 'owner' ? deps.subscriptions.all() : deps.subscriptions.byScope(viewer.scope);
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function visibleFeeds(deps: DashboardDeps, viewer: Viewer): FeedRecord[] {
  if (viewer.kind === 'owner') return deps.feeds.all();
  const ids = new Set(visibleSubscriptions(deps, viewer).map((s) => s.feedId));
  return [...ids].flatMap((id) => deps.feeds.get(id) ?? []);
}

export function visibleFeed(deps: DashboardDeps, viewer: Viewer, feedId: string): FeedRecord | undefined {
  const feed = deps.feeds.get(feedId);
  if (!feed) return undefined;
  if (viewer.kind === 'owner' || deps.subscriptions.byFeed(feedId).some((s) => sees(viewer, s))) return feed;
  return undefined;
}

/** Outbox entries for the viewer's subscriptions, or for destinations they post to (removed ones included). */
export function visibleEntries(deps: DashboardDeps, viewer: Viewer, entries: readonly OutboxEntry[]): OutboxEntry[] {
  if (viewer.kind === 'owner') return [...entries];
  const mine = visibleSubscriptions(deps, viewer);
  const ids = new Set(mine.map((s) => s.id));
  const destinations = new Set(mine.map((s) => formatDestination(s.destination)));
  destinations.add(formatDestination(viewer.destination));
  return entries.filter(
    (e) => ids.has(e.alert.subscriptionId) || destinations.has(formatDestination(e.alert.destination)),
  );
}

export type FeedHealth = { state: 'ok' | 'failing' | 'disabled' | 'new'; reason?: string };

export function feedHealth(feed: FeedRecord): FeedHealth {
  if (feed.disabled) return { state: 'disabled', reason: feed.disabled.reason };
  if (feed.failures > 0)
    return { state: 'failing', reason: feed.lastError ? feed.lastError.message : `${feed.failures} failed checks` };
  if (!feed.lastCheckAt) return { state: 'new', reason: 'not checked yet' };
  return { state: 'ok' };
}

export const HEALTH_LABEL: Record<FeedHealth['state'], string> = {
  ok: 'OK',
  failing: 'Failing',
  disabled: 'Disabled',
  new: 'Not checked yet',
};

/** The feed's name for lists: its title, else its URL. */
export function feedTitle(feed: FeedRecord | undefined): string {
  return feed?.title?.trim() || feed?.url || '(removed feed)';
}
