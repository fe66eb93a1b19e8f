/**
 * Hostile feeds beside an ordinary load: the steady workload (1,000 farm feeds, 30 s interval, a keyword
 * subscription each to the fake Telegram) while five hostile feeds (bench/farm/hostile.ts: deep HTML, deep XML,
 * 100,000 items, a body just under the fetch cap), each changing on every request, are polled by the same
 * `taza run` and subscribed with a keyword their new items hold. After the ordinary first load, a window of
 * three intervals measures what the hostile feeds cost everyone else: the event-loop delay of the Taza process
 * (its /metrics), how long its /healthz waits, its peak resident memory, and whether each of 20 ordinary
 * publications (stratified as in steady.ts) arrived exactly once within its interval. Each hostile feed's outcome
 * comes from Taza's log events. A Taza that dies or stays blocked is reported as such, not waited for.
 */
import { startFakeTelegram, type FakeTelegram } from '../tests/fakes/telegram.js';
import type { HostileFeedStats } from './farm/hostile.js';
import { spawnFarm, spawnHostileFarm, type FarmProcess, type HostileFarmProcess } from './farm/process.js';
import { EVENT_LOOP_RESOLUTION_S, HealthProbe, scrapeMetrics, type Scrape } from './lib/metrics.js';
import { ProcessSampler } from './lib/proc.js';
import { pause, round } from './lib/stats.js';
import type { Row } from './lib/table.js';
import { startTaza, type TazaRun } from './lib/taza.js';
import { KEYWORD, planPublications, type PlannedPublication } from './lib/workload.js';

export interface HostileOptions {
  feeds: number;
  hosts: number;
  intervalMs: number;
  /** The measured window after the ordinary first load. */
  durationMs: number;
  publications: number;
  /** How long the ordinary first load may take before the window opens anyway. */
  firstLoadTimeoutMs: number;
  /** Publish → receipt may take the interval plus this. */
  slackMs: number;
  /** How long the last /metrics scrape may wait for a blocked process. */
  scrapeTimeoutMs: number;
  /** Which hostile feeds (keys in bench/farm/hostile.ts); all when undefined, none for a control run. */
  kinds?: string[];
}

export const HOSTILE_DEFAULTS: HostileOptions = {
  feeds: 1000,
  hosts: 250,
  intervalMs: 30_000,
  durationMs: 90_000,
  publications: 20,
  firstLoadTimeoutMs: 90_000,
  slackMs: 5_000,
  scrapeTimeoutMs: 30_000,
};

/** Private chats for the ordinary alerts (as in steady.ts), and one chat per hostile feed after them. */
const CHATS = Array.from({ length: 50 }, (_, i) => 5000 + i);
const HOSTILE_CHAT_BASE = 7000;

/** Log events that end one check of a feed: parsed for the first time, parsed with new items, or failed. */
const OUTCOMES = new Set(['feed.baseline', 'feed.items', 'feed.error']);

interface Published extends PlannedPublication {
  publishedAt: number;
}

export interface HostileFeedOutcome {
  key: string;
  label: string;
  url: string;
  bytes: number;
  requests: number;
  completed: number;
  aborted: number;
  baselineItems?: number;
  /** Checks that parsed (the baseline and every check with new items). */
  parsed: number;
  alertsQueued: number;
  alertsDelivered: number;
  failingNotices: number;
  errors: Array<{ kind: string; message: string; count: number }>;
  /** Request → outcome event, per check that ended. */
  checkSeconds: number[];
  /** Seconds the last request had waited for an outcome when the run ended (undefined when it had one). */
  unfinishedSeconds?: number;
}

export interface HostileFigures {
  options: HostileOptions;
  /** ms from spawn; undefined when the process was alive at the end. */
  exit?: { atS: number; code: number | null; signal: string | null; lastErrors: string[] };
  ordinaryBaselined: number;
  firstLoadS?: number;
  windowS: number;
  eventLoop: {
    /** Seconds as Taza reports them (including the 0.1 s sampling interval); undefined without a closing scrape. */
    rawP99S?: number;
    rawMaxS?: number;
    rawMinS?: number;
    delayP99Ms?: number;
    delayMaxMs?: number;
    /** How long the scrapes that open and close the window waited for an answer (undefined: none came). */
    openingScrapeWaitMs?: number;
    closingScrapeWaitMs?: number;
  };
  longestHealthWaitMs: number;
  /** /healthz probes waiting in the window; timed out (each after 60 s); seeing no answer before the end. */
  health: { probes: number; timedOut: number; unanswered: number };
  peakRssMb: number;
  windowMaxRssMb: number;
  ordinaryChecksInWindow: number;
  ordinaryErrors: Record<string, number>;
  planned: number;
  published: number;
  deliveredOnceInTime: number;
  duplicates: number;
  missing: number;
  late: number;
  unexpected: number;
  latencyMs: number[];
  hostile: HostileFeedOutcome[];
}

