/**
 * Adaptive polling (scheduler/policy.ts): the publication rate learnt from item dates, the square-root
 * allocation of the request budget, and a simulation of a realistic mix of feeds on a fake clock against fixed
 * polling at the same budget.
 */
import { describe, expect, it } from 'vitest';
import type { FeedRecord } from '../../src/core/records.js';
import {
  alignedCheckAt,
  learnPublishing,
  nextCheckDelayMs,
  PollSchedule,
  publicationGrid,
  publicationIntervalMs,
  type PollScheduleOptions,
} from '../../src/scheduler/policy.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-06-01T12:00:00Z');

const every = (periodMs: number, count: number, from = NOW) =>
  Array.from({ length: count }, (_, i) => ({ published: new Date(from - i * periodMs) }));

function feed(id: string, publishing?: FeedRecord['publishing']): FeedRecord {
  return {
    id,
    url: `https://example.org/${id}`,
    failures: 0,
    nextCheckAt: new Date(NOW).toISOString(),
    baselineTaken: true,
    createdAt: new Date(NOW).toISOString(),
    ...(publishing ? { publishing } : {}),
  };
}

describe('learning how often a feed publishes', () => {
  it('from the dates of the last week’s items', () => {
    expect(publicationIntervalMs(every(6 * MIN, 20), NOW)).toBeCloseTo((19 * 6 * MIN) / 20, -3);
    // Eight of the ten are within the week, and the body reaches further back: the week over eight.
    expect(publicationIntervalMs(every(DAY, 10), NOW)).toBe((7 * DAY) / 8);
    expect(publicationIntervalMs(every(DAY, 3, NOW - 30 * DAY), NOW)).toBe(30 * DAY);
    expect(publicationIntervalMs([{}, {}], NOW)).toBeUndefined();
    // A date a year ahead is a broken clock, not a publication.
    expect(publicationIntervalMs([{ published: new Date(NOW + 365 * DAY) }], NOW)).toBeUndefined();
  });

  it('smoothed: one odd body moves the estimate halfway (geometrically)', () => {
    const first = learnPublishing(undefined, every(HOUR, 30), NOW)!;
    expect(first.intervalMs).toBe((29 * HOUR) / 30);
    const next = learnPublishing(first, every(4 * MIN, 30), NOW)!;
    expect(next.intervalMs).toBeGreaterThan(4 * MIN * 1.5);
    expect(next.intervalMs).toBeLessThan(HOUR / 2);
    expect(learnPublishing(first, [{}], NOW)).toBe(first);
  });
});

