/** What the steady-state run publishes, and how farm request records are summed over a window. */
import type { FarmRequestRecord } from '../farm/index.js';
import { seededRandom } from './stats.js';

/** The keyword every benchmark subscription watches; no farm headline contains it, only published items. */
export const KEYWORD = 'quetzal';

export interface PlannedPublication {
  /** ms after the window opens. */
  offsetMs: number;
  feed: number;
  /** A phrase unique to this publication, to find it in a delivered message. */
  tag: string;
  title: string;
}

/** `count` publications at random moments in [0, durationMs) into random feeds; the same for every system and run. */
export function planPublications(count: number, feeds: number, durationMs: number, seed = 9): PlannedPublication[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => ({ offsetMs: Math.floor(random() * durationMs), feed: Math.floor(random() * feeds) }))
    .sort((a, b) => a.offsetMs - b.offsetMs)
    .map(({ offsetMs, feed }, index) => {
      const tag = `bulletin ${index + 1} from desk ${feed}`;
      return { offsetMs, feed, tag, title: `Quetzal sighting reported near the dam, ${tag}` };
    });
}

export interface WindowTraffic {
  requests: number;
  bodyBytes: number;
  wireBytes: number;
  statuses: Record<string, number>;
  /** Requests for feeds nothing was published into during the run: every one of them an unchanged check. */
  unchangedRequests: number;
  unchangedBodyBytes: number;
  unchangedWireBytes: number;
  distinctFeeds: number;
}

export function trafficBetween(timeline: FarmRequestRecord[], from: number, to: number, changedFeeds: ReadonlySet<number>): WindowTraffic {
  const traffic: WindowTraffic = { requests: 0, bodyBytes: 0, wireBytes: 0, statuses: {}, unchangedRequests: 0, unchangedBodyBytes: 0, unchangedWireBytes: 0, distinctFeeds: 0 };
  const feeds = new Set<number>();
  for (const [at, feed, status, body, wire] of timeline) {
    if (at < from || at > to) continue;
    traffic.requests += 1;
    traffic.bodyBytes += body;
    traffic.wireBytes += wire;
    traffic.statuses[status] = (traffic.statuses[status] ?? 0) + 1;
    feeds.add(feed);
    if (!changedFeeds.has(feed)) {
      traffic.unchangedRequests += 1;
      traffic.unchangedBodyBytes += body;
      traffic.unchangedWireBytes += wire;
    }
  }
  traffic.distinctFeeds = feeds.size;
  return traffic;
}
