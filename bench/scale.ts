/**
 * Scale: 10,000 feeds over 2,500 hosts (127.0.1.1 upward, spread over 127.0.x.y). Taza as a real process with
 * POLL_INTERVAL = MIN_POLL_INTERVAL = 1 s, so the poller is never idle: the first cycle (every feed new, a silent
 * baseline each) ends at the last 'feed.baseline'; the next N requests are N unchanged checks. Then the peer, bounded
 * by a timeout: what it reached is reported when it cannot finish.
 */
import { spawnFarm, type FarmProcess } from './farm/process.js';
import { ProcessSampler } from './lib/proc.js';
import { pause, round } from './lib/stats.js';
import type { Row } from './lib/table.js';
import { startTaza } from './lib/taza.js';
import { KEYWORD } from './lib/workload.js';
import { startPeer, type PeerEvent } from './peer/peer.js';

export interface ScaleOptions {
  feeds: number;
  hosts: number;
  /** The peer's refresh interval. */
  peerRefreshMs: number;
  /** How long the peer may take for both cycles. */
  peerTimeoutMs: number;
  /** How long Taza may take for its first cycle (every feed baselined) before the run reports what it reached. */
  tazaFirstCycleTimeoutMs: number;
}

export const SCALE_DEFAULTS: ScaleOptions = {
  feeds: 10_000,
  hosts: 2_500,
  peerRefreshMs: 30_000,
  peerTimeoutMs: 120_000,
  tazaFirstCycleTimeoutMs: 300_000,
};

export interface CycleFigures {
  /** Undefined when the cycle did not complete in time. */
  wallS?: number;
  cpuS: number;
  peakRssMb: number;
  requests: number;
  statuses: Record<string, number>;
  note?: string;
}

export interface ScaleFigures {
  first: CycleFigures;
  unchanged: CycleFigures;
  startedS?: number;
}

/** Polls a condition every 250 ms until true or the deadline; true when it held (measurement plumbing). */
async function until(done: () => Promise<boolean>, deadline: number): Promise<boolean> {
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await pause(250);
  }
}

function statusesOf(records: Array<[number, number, number, ...number[]]>): Record<string, number> {
  const statuses: Record<string, number> = {};
  for (const record of records) statuses[record[2]] = (statuses[record[2]] ?? 0) + 1;
  return statuses;
}

async function scaleTaza(farm: FarmProcess, options: ScaleOptions): Promise<ScaleFigures> {
  await farm.resetStats();
  const taza = startTaza({
    subscriptions: farm.urls.map((feed) => ({ feed, keywords: KEYWORD, to: 'console' })),
    env: { POLL_INTERVAL: '1s', MIN_POLL_INTERVAL: '1s' },
    keep: (event) => event.event === 'app.started',
  });
  const sampler = new ProcessSampler(taza.pid, 100);
  try {
    let firstEnd: number;
    try {
      firstEnd = await taza.waitForCount('feed.baseline', options.feeds, options.tazaFirstCycleTimeoutMs);
    } catch (error) {
      if (taza.child.exitCode !== null) throw error;
      const started = taza.events.find((event) => event.event === 'app.started');
      const startedS = started?.time === undefined ? undefined : (Number(started.time) - taza.spawnedAt) / 1000;
      return {
        ...(await unfinishedFirstCycle(farm, taza.counts.get('feed.baseline') ?? 0, sampler, options)),
        startedS,
      };
    }
    sampler.sample();
    const afterFirst = (await farm.stats()).requests;
    const firstStart = (await farm.stats()).firstRequestAt!;
    const enough = await until(
      async () => (await farm.stats()).requests >= afterFirst + options.feeds,
      Date.now() + 120_000,
    );
    const timeline = await farm.timeline();
    const firstRecords = timeline.slice(0, afterFirst);
    const unchangedRecords = timeline.slice(afterFirst, afterFirst + options.feeds);
    // The window closes when the last of the N requests is answered: its arrival plus the farm's answer is ~1 ms.
    const unchangedEnd = unchangedRecords.at(-1)?.[0] ?? Date.now();
    await pause(300);
    sampler.sample();
    const started = taza.events.find((event) => event.event === 'app.started');
    const rechecks = firstRecords.length - options.feeds;
    return {
      startedS: started?.time === undefined ? undefined : (Number(started.time) - taza.spawnedAt) / 1000,
      first: {
        wallS: (firstEnd - firstStart) / 1000,
        cpuS: sampler.cpuBetween(firstStart, firstEnd) / 1000,
        peakRssMb: sampler.maxRssBetween(taza.spawnedAt, firstEnd),
        requests: firstRecords.length,
        statuses: statusesOf(firstRecords),
        note: `Taza also re-checked finished feeds ${rechecks} times meanwhile (1 s interval)`,
      },
      unchanged: {
        wallS: enough ? (unchangedEnd - firstEnd) / 1000 : undefined,
        cpuS: sampler.cpuBetween(firstEnd, unchangedEnd) / 1000,
        peakRssMb: sampler.last?.peakRssMb ?? Number.NaN,
        requests: unchangedRecords.length,
        statuses: statusesOf(unchangedRecords),
        note: `${new Set(unchangedRecords.map((record) => record[1])).size} distinct feeds`,
      },
    };
  } finally {
    sampler.stop();
    await taza.stop();
  }
}