describe('publication-time prediction', () => {
  it('a feed on a schedule has a grid (a skipped publication does not break it); an irregular one has none', () => {
    expect(publicationGrid(every(HOUR, 20, NOW - 10 * MIN), NOW)).toEqual({
      periodMs: HOUR,
      anchorAt: new Date(NOW - 10 * MIN).toISOString(),
      spreadMs: 0,
    });
    const skipped = every(DAY, 8).filter((_, i) => i !== 3);
    expect(publicationGrid(skipped, NOW)?.periodMs).toBe(DAY);
    // A minute late or early now and then, on a daily schedule, is still the schedule.
    const wobbly = every(DAY, 7).map(({ published }, i) => ({
      published: new Date(published.getTime() + (i % 3) * MIN),
    }));
    const grid = publicationGrid(wobbly, NOW)!;
    expect(Math.abs(grid.periodMs - DAY)).toBeLessThan(MIN);
    expect(grid.spreadMs).toBeLessThanOrEqual(2 * MIN);
    const irregular = [0, 7, 19, 26, 41, 60].map((minutes) => ({ published: new Date(NOW - minutes * MIN) }));
    expect(publicationGrid(irregular, NOW)).toBeUndefined();
    expect(publicationGrid(every(HOUR, 3), NOW)).toBeUndefined();
    expect(learnPublishing(undefined, every(HOUR, 20), NOW)?.grid?.periodMs).toBe(HOUR);
  });

  it('the next check comes just after the next predicted publication, unless a hint, a back-off or MIN_POLL_INTERVAL says later', () => {
    let now = NOW + 5 * MIN;
    const scheduled = feed('hourly', {
      intervalMs: HOUR,
      at: new Date(NOW).toISOString(),
      grid: { periodMs: HOUR, anchorAt: new Date(NOW).toISOString(), spreadMs: 30_000 },
    });
    const schedule = new PollSchedule({
      strategy: 'adaptive',
      pollIntervalMs: 5 * MIN,
      minIntervalMs: MIN,
      maxIntervalMs: 6 * HOUR,
      budgetPerMinute: 0,
      feeds: () => [scheduled],
      now: () => now,
    });
    // The next publication is due at NOW + 1 h, give or take its spread: the check comes twice the spread and 20 s
    // after (a few items show less of the spread than the publisher has).
    expect(schedule.predictedCheckAt(scheduled)).toBe(NOW + HOUR + 80_000);
    // Checked then and nothing came (the grid did not move on): one more look three leads after it, then the next.
    now = NOW + HOUR + 85_000;
    expect(schedule.predictedCheckAt(scheduled)).toBe(NOW + HOUR + 240_000);
    now = NOW + HOUR + 245_000;
    expect(schedule.predictedCheckAt(scheduled)).toBe(NOW + 2 * HOUR + 80_000);
    // Silent for more than three periods: the publisher stopped, and is no longer followed.
    now = NOW + 4 * HOUR;
    expect(schedule.predictedCheckAt(scheduled)).toBeUndefined();
    expect(new PollSchedule({ ...schedule['options'], strategy: 'fixed' }).predictedCheckAt(scheduled)).toBeUndefined();

    const base = { lastCheckAt: NOW, intervalMs: 10 * MIN, minIntervalMs: MIN };
    expect(alignedCheckAt({ ...base, nextCheckAt: NOW + 9 * MIN, predictedAt: NOW + 3 * MIN })).toBe(NOW + 3 * MIN);
    expect(alignedCheckAt({ ...base, nextCheckAt: NOW + 9 * MIN, predictedAt: NOW + 20 * MIN })).toBe(NOW + 9 * MIN);
    expect(alignedCheckAt({ ...base, nextCheckAt: NOW + 9 * MIN, predictedAt: NOW + 10_000 })).toBe(NOW + MIN);
    // A server's max-age (or a back-off) set a check later than the interval: it stands.
    expect(alignedCheckAt({ ...base, nextCheckAt: NOW + 30 * MIN, predictedAt: NOW + 3 * MIN })).toBe(NOW + 30 * MIN);
    expect(alignedCheckAt({ ...base, nextCheckAt: NOW + 9 * MIN, predictedAt: undefined })).toBe(NOW + 9 * MIN);
  });

  it('a feed on a schedule pays for its predicted checks out of the budget', () => {
    const plain = Array.from({ length: 10 }, (_, i) =>
      feed(`hourly${i}`, { intervalMs: HOUR, at: new Date(NOW).toISOString() }),
    );
    const gridded = plain.map((each) => ({
      ...each,
      publishing: { ...each.publishing!, grid: { periodMs: HOUR, anchorAt: new Date(NOW).toISOString(), spreadMs: 0 } },
    }));
    const options = {
      strategy: 'adaptive' as const,
      pollIntervalMs: 5 * MIN,
      minIntervalMs: MIN,
      maxIntervalMs: 6 * HOUR,
      budgetPerMinute: 0,
      now: () => NOW,
    };
    const without = new PollSchedule({ ...options, feeds: () => plain }).intervalFor(plain[0]!);
    const withGrid = new PollSchedule({ ...options, feeds: () => gridded }).intervalFor(gridded[0]!);
    // 10 feeds at 5 min: 2 a minute; one predicted check an hour each leaves 2 − 10/60 for the intervals.
    expect(MIN / without).toBeCloseTo(0.2, 3);
    expect((10 * MIN) / withGrid + (10 * MIN) / HOUR).toBeCloseTo(2, 3);
  });
});

