/**
 * Steady state: 1,000 feeds over 250 hosts, a 30 s interval, 2 minutes, 20 items published at random moments into
 * random feeds (moments stratified over the feeds' polling cycles: see planPublications). Taza (a real `taza run`,
 * alerts to the fake Telegram) and then the peer, each against the same farm and the same publications. Latency is publish → fake Telegram receipt for Taza, publish → 'new-item' for the peer.
 */
import { startFakeTelegram } from '../tests/fakes/telegram.js';
import { spawnFarm, type FarmProcess } from './farm/process.js';
import { ProcessSampler } from './lib/proc.js';
import { pause, percentile, round } from './lib/stats.js';
import type { Row } from './lib/table.js';
import { startTaza } from './lib/taza.js';
import {
  KEYWORD,
  planPublications,
  trafficBetween,
  type PlannedPublication,
  type WindowTraffic,
} from './lib/workload.js';
import { startPeer, type PeerEvent } from './peer/peer.js';

export interface SteadyOptions {
  feeds: number;
  hosts: number;
  intervalMs: number;
  durationMs: number;
  publications: number;
}

export const STEADY_DEFAULTS: SteadyOptions = {
  feeds: 1000,
  hosts: 250,
  intervalMs: 30_000,
  durationMs: 120_000,
  publications: 20,
};

/** Private chats the alerts are spread over, so Telegram's per-chat pacing (1 message/s) rarely adds latency. */
const CHATS = Array.from({ length: 50 }, (_, i) => 5000 + i);

interface Published extends PlannedPublication {
  id: string;
  publishedAt: number;
}

export interface SystemFigures {
  cpuMsPerCheck: number;
  traffic: WindowTraffic;
  windowMs: number;
  peakRssMb: number;
  published: number;
  /** Published items that arrived exactly once. */
  deliveredOnce: number;
  duplicates: number;
  missing: number;
  /** Messages or events for anything that was not published. */
  unexpected: number;
  latencyMs: number[];
  /** Next request of the feed after the publish → receipt: the part of the latency the poll interval does not explain. */
  processingMs: number[];
  /** Per publication, ms from the window's start: when published, the feed's requests, the arrivals. */
  items: Array<{ feed: number; publishedAt: number; requests: number[]; arrivals: number[] }>;
}

/** Arms each publication at its moment; the farm publishes it at its phase after the feed's next check. */
async function publishOnSchedule(
  farm: FarmProcess,
  plan: PlannedPublication[],
  windowStart: number,
  intervalMs: number,
): Promise<Published[]> {
  const pending: Array<Promise<Published>> = [];
  for (const entry of plan) {
    await pause(Math.max(0, windowStart + entry.offsetMs - Date.now()));
    pending.push(
      farm
        .publishAfterNextRequest(entry.feed, entry.phase * intervalMs, 2 * intervalMs, { title: entry.title })
        .then((item) => ({ ...entry, id: item.id, publishedAt: Date.parse(item.publishedAt) })),
    );
  }
  const published = await Promise.all(pending);
  return published;
}

/** Waits, checking every second, until `done()` or the deadline (measurement plumbing, not synchronisation). */
async function until(done: () => boolean, deadline: number): Promise<void> {
  while (!done() && Date.now() < deadline) await pause(Math.min(1000, Math.max(0, deadline - Date.now())));
}

/**
 * One poll interval between the first load and the window, for both: the window then measures the steady state,
 * not JIT warm-up and the collection of the first load's garbage.
 */
async function warmUp(options: SteadyOptions): Promise<void> {
  await pause(options.intervalMs);
}

function nextRequestAfter(
  timeline: Array<[number, number, ...number[]]>,
  feed: number,
  at: number,
): number | undefined {
  return timeline.find(([when, which]) => which === feed && when >= at)?.[0];
}