/** Taza did not baseline every feed in time: what it reached, and no unchanged cycle. */
async function unfinishedFirstCycle(
  farm: FarmProcess,
  baselines: number,
  sampler: ProcessSampler,
  options: ScaleOptions,
): Promise<ScaleFigures> {
  sampler.sample();
  const timeline = await farm.timeline();
  const firstStart = timeline[0]?.[0] ?? Date.now();
  const note = `Taza timed out after ${options.tazaFirstCycleTimeoutMs / 1000} s: ${baselines} of ${options.feeds} feeds baselined, ${timeline.length} requests`;
  const peakRssMb = sampler.last?.peakRssMb ?? Number.NaN;
  return {
    first: {
      cpuS: sampler.cpuBetween(firstStart, Date.now()) / 1000,
      peakRssMb,
      requests: timeline.length,
      statuses: statusesOf(timeline),
      note,
    },
    unchanged: {
      cpuS: Number.NaN,
      peakRssMb,
      requests: 0,
      statuses: {},
      note: 'not measured: the first cycle did not finish',
    },
  };
}

async function scalePeer(farm: FarmProcess, options: ScaleOptions): Promise<ScaleFigures> {
  await farm.resetStats();
  // No new-item events are needed here, and its first load's emits are quadratic (see emitter-runner.mjs).
  const peer = startPeer(options.peerRefreshMs, KEYWORD, { skipFirstLoad: true });
  const sampler = new ProcessSampler(peer.pid, 250);
  const deadline = Date.now() + options.peerTimeoutMs;
  const cycle =
    (fetched: number) =>
    (event: PeerEvent): event is Extract<PeerEvent, { type: 'cycle' }> =>
      event.type === 'cycle' && event.fetched >= fetched;
  try {
    peer.add(farm.urls);
    const addedAt = Date.now();
    const first = await peer.waitFor(cycle(options.feeds), Math.max(0, deadline - Date.now()));
    const second = first ? await peer.waitFor(cycle(2 * options.feeds), Math.max(0, deadline - Date.now())) : undefined;
    const endedAt = Date.now();
    sampler.sample();
    const timeline = await farm.timeline();
    const reached = second ? undefined : await peer.status().catch(() => undefined);
    const reachedNote = `peer timed out after ${options.peerTimeoutMs / 1000} s: ${reached ? `${reached.fetched} fetches done` : 'too busy to answer'}, ${timeline.length} requested`;
    const firstEnd = first?.at ?? endedAt;
    // Its second cycle starts when its interval fires: at the first request beyond the first N.
    const secondStart = timeline[options.feeds]?.[0] ?? firstEnd;
    return {
      startedS: undefined,
      first: {
        wallS: first ? (first.at - addedAt) / 1000 : undefined,
        cpuS: sampler.cpuBetween(addedAt, firstEnd) / 1000,
        peakRssMb: sampler.maxRssBetween(addedAt, firstEnd),
        requests: Math.min(timeline.length, options.feeds),
        statuses: statusesOf(timeline.slice(0, options.feeds)),
        note: first ? undefined : reachedNote,
      },
      unchanged: {
        wallS: second ? (second.at - secondStart) / 1000 : undefined,
        cpuS: sampler.cpuBetween(Math.min(secondStart, endedAt), second?.at ?? endedAt) / 1000,
        peakRssMb: sampler.last?.peakRssMb ?? Number.NaN,
        requests: Math.max(0, timeline.length - options.feeds),
        statuses: statusesOf(timeline.slice(options.feeds, 2 * options.feeds)),
        note: second ? undefined : reachedNote,
      },
    };
  } finally {
    sampler.stop();
    await peer.stop();
  }
}