describe('the poll schedule', () => {
  const base = (feeds: FeedRecord[], overrides: Partial<PollScheduleOptions> = {}): PollSchedule =>
    new PollSchedule({
      strategy: 'adaptive',
      pollIntervalMs: 5 * MIN,
      minIntervalMs: MIN,
      maxIntervalMs: 6 * HOUR,
      budgetPerMinute: 0,
      feeds: () => feeds,
      now: () => NOW,
      ...overrides,
    });
  const at = (intervalMs: number) => ({ intervalMs, at: new Date(NOW).toISOString() });
  const mix = () => [
    ...Array.from({ length: 10 }, (_, i) => feed(`busy${i}`, at(5 * MIN))),
    ...Array.from({ length: 30 }, (_, i) => feed(`hourly${i}`, at(HOUR))),
    ...Array.from({ length: 60 }, (_, i) => feed(`daily${i}`, at(DAY))),
  ];
  const requestsPerMinute = (schedule: PollSchedule, feeds: FeedRecord[]) =>
    feeds.reduce((sum, each) => sum + MIN / schedule.intervalFor(each), 0);

  it('fixed: every feed at POLL_INTERVAL', () => {
    const feeds = mix();
    const schedule = base(feeds, { strategy: 'fixed' });
    expect(new Set(feeds.map((each) => schedule.intervalFor(each)))).toEqual(new Set([5 * MIN]));
  });

  it('adaptive: busy feeds sooner, quiet ones later, in all as many requests as fixed polling', () => {
    const feeds = mix();
    const schedule = base(feeds);
    const busy = schedule.intervalFor(feeds[0]!);
    const hourly = schedule.intervalFor(feeds[10]!);
    const daily = schedule.intervalFor(feeds[40]!);
    expect(busy).toBeLessThan(2.5 * MIN);
    expect(busy).toBeLessThan(hourly);
    expect(hourly).toBeLessThan(daily);
    // √ allocation: intervals in the ratio of the square roots of the publication intervals.
    expect(hourly / busy).toBeCloseTo(Math.sqrt(12), 1);
    expect(requestsPerMinute(schedule, feeds)).toBeCloseTo(100 / 5, 1);
  });

  it('within MIN_POLL_INTERVAL and MAX_POLL_INTERVAL, and an explicit budget', () => {
    // A budget that would poll a feed every few seconds still keeps to MIN_POLL_INTERVAL.
    const frantic = [feed('frantic', at(5_000))];
    expect(base(frantic, { budgetPerMinute: 60 }).intervalFor(frantic[0]!)).toBe(MIN);
    // A feed silent for a year, among busy ones, waits MAX_POLL_INTERVAL; one not learnt yet keeps POLL_INTERVAL.
    const quiet = [feed('dead', at(365 * DAY)), feed('new'), ...mix().slice(0, 10)];
    const schedule = base(quiet);
    expect(schedule.intervalFor(quiet[0]!)).toBe(6 * HOUR);
    expect(schedule.intervalFor(quiet[1]!)).toBe(5 * MIN);
    const many = mix();
    const tight = base(many, { budgetPerMinute: 10 });
    expect(requestsPerMinute(tight, many)).toBeCloseTo(10, 0);
  });

  it('a busy feed that goes silent slows down without a new body', () => {
    let now = NOW;
    const feeds = mix();
    const schedule = base(feeds, { now: () => now });
    const before = schedule.intervalFor(feeds[0]!);
    now += 6 * HOUR;
    schedule.invalidate();
    expect(schedule.intervalFor(feeds[0]!)).toBeGreaterThan(2 * before);
  });

  it('feeds a hub pushes are left out of the allocation (their safety-net polls come off the budget)', () => {
    const feeds = mix();
    const pushed = new Set(feeds.slice(0, 10).map((each) => each.id));
    const schedule = base(feeds, { isPushed: (id) => pushed.has(id), pushedIntervalMs: HOUR });
    const rest = feeds.slice(10);
    expect(requestsPerMinute(schedule, rest) + 10 * (MIN / HOUR)).toBeCloseTo(20, 1);
  });
});