async function steadyTaza(
  farm: FarmProcess,
  options: SteadyOptions,
  plan: PlannedPublication[],
): Promise<SystemFigures> {
  const telegram = await startFakeTelegram({ chats: CHATS.map((id) => ({ id, type: 'private' as const })) });
  const taza = startTaza({
    subscriptions: farm.urls.map((feed, i) => ({ feed, keywords: KEYWORD, to: `telegram:${CHATS[i % CHATS.length]}` })),
    env: {
      POLL_INTERVAL: `${options.intervalMs}ms`,
      MIN_POLL_INTERVAL: '1s',
      TELEGRAM_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    },
    keep: (event) => event.event === 'alert.sent',
  });
  const sampler = new ProcessSampler(taza.pid);
  try {
    await taza.waitForCount('feed.baseline', options.feeds, 180_000);
    await warmUp(options);
    await farm.resetStats();
    const windowStart = Date.now();
    const published = await publishOnSchedule(farm, plan, windowStart, options.intervalMs);
    const received = () => CHATS.flatMap((chat) => telegram.messages(chat));
    const arrived = (entry: Published) => received().filter((message) => message.text?.includes(entry.tag));
    await until(
      () => published.every((entry) => arrived(entry).length > 0),
      Math.max(
        windowStart + options.durationMs,
        Math.max(...published.map((entry) => entry.publishedAt)) + options.intervalMs + 10_000,
      ),
    );
    const windowEnd = Math.max(Date.now(), windowStart + options.durationMs);
    await pause(Math.max(0, windowEnd - Date.now()));
    sampler.sample();
    const timeline = await farm.timeline();
    const peakRssMb = sampler.last?.peakRssMb ?? Number.NaN;
    const traffic = trafficBetween(timeline, windowStart, windowEnd, new Set(plan.map((entry) => entry.feed)));
    const figures = summarize(
      published,
      (entry) => arrived(entry).map((message) => message.at),
      received().length,
      timeline,
      windowStart,
    );
    return {
      ...figures,
      cpuMsPerCheck: sampler.cpuBetween(windowStart, windowEnd) / traffic.requests,
      traffic,
      windowMs: windowEnd - windowStart,
      peakRssMb,
    };
  } finally {
    sampler.stop();
    await taza.stop();
    await telegram.close();
  }
}

async function steadyPeer(
  farm: FarmProcess,
  options: SteadyOptions,
  plan: PlannedPublication[],
): Promise<SystemFigures> {
  const peer = startPeer(options.intervalMs, KEYWORD);
  const sampler = new ProcessSampler(peer.pid);
  try {
    peer.add(farm.urls);
    const firstLoad = await peer.waitFor(
      (event): event is Extract<PeerEvent, { type: 'cycle' }> => event.type === 'cycle',
      180_000,
    );
    if (!firstLoad) throw new Error(`the peer did not finish its first load of ${options.feeds} feeds in 180 s`);
    await warmUp(options);
    await farm.resetStats();
    const windowStart = Date.now();
    const published = await publishOnSchedule(farm, plan, windowStart, options.intervalMs);
    const items = () =>
      peer.events.filter((event): event is Extract<PeerEvent, { type: 'new-item' }> => event.type === 'new-item');
    const arrived = (entry: Published) => items().filter((event) => event.guid === entry.id);
    await until(
      () => published.every((entry) => arrived(entry).length > 0),
      Math.max(
        windowStart + options.durationMs,
        Math.max(...published.map((entry) => entry.publishedAt)) + options.intervalMs + 10_000,
      ),
    );
    const windowEnd = Math.max(Date.now(), windowStart + options.durationMs);
    await pause(Math.max(0, windowEnd - Date.now()));
    sampler.sample();
    const timeline = await farm.timeline();
    const traffic = trafficBetween(timeline, windowStart, windowEnd, new Set(plan.map((entry) => entry.feed)));
    const figures = summarize(
      published,
      (entry) => arrived(entry).map((event) => event.at),
      items().length,
      timeline,
      windowStart,
    );
    return {
      ...figures,
      cpuMsPerCheck: sampler.cpuBetween(windowStart, windowEnd) / traffic.requests,
      traffic,
      windowMs: windowEnd - windowStart,
      peakRssMb: sampler.last?.peakRssMb ?? Number.NaN,
    };
  } finally {
    sampler.stop();
    await peer.stop();
  }
}

function summarize(
  published: Published[],
  arrivals: (entry: Published) => number[],
  totalArrivals: number,
  timeline: Array<[number, number, ...number[]]>,
  windowStart: number,
): Pick<
  SystemFigures,
  'published' | 'deliveredOnce' | 'duplicates' | 'missing' | 'unexpected' | 'latencyMs' | 'processingMs' | 'items'
> {
  const items = published.map((entry) => ({
    feed: entry.feed,
    publishedAt: entry.publishedAt - windowStart,
    requests: timeline.filter(([, feed]) => feed === entry.feed).map(([at]) => at - windowStart),
    arrivals: arrivals(entry).map((at) => at - windowStart),
  }));
  const latencyMs: number[] = [];
  const processingMs: number[] = [];
  let deliveredOnce = 0;
  let duplicates = 0;
  let missing = 0;
  let matched = 0;
  for (const entry of published) {
    const times = arrivals(entry).sort((a, b) => a - b);
    matched += times.length;
    if (times.length === 0) missing += 1;
    else {
      if (times.length === 1) deliveredOnce += 1;
      else duplicates += times.length - 1;
      latencyMs.push(times[0]! - entry.publishedAt);
      const check = nextRequestAfter(timeline, entry.feed, entry.publishedAt);
      if (check !== undefined) processingMs.push(times[0]! - check);
    }
  }
  return {
    published: published.length,
    deliveredOnce,
    duplicates,
    missing,
    unexpected: totalArrivals - matched,
    latencyMs,
    processingMs,
    items,
  };
}