/** Waits, checking every 250 ms, until `done()` or the deadline; true when it held (measurement plumbing). */
async function until(done: () => boolean, deadline: number): Promise<boolean> {
  for (;;) {
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    await pause(Math.min(250, Math.max(0, deadline - Date.now())));
  }
}

function isHostileUrl(url: unknown): boolean {
  return typeof url === 'string' && url.includes('/hostile/');
}

export async function runHostile(options: HostileOptions = HOSTILE_DEFAULTS): Promise<{
  rows: Row[];
  details: HostileFigures;
}> {
  const farm = await spawnFarm(options.feeds, options.hosts);
  let hostile: HostileFarmProcess | undefined;
  let telegram: FakeTelegram | undefined;
  try {
    hostile = await spawnHostileFarm(options.kinds);
    const hostileFeeds = hostile.feeds;
    telegram = await startFakeTelegram({
      chats: [...CHATS, ...hostileFeeds.map((_, i) => HOSTILE_CHAT_BASE + i)].map((id) => ({
        id,
        type: 'private' as const,
      })),
    });
    const figures = await measure(farm, hostile, telegram, options);
    return { rows: hostileRows(figures), details: figures };
  } finally {
    await telegram?.close();
    await hostile?.stop();
    await farm.stop();
  }
}

async function measure(
  farm: FarmProcess,
  hostile: HostileFarmProcess,
  telegram: FakeTelegram,
  options: HostileOptions,
): Promise<HostileFigures> {
  const taza = startTaza({
    subscriptions: [
      ...farm.urls.map((feed, i) => ({ feed, keywords: KEYWORD, to: `telegram:${CHATS[i % CHATS.length]}` })),
      ...hostile.feeds.map(({ url }, i) => ({ feed: url, keywords: KEYWORD, to: `telegram:${HOSTILE_CHAT_BASE + i}` })),
    ],
    env: {
      POLL_INTERVAL: `${options.intervalMs}ms`,
      MIN_POLL_INTERVAL: '1s',
      TELEGRAM_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    },
    keep: (event) =>
      event.event === 'http.listening' ||
      event.event === 'feed.error' ||
      (OUTCOMES.has(String(event.event)) && isHostileUrl(event.feedUrl)),
  });
  let exit: { at: number; code: number | null; signal: string | null } | undefined;
  taza.child.once('exit', (code, signal) => (exit = { at: Date.now(), code, signal }));
  const dead = () => exit !== undefined;
  const sampler = new ProcessSampler(taza.pid);
  let probe: HealthProbe | undefined;
  try {
    await until(() => dead() || taza.events.some((event) => event.event === 'http.listening'), Date.now() + 60_000);
    const listening = taza.events.find((event) => event.event === 'http.listening');
    if (!listening) throw new Error(`taza did not open its HTTP port: ${taza.errors.slice(-3).join(' | ')}`);
    const port = Number(listening.port);
    probe = new HealthProbe(`http://127.0.0.1:${port}/healthz`);

    const ordinaryBaselined = () =>
      (taza.counts.get('feed.baseline') ?? 0) -
      taza.events.filter((event) => event.event === 'feed.baseline' && isHostileUrl(event.feedUrl)).length;
    const loaded = await until(
      () => dead() || ordinaryBaselined() >= options.feeds,
      taza.spawnedAt + options.firstLoadTimeoutMs,
    );
    const firstLoadS = loaded && !dead() ? (Date.now() - taza.spawnedAt) / 1000 : undefined;

    // The window: opened by a scrape (which resets the event-loop histogram), closed by another.
    const opening = dead() ? undefined : await scrapeMetrics(port, options.scrapeTimeoutMs);
    const windowStart = opening?.answeredAt ?? Date.now();
    await farm.resetStats();
    const plan = planPublications(options.publications, options.feeds, options.durationMs, options.intervalMs);
    const published: Published[] = [];
    const publishing = publishOnSchedule(farm, plan, windowStart, options.intervalMs, dead, published);
    const ordinaryMessages = () => CHATS.flatMap((chat) => telegram.messages(chat));
    const arrivals = (entry: Published) =>
      ordinaryMessages()
        .filter((message) => message.text?.includes(entry.tag))
        .map((message) => message.at);
    // The last publication is armed by duration − 2 × interval, waits at most interval + 5 s for a check, then
    // its phase (< interval): published by duration + 5 s. With the interval + 10 s its alert may take, the window
    // never runs past duration + interval + 15 s, whatever Taza does.
    const hardEnd = windowStart + options.durationMs + options.intervalMs + 15_000;
    await until(() => dead() || publishing.settled, hardEnd);
    await until(
      () => dead() || published.every((entry) => arrivals(entry).length > 0),
      Math.min(
        hardEnd,
        Math.max(
          windowStart + options.durationMs,
          ...published.map((entry) => entry.publishedAt + options.intervalMs + 10_000),
        ),
      ),
    );
    if (!dead()) await pause(Math.max(0, windowStart + options.durationMs - Date.now()));
    const windowEnd = Date.now();
    const closing = dead() ? undefined : await scrapeMetrics(port, options.scrapeTimeoutMs);
    sampler.sample();
    const timeline = await farm.timeline();
    const hostileStats = await hostile.stats();
    await probe.stop();

    // Alerts that arrived while the closing scrape waited still count, judged by their latency.
    const delivery = judgeDeliveries(plan, published, arrivals, ordinaryMessages().length, options);
    const exitInfo = exit
      ? {
          atS: round((exit.at - taza.spawnedAt) / 1000, 1),
          code: exit.code,
          signal: exit.signal,
          lastErrors: taza.errors.slice(-5),
        }
      : undefined;
    return {
      options,
      exit: exitInfo,
      ordinaryBaselined: ordinaryBaselined(),
      firstLoadS: firstLoadS === undefined ? undefined : round(firstLoadS, 1),
      windowS: round((windowEnd - windowStart) / 1000, 1),
      eventLoop: eventLoopFigures(opening, closing, windowEnd),
      longestHealthWaitMs: probe.longestWaitMs(windowStart, windowEnd),
      health: probe.countBetween(windowStart, windowEnd),
      peakRssMb: round(Math.max(0, ...sampler.readings.map((reading) => reading.peakRssMb)), 1),
      windowMaxRssMb: round(sampler.maxRssBetween(windowStart, windowEnd), 1),
      ordinaryChecksInWindow: timeline.filter(([at]) => at >= windowStart && at <= windowEnd).length,
      ordinaryErrors: countBy(
        taza.events.filter((event) => event.event === 'feed.error' && !isHostileUrl(event.feedUrl)),
        (event) => String(event.kind),
      ),
      ...delivery,
      hostile: hostileStats.map((stats, i) =>
        hostileOutcome(stats, taza, telegram.messages(HOSTILE_CHAT_BASE + i), Date.now()),
      ),
    };
  } finally {
    await probe?.stop();
    sampler.stop();
    await taza.stop();
  }
}

