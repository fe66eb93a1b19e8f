/** What the steady-state run publishes, and how farm request records are summed over a window. */
import type { FarmRequestRecord } from '../farm/index.js';
import { seededRandom } from './stats.js';

/** The keyword every benchmark subscription watches; no farm headline contains it, only published items. */
export const KEYWORD = 'quetzal';

export interface PlannedPublication {
  /** ms after the window opens: when the publication is armed (it happens at the feed's next check + phase). */
  offsetMs: number;
  feed: number;
  /** Where in the feed's polling cycle it is published: this fraction of the interval after a check of the feed. */
  phase: number;
  /** A phrase unique to this publication, to find it in a delivered message. */
  tag: string;
  title: string;
}

/**
 * `count` publications into random feeds, at random moments of the feeds' polling cycles; the same for every
 * system and run. What a publication's latency measures is where it falls in the cycle of the feed it goes into
 * (a bot checking every interval finds it after interval × (1 − phase)); with 20 draws, a plain random moment
 * leaves the median wait ±3 s from run to run whatever the bot does (and, when a bot checks its feeds in bursts,
 * one draw decides all 20). So the phases are stratified: one uniformly random phase in each twentieth of the
 * cycle, shuffled over the publications, each published that far after the feed's next check. Publications are
 * armed at random moments of the window's first durationMs − 2 × intervalMs, so all are published within the window.
 */
export function planPublications(
  count: number,
  feeds: number,
  durationMs: number,
  intervalMs: number,
  seed = 9,
): PlannedPublication[] {
  const random = seededRandom(seed);
  const phases = Array.from({ length: count }, (_, k) => (k + random()) / count);
  for (let k = count - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [phases[k], phases[j]] = [phases[j]!, phases[k]!];
  }
  const armWindow = Math.max(1, durationMs - 2 * intervalMs);
  return phases
    .map((phase) => ({ offsetMs: Math.floor(random() * armWindow), feed: Math.floor(random() * feeds), phase }))
    .sort((a, b) => a.offsetMs - b.offsetMs)
    .map(({ offsetMs, feed, phase }, index) => {
      const tag = `bulletin ${index + 1} from desk ${feed}`;
      return { offsetMs, feed, phase, tag, title: `Quetzal sighting reported near the dam, ${tag}` };
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

export function trafficBetween(
  timeline: FarmRequestRecord[],
  from: number,
  to: number,
  changedFeeds: ReadonlySet<number>,
): WindowTraffic {
  const traffic: WindowTraffic = {
    requests: 0,
    bodyBytes: 0,
    wireBytes: 0,
    statuses: {},
    unchangedRequests: 0,
    unchangedBodyBytes: 0,
    unchangedWireBytes: 0,
    distinctFeeds: 0,
  };
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