export interface SteadyResult {
  rows: Row[];
  details: { options: SteadyOptions; taza: SystemFigures; peer: SystemFigures };
}

export async function runSteady(options: SteadyOptions = STEADY_DEFAULTS): Promise<SteadyResult> {
  const plan = planPublications(options.publications, options.feeds, options.durationMs, options.intervalMs);
  const farm = await spawnFarm(options.feeds, options.hosts);
  let taza: SystemFigures;
  let peer: SystemFigures;
  try {
    taza = await steadyTaza(farm, options, plan);
    peer = await steadyPeer(farm, options, plan);
  } finally {
    await farm.stop();
  }
  return { rows: steadyRows(options, taza, peer), details: { options, taza, peer } };
}

function steadyRows(options: SteadyOptions, taza: SystemFigures, peer: SystemFigures): Row[] {
  const section = `steady ${options.feeds} feeds`;
  const seconds = (values: number[], p: number) => round(percentile(values, p) / 1000, 2);
  const intervalS = options.intervalMs / 1000;
  const perUnchanged = (figures: SystemFigures, bytes: number) =>
    bytes / Math.max(1, figures.traffic.unchangedRequests);
  const exactlyOnce = (figures: SystemFigures) =>
    figures.deliveredOnce === figures.published && figures.unexpected === 0;
  const p50 = seconds(taza.latencyMs, 50);
  const max = seconds(taza.latencyMs, 100);
  return [
    {
      section,
      measure: 'CPU per feed check',
      unit: 'ms',
      taza: round(taza.cpuMsPerCheck, 3),
      peer: round(peer.cpuMsPerCheck, 3),
      target: '≤ 1/10 of peer',
      pass: taza.cpuMsPerCheck * 10 <= peer.cpuMsPerCheck,
    },
    {
      section,
      measure: 'feed checks in the window',
      unit: 'count',
      taza: taza.traffic.requests,
      peer: peer.traffic.requests,
    },
    {
      section,
      measure: 'body bytes per unchanged check',
      unit: 'B',
      taza: round(perUnchanged(taza, taza.traffic.unchangedBodyBytes), 1),
      peer: round(perUnchanged(peer, peer.traffic.unchangedBodyBytes), 0),
      target: '≤ 1/100 of peer',
      pass:
        perUnchanged(taza, taza.traffic.unchangedBodyBytes) * 100 <=
        perUnchanged(peer, peer.traffic.unchangedBodyBytes),
    },
    {
      section,
      measure: 'wire bytes per unchanged check',
      unit: 'B, headers included',
      taza: round(perUnchanged(taza, taza.traffic.unchangedWireBytes), 0),
      peer: round(perUnchanged(peer, peer.traffic.unchangedWireBytes), 0),
    },
    {
      section,
      measure: 'peak resident memory',
      unit: 'MB',
      taza: round(taza.peakRssMb, 1),
      peer: round(peer.peakRssMb, 1),
      target: '≤ 1/3 of peer',
      pass: taza.peakRssMb * 3 <= peer.peakRssMb,
    },
    {
      section,
      measure: 'delivered exactly once / published',
      unit: 'items',
      taza: taza.deliveredOnce,
      peer: peer.deliveredOnce,
      target: `all ${taza.published}, once`,
      pass: exactlyOnce(taza),
      note: `Taza missing ${taza.missing}, dup ${taza.duplicates}, other ${taza.unexpected}; peer missing ${peer.missing}, dup ${peer.duplicates}`,
    },
    {
      section,
      measure: 'latency p50',
      unit: 's',
      taza: p50,
      peer: seconds(peer.latencyMs, 50),
      target: `≤ ${intervalS / 2 + 0.5} s`,
      pass: p50 <= intervalS / 2 + 0.5,
    },
    {
      section,
      measure: 'latency p95',
      unit: 's',
      taza: seconds(taza.latencyMs, 95),
      peer: seconds(peer.latencyMs, 95),
    },
    {
      section,
      measure: 'latency max',
      unit: 's',
      taza: max,
      peer: seconds(peer.latencyMs, 100),
      target: `≤ ${intervalS + 2} s`,
      pass: max <= intervalS + 2,
    },
    {
      section,
      measure: 'next check → received, max',
      unit: 's',
      taza: seconds(taza.processingMs, 100),
      peer: seconds(peer.processingMs, 100),
      note: 'latency the interval does not explain',
    },
  ];
}