/**
 * Arms each publication at its moment (as steady.ts), published at its phase after the feed's next check, or
 * interval + 5 s after arming when no check comes (a stalled Taza then shows as a missing alert). Stops arming
 * when Taza has died.
 */
function publishOnSchedule(
  farm: FarmProcess,
  plan: PlannedPublication[],
  windowStart: number,
  intervalMs: number,
  dead: () => boolean,
  published: Published[],
): { settled: boolean } {
  const state = { settled: false };
  void (async () => {
    const pending: Array<Promise<void>> = [];
    for (const entry of plan) {
      await pause(Math.max(0, windowStart + entry.offsetMs - Date.now()));
      if (dead()) break;
      pending.push(
        farm
          .publishAfterNextRequest(entry.feed, entry.phase * intervalMs, intervalMs + 5_000, { title: entry.title })
          .then(
            (item) => void published.push({ ...entry, publishedAt: Date.parse(item.publishedAt) }),
            () => undefined,
          ),
      );
    }
    await Promise.all(pending);
    state.settled = true;
  })();
  return state;
}

function judgeDeliveries(
  plan: PlannedPublication[],
  published: Published[],
  arrivals: (entry: Published) => number[],
  totalMessages: number,
  options: HostileOptions,
): Pick<
  HostileFigures,
  'planned' | 'published' | 'deliveredOnceInTime' | 'duplicates' | 'missing' | 'late' | 'unexpected' | 'latencyMs'
> {
  let deliveredOnceInTime = 0;
  let duplicates = 0;
  let missing = 0;
  let late = 0;
  let matched = 0;
  const latencyMs: number[] = [];
  for (const entry of published) {
    const times = arrivals(entry).sort((a, b) => a - b);
    matched += times.length;
    if (times.length === 0) {
      missing += 1;
      continue;
    }
    duplicates += times.length - 1;
    const latency = times[0]! - entry.publishedAt;
    latencyMs.push(latency);
    if (latency > options.intervalMs + options.slackMs) late += 1;
    else if (times.length === 1) deliveredOnceInTime += 1;
  }
  return {
    planned: plan.length,
    published: published.length,
    deliveredOnceInTime,
    duplicates,
    missing: missing + plan.length - published.length,
    late,
    unexpected: totalMessages - matched,
    latencyMs,
  };
}