/** A seeded PRNG (mulberry32): the simulation is the same every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SimulatedFeed {
  record: FeedRecord;
  periodMs: number;
  /** A point of the feed's schedule. */
  phase: number;
  nextPublication: number;
  published: number[];
  unchecked: number[];
}

interface SimulationOptions {
  strategy: 'fixed' | 'adaptive';
  /** Off: adaptive polling without publication-time prediction (the learnt grids are dropped). */
  predict?: boolean;
  /** Publications at random (exponential gaps of the same mean) instead of on each feed's schedule. */
  irregular?: boolean;
  /** Each publication up to this much after its point on the feed's schedule (at random). */
  lateMs?: number;
}

/**
 * 200 feeds (10% every 5 minutes, 30% hourly, 60% daily, each at a random phase; each body starts with its last
 * 20 items, as a real feed's does) polled for three days after a day of learning; checks are placed as the app
 * places them (nextCheckDelayMs, then alignedCheckAt). The wait of an item is from its publication to the first
 * check after it.
 */
function simulate(options: SimulationOptions): { waits: number[]; requests: number } {
  const { strategy, predict = true, irregular = false, lateMs = 0 } = options;
  const random = prng(42);
  const periods = [
    ...Array<number>(20).fill(5 * MIN),
    ...Array<number>(60).fill(HOUR),
    ...Array<number>(120).fill(DAY),
  ];
  const start = NOW;
  let now = start;
  const gap = (periodMs: number) => (irregular ? -Math.log(1 - random()) * periodMs : periodMs);
  const feeds: SimulatedFeed[] = periods.map((periodMs, i) => {
    const phase = start - random() * periodMs;
    const published: number[] = [];
    for (let at = phase; published.length < 20; at -= gap(periodMs)) published.push(at + random() * lateMs);
    return { record: feed(`f${i}`), periodMs, phase, nextPublication: phase + gap(periodMs), published, unchecked: [] };
  });
  /** The feed's next point on its schedule after its last publication (the lateness is not carried over). */
  const onSchedule = (simulated: SimulatedFeed) =>
    simulated.phase +
    Math.ceil((simulated.published[0]! + 1 - simulated.phase) / simulated.periodMs) * simulated.periodMs;
  const schedule = new PollSchedule({
    strategy,
    pollIntervalMs: 5 * MIN,
    minIntervalMs: MIN,
    maxIntervalMs: 6 * HOUR,
    budgetPerMinute: 0,
    feeds: () => feeds.map((each) => each.record),
    now: () => now,
  });
  const due = feeds.map((_, i) => ({ at: start + random() * 5 * MIN, i }));
  const measureFrom = start + DAY;
  const end = start + 4 * DAY;
  const waits: number[] = [];
  let requests = 0;
  while (due.length > 0) {
    due.sort((a, b) => a.at - b.at);
    const next = due.shift()!;
    if (next.at > end) break;
    now = next.at;
    const simulated = feeds[next.i]!;
    while (simulated.nextPublication <= now) {
      simulated.published.unshift(simulated.nextPublication);
      simulated.unchecked.push(simulated.nextPublication);
      simulated.nextPublication += gap(simulated.periodMs);
      if (lateMs > 0) simulated.nextPublication = onSchedule(simulated) + random() * lateMs;
    }
    if (now >= measureFrom) requests++;
    if (simulated.unchecked.length > 0 || !simulated.record.publishing) {
      for (const at of simulated.unchecked) if (at >= measureFrom) waits.push(now - at);
      simulated.unchecked = [];
      const items = simulated.published.slice(0, 20).map((at) => ({ published: new Date(at) }));
      const learnt = learnPublishing(simulated.record.publishing, items, now);
      const publishing = learnt && !predict ? { intervalMs: learnt.intervalMs, at: learnt.at } : learnt;
      if (publishing) simulated.record = { ...simulated.record, publishing };
    }
    const intervalMs = schedule.intervalFor(simulated.record);
    const delay = nextCheckDelayMs({ intervalMs, minIntervalMs: MIN, failures: 0, random, now });
    const at = alignedCheckAt({
      lastCheckAt: now,
      nextCheckAt: now + delay,
      intervalMs,
      minIntervalMs: MIN,
      predictedAt: schedule.predictedCheckAt(simulated.record),
    });
    due.push({ at, i: next.i });
  }
  return { waits, requests };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function figures(run: { waits: number[]; requests: number }) {
  return { medianS: median(run.waits) / 1000, maxS: Math.max(...run.waits) / 1000, requests: run.requests };
}

describe('a realistic mix on a fake clock', () => {
  it('adaptive polling with publication-time prediction: half the median wait or less, no worse a max, no more requests', () => {
    const fixed = simulate({ strategy: 'fixed' });
    const adaptive = simulate({ strategy: 'adaptive' });
    const withoutPrediction = simulate({ strategy: 'adaptive', predict: false });
    const result = {
      fixed: figures(fixed),
      adaptive: figures(adaptive),
      withoutPrediction: figures(withoutPrediction),
    };
    console.log(`adaptive polling simulation (200 feeds, 3 days): ${JSON.stringify(result)}`);
    // The same publications (a few at the very end are not checked yet in one or the other).
    expect(Math.abs(adaptive.waits.length - fixed.waits.length)).toBeLessThan(fixed.waits.length / 100);
    expect(adaptive.requests).toBeLessThanOrEqual(fixed.requests);
    expect(result.adaptive.medianS).toBeLessThanOrEqual(result.fixed.medianS / 2);
    expect(result.adaptive.maxS).toBeLessThanOrEqual(result.fixed.maxS);
    // Without prediction the square-root allocation alone halves the median too, but not the max.
    expect(result.withoutPrediction.medianS).toBeLessThanOrEqual(result.fixed.medianS / 2);
    expect(result.withoutPrediction.maxS).toBeGreaterThan(result.fixed.maxS);
  });

  it('feeds up to a minute late on their schedule: the five-minute ones lose their grid, the rest keep it and still meet all three', () => {
    const fixed = simulate({ strategy: 'fixed', lateMs: MIN });
    const adaptive = simulate({ strategy: 'adaptive', lateMs: MIN });
    const result = { fixed: figures(fixed), adaptive: figures(adaptive) };
    console.log(`adaptive polling simulation, publications up to 1 min late: ${JSON.stringify(result)}`);
    expect(adaptive.requests).toBeLessThanOrEqual(fixed.requests);
    expect(result.adaptive.medianS).toBeLessThanOrEqual(result.fixed.medianS / 2);
    // A publication later than its predicted check is caught by the one more look after it.
    expect(result.adaptive.maxS).toBeLessThanOrEqual(result.fixed.maxS);
  });

  it('feeds that keep no schedule: no prediction, so the median is halved at the same requests but the max is not', () => {
    const fixed = simulate({ strategy: 'fixed', irregular: true });
    const adaptive = simulate({ strategy: 'adaptive', irregular: true });
    const result = { fixed: figures(fixed), adaptive: figures(adaptive) };
    console.log(`adaptive polling simulation, publications at random: ${JSON.stringify(result)}`);
    expect(adaptive.requests).toBeLessThanOrEqual(fixed.requests * 1.01);
    expect(result.adaptive.medianS).toBeLessThanOrEqual(result.fixed.medianS / 2);
    expect(result.adaptive.maxS).toBeGreaterThan(result.fixed.maxS);
  });
});