export interface ScaleResult {
  rows: Row[];
  details: { options: ScaleOptions; taza: ScaleFigures; peer: ScaleFigures };
}

export async function runScale(options: ScaleOptions = SCALE_DEFAULTS): Promise<ScaleResult> {
  const farm = await spawnFarm(options.feeds, options.hosts);
  let taza: ScaleFigures;
  let peer: ScaleFigures;
  try {
    taza = await scaleTaza(farm, options);
    peer = await scalePeer(farm, options);
  } finally {
    await farm.stop();
  }
  return { rows: scaleRows(options, taza, peer), details: { options, taza, peer } };
}

function scaleRows(options: ScaleOptions, taza: ScaleFigures, peer: ScaleFigures): Row[] {
  const section = `scale ${options.feeds.toLocaleString('en-US')} feeds`;
  const wallTarget = (30 * options.feeds) / 10_000;
  const unchangedWall = taza.unchanged.wallS;
  return [
    {
      section,
      measure: 'start-up with the subscriptions file',
      unit: 's',
      taza: taza.startedS === undefined ? undefined : round(taza.startedS, 1),
      note: 'process start → app.started',
    },
    {
      section,
      measure: 'first cycle (all new) wall time',
      unit: 's',
      taza: round(taza.first.wallS ?? Number.NaN, 1),
      peer: peer.first.wallS === undefined ? undefined : round(peer.first.wallS, 1),
      note: [taza.first.note, peer.first.note].filter(Boolean).join('; '),
    },
    {
      section,
      measure: 'first cycle CPU',
      unit: 's',
      taza: round(taza.first.cpuS, 1),
      peer: round(peer.first.cpuS, 1),
      note: peer.first.wallS === undefined ? 'peer: until its timeout' : undefined,
    },
    {
      section,
      measure: 'first cycle peak resident memory',
      unit: 'MB',
      taza: round(taza.first.peakRssMb, 0),
      peer: round(peer.first.peakRssMb, 0),
    },
    {
      section,
      measure: 'unchanged cycle wall time',
      unit: 's',
      taza: unchangedWall === undefined ? undefined : round(unchangedWall, 1),
      peer: peer.unchanged.wallS === undefined ? undefined : round(peer.unchanged.wallS, 1),
      target: `< ${wallTarget} s`,
      pass: unchangedWall !== undefined && unchangedWall < wallTarget,
      note: [taza.unchanged.note, peer.unchanged.note].filter(Boolean).join('; ') || undefined,
    },
    {
      section,
      measure: 'unchanged cycle CPU',
      unit: 's',
      taza: unchangedWall === undefined ? undefined : round(taza.unchanged.cpuS, 2),
      peer: peer.unchanged.wallS === undefined ? undefined : round(peer.unchanged.cpuS, 1),
    },
    {
      section,
      measure: 'peak resident memory (whole run)',
      unit: 'MB',
      taza: round(taza.unchanged.peakRssMb, 0),
      peer: round(peer.unchanged.peakRssMb, 0),
      target: '< 300 MB',
      pass: taza.unchanged.peakRssMb < 300,
    },
  ];
}