function eventLoopFigures(
  opening: Scrape | undefined,
  closing: Scrape | undefined,
  windowEnd: number,
): HostileFigures['eventLoop'] {
  const waits = {
    openingScrapeWaitMs: opening ? opening.answeredAt - opening.sentAt : undefined,
    closingScrapeWaitMs: closing ? closing.answeredAt - windowEnd : undefined,
  };
  if (!opening || !closing) return waits;
  const raw = (name: string) => closing.values.get(name);
  const delay = (seconds: number | undefined) =>
    seconds === undefined ? undefined : round(Math.max(0, seconds - EVENT_LOOP_RESOLUTION_S) * 1000, 1);
  const rawP99S = raw('nodejs_eventloop_lag_p99_seconds');
  const rawMaxS = raw('nodejs_eventloop_lag_max_seconds');
  return {
    ...waits,
    rawP99S,
    rawMaxS,
    rawMinS: raw('nodejs_eventloop_lag_min_seconds'),
    delayP99Ms: delay(rawP99S),
    delayMaxMs: delay(rawMaxS),
  };
}

function countBy<T>(values: T[], key: (value: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[key(value)] = (counts[key(value)] ?? 0) + 1;
  return counts;
}

function hostileOutcome(
  stats: HostileFeedStats,
  taza: TazaRun,
  messages: Array<{ text?: string }>,
  now: number,
): HostileFeedOutcome {
  const events = taza.events.filter((event) => event.feedUrl === stats.url && OUTCOMES.has(String(event.event)));
  const errors = new Map<string, { kind: string; message: string; count: number }>();
  for (const event of events.filter((e) => e.event === 'feed.error')) {
    const kind = String(event.kind);
    const message = String(event.msg ?? '');
    const entry = errors.get(`${kind} ${message}`) ?? { kind, message, count: 0 };
    entry.count += 1;
    errors.set(`${kind} ${message}`, entry);
  }
  // Checks of one feed are one at a time: the outcome events of a check follow its request (a baseline logs
  // 'feed.baseline' and then 'feed.items' for the items it silenced).
  const checks = new Map<number, { at: number; parsed: boolean }>();
  for (const event of events) {
    const at = Number(event.time);
    const request = stats.requestTimes.filter((time) => time <= at).at(-1);
    if (request === undefined) continue;
    const check = checks.get(request) ?? { at, parsed: false };
    check.at = Math.max(check.at, at);
    check.parsed ||= event.event !== 'feed.error';
    checks.set(request, check);
  }
  const checkSeconds = [...checks].map(([request, check]) => round((check.at - request) / 1000, 2));
  const lastRequest = stats.requestTimes.at(-1);
  const baseline = events.find((event) => event.event === 'feed.baseline');
  return {
    key: stats.key,
    label: stats.label,
    url: stats.url,
    bytes: stats.bytes,
    requests: stats.requests,
    completed: stats.completed,
    aborted: stats.aborted,
    baselineItems: baseline === undefined ? undefined : Number(baseline.items),
    parsed: [...checks.values()].filter((check) => check.parsed).length,
    alertsQueued: events
      .filter((event) => event.event === 'feed.items')
      .reduce((sum, event) => sum + Number(event.alerts ?? 0), 0),
    alertsDelivered: messages.filter((message) => message.text?.includes(`hostile ${stats.key} #`)).length,
    failingNotices: messages.filter((message) => message.text?.includes('Feed failing')).length,
    errors: [...errors.values()],
    checkSeconds,
    unfinishedSeconds:
      lastRequest !== undefined && !checks.has(lastRequest) ? round((now - lastRequest) / 1000, 1) : undefined,
  };
}

function hostileRows(f: HostileFigures): Row[] {
  const section = `hostile ${f.options.feeds} feeds + ${f.hostile.length}`;
  const intervalS = f.options.intervalMs / 1000;
  const limitS = intervalS + f.options.slackMs / 1000;
  const alive = f.exit === undefined;
  const exitNote = f.exit
    ? `died ${f.exit.atS} s after start (${f.exit.signal ?? `exit code ${f.exit.code}`}): ${f.exit.lastErrors.join(' | ').slice(0, 160)}`
    : 'alive at the end';
  const el = f.eventLoop;
  const noScrape = el.delayMaxMs === undefined;
  const stallLowerBound = f.longestHealthWaitMs;
  const rows: Row[] = [
    {
      section,
      measure: 'Taza process alive through the run',
      unit: '',
      taza: alive ? 1 : 0,
      target: 'alive',
      pass: alive,
      note: exitNote,
    },
    {
      section,
      measure: 'ordinary feeds through their first load',
      unit: 'feeds',
      taza: f.ordinaryBaselined,
      note:
        f.firstLoadS !== undefined
          ? `all in ${f.firstLoadS} s`
          : `of ${f.options.feeds} when the window opened (limit ${f.options.firstLoadTimeoutMs / 1000} s)`,
    },
    {
      section,
      measure: 'event-loop delay max',
      unit: 'ms',
      taza: noScrape ? (stallLowerBound > 0 ? stallLowerBound : undefined) : el.delayMaxMs,
      target: '< 100 ms',
      // No closing answer within the scrape timeout is a stall of at least that long.
      pass: noScrape ? false : el.delayMaxMs! < 100,
      note: noScrape
        ? `no closing /metrics answer within ${f.options.scrapeTimeoutMs / 1000} s; figure is the longest /healthz wait (a lower bound)`
        : `window of ${f.windowS} s; Taza reports ${round(el.rawMaxS ?? Number.NaN, 3)} s incl. its 0.1 s sampling interval`,
    },
    {
      section,
      measure: 'event-loop delay p99',
      unit: 'ms',
      taza: el.delayP99Ms,
      note: noScrape ? 'no closing /metrics answer' : 'one sample per 100 ms: a long stall is one sample',
    },
    {
      section,
      measure: 'longest /healthz wait in the window',
      unit: 'ms',
      taza: f.longestHealthWaitMs,
      note: `until Taza answered anything; ${f.health.probes} probes (one at a time) in the window, ${f.health.timedOut} timed out after 60 s, ${f.health.unanswered} saw no answer by the end`,
    },
    {
      section,
      measure: 'peak resident memory',
      unit: 'MB',
      taza: f.peakRssMb,
      target: '< 300 MB',
      pass: f.peakRssMb < 300,
      note: `VmHWM over the whole run; ${f.windowMaxRssMb} MB at most in the window`,
    },
    {
      section,
      measure: 'ordinary alerts delivered once in time / published',
      unit: 'items',
      taza: f.deliveredOnceInTime,
      target: `all ${f.planned}, once, ≤ ${limitS} s`,
      pass: f.deliveredOnceInTime === f.planned && f.unexpected === 0,
      note: `published ${f.published}, missing ${f.missing}, late ${f.late}, dup ${f.duplicates}, other ${f.unexpected}`,
    },
    {
      section,
      measure: 'ordinary alert latency max',
      unit: 's',
      taza: f.latencyMs.length ? round(Math.max(...f.latencyMs) / 1000, 2) : undefined,
      note: `publish → fake Telegram; ${f.latencyMs.length} arrived`,
    },
    {
      section,
      measure: 'ordinary feed checks in the window',
      unit: 'count',
      taza: f.ordinaryChecksInWindow,
      note: `about ${Math.round((f.options.feeds * f.windowS) / intervalS)} at one per feed per interval; errors ${
        Object.entries(f.ordinaryErrors)
          .map(([kind, count]) => `${kind} ×${count}`)
          .join(', ') || 'none'
      }`,
    },
  ];
  for (const feed of f.hostile) rows.push(hostileRow(section, feed));
  return rows;
}

function hostileRow(section: string, feed: HostileFeedOutcome): Row {
  const slowest = feed.checkSeconds.length ? Math.max(...feed.checkSeconds) : undefined;
  const parts = [
    `${feed.requests} requested (${feed.completed} sent whole, ${feed.aborted} cut off)`,
    feed.baselineItems !== undefined ? `baseline ${feed.baselineItems} items` : 'no baseline',
    `${feed.alertsQueued} alerts queued, ${feed.alertsDelivered} delivered`,
    feed.failingNotices ? `${feed.failingNotices} failing notices` : '',
    slowest !== undefined ? `slowest check ${slowest} s` : '',
    feed.unfinishedSeconds !== undefined ? `last check unfinished after ${feed.unfinishedSeconds} s` : '',
    ...feed.errors.map((error) => `${error.count}× ${error.kind}: ${error.message.slice(0, 90)}`),
  ];
  return {
    section,
    measure: `${feed.label} (${(feed.bytes / 1e6).toFixed(1)} MB): checks parsed`,
    unit: 'checks',
    taza: feed.parsed,
    note: parts.filter(Boolean).join('; '),
  };
}
