/**
 * Scale-out: one Taza on SQLite, three on one Redis and three on one Postgres, in turn, against the same feed farm
 * (feeds over many loopback hosts, POLL_STRATEGY=fixed). Per setup, over a window of whole intervals: requests per
 * feed per interval, the most requests in flight to one host and the least gap between two requests to one host
 * (the farm's timeline: arrival, feed index; feed i is on host i mod hosts), K matching items published and the
 * alert.sent events counted (each once), CPU per check of the instances and of the backend server. Then, for three
 * instances, one is SIGKILLed: how long until every feed has been requested again, and how late the latest feed
 * came against its schedule (last request before the kill + interval): the killed instance's feeds are the late ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { farmHostAddress, type FarmRequestRecord } from './farm/index.js';
import { spawnFarm, type FarmProcess } from './farm/process.js';
import { ProcessSampler } from './lib/proc.js';
import { pause, round } from './lib/stats.js';
import type { Row } from './lib/table.js';
import { startTaza, type TazaRun } from './lib/taza.js';
import { KEYWORD } from './lib/workload.js';
import { startPostgres } from '../tests/support/servers/postgres.js';
import type { TestServer } from '../tests/support/servers/process.js';
import { startRedis } from '../tests/support/servers/redis.js';

export interface ScaleOutOptions {
  feeds: number;
  hosts: number;
  intervalS: number;
  perHostGapMs: number;
  /** Whole intervals measured. */
  intervals: number;
  /** Matching items published during the window. */
  publications: number;
  instances: number;
  baselineTimeoutMs: number;
}

const envFeeds = Number(process.env.SCALE_OUT_FEEDS);
const envInterval = Number(process.env.SCALE_OUT_INTERVAL);
export const SCALE_OUT_DEFAULTS: ScaleOutOptions = {
  feeds: Number.isFinite(envFeeds) && envFeeds > 0 ? envFeeds : 10_000,
  hosts: 0, // 0: one host per 4 feeds
  intervalS: Number.isFinite(envInterval) && envInterval > 0 ? envInterval : 30,
  perHostGapMs: 1000,
  intervals: 2,
  publications: 20,
  instances: 3,
  baselineTimeoutMs: 300_000,
};

type Backend = 'SQLite' | 'Redis' | 'Postgres';

export interface SetupFigures {
  backend: Backend;
  instances: number;
  baselineS: number;
  windowRequests: number;
  requestsPerFeedPerInterval: number;
  maxInFlightPerHost: number;
  minHostGapMs: number;
  alertsSent: number;
  alertsDistinct: number;
  instanceCpuMsPerCheck: number;
  backendCpuMsPerCheck?: number;
  /** SIGKILL of one instance → every feed requested again. */
  allRecheckedAfterKillS?: number;
  /** The latest feed after the kill against its schedule (last request + interval). */
  maxLatenessAfterKillS?: number;
  /** Feeds whose first request after the kill came more than 30 s after their schedule. */
  feedsLateOver30sAfterKill?: number;
  errors: string[];
}

/**
 * The pid of the server process listening on `port`, found by its command line: `-p N` for Postgres; redis-server
 * rewrites its own to `redis-server 127.0.0.1:N`.
 */
function serverPid(name: string, port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!argv[0]?.includes(name)) continue;
      if (argv[0].endsWith(`:${port}`)) return Number(entry);
      const at = argv.findIndex((arg) => arg === '--port' || arg === '-p');
      if (at !== -1 && argv[at + 1] === String(port)) return Number(entry);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return undefined;
}

/**
 * CPU ms of a server and its children: Postgres runs a process per connection, so its own time plus its reaped
 * children's (cutime, cstime) plus the live children's.
 */
function treeCpuMs(pid: number): number {
  const ticks = (p: number, withChildren: boolean): number => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
    } catch {
      return 0;
    }
  };
  let total = ticks(pid, true);
  try {
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean))
      total += ticks(Number(child), false);
  } catch {
    // No children file: only the process itself.
  }
  return total * 10; // 100 ticks per second on Linux
}

async function until(done: () => Promise<boolean> | boolean, deadline: number, everyMs = 500): Promise<boolean> {
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await pause(everyMs);
  }
}

function hostFigures(records: FarmRequestRecord[], hosts: number): number {
  const last = new Map<string, number>();
  let minGap = Number.POSITIVE_INFINITY;
  for (const [at, feed] of [...records].sort((a, b) => a[0] - b[0])) {
    if (feed < 0) continue;
    const host = farmHostAddress(feed % hosts);
    const previous = last.get(host);
    if (previous !== undefined) minGap = Math.min(minGap, at - previous);
    last.set(host, at);
  }
  return minGap;
}

async function runSetup(backend: Backend, farm: FarmProcess, options: ScaleOutOptions): Promise<SetupFigures> {
  const hosts = options.hosts || Math.ceil(options.feeds / 4);
  const server: TestServer | undefined =
    backend === 'Redis' ? await startRedis() : backend === 'Postgres' ? await startPostgres() : undefined;
  const backendPid = server ? serverPid(backend === 'Redis' ? 'redis-server' : 'postgres', server.port) : undefined;
  const count = backend === 'SQLite' ? 1 : options.instances;
  const instances: TazaRun[] = [];
  const errors: string[] = [];
  try {
    await farm.resetStats();
    const env: Record<string, string> = {
      POLL_INTERVAL: `${options.intervalS}s`,
      MIN_POLL_INTERVAL: '1s',
      POLL_STRATEGY: 'fixed',
      PER_HOST_GAP: `${options.perHostGapMs}ms`,
      PER_HOST_CONCURRENCY: '1',
      ...(server ? { STORE_URL: server.url } : {}),
    };
    const subscriptions = farm.urls.map((feed) => ({ feed, keywords: KEYWORD, to: 'console' }));
    const spawnedAt = Date.now();
    for (let i = 0; i < count; i++)
      instances.push(startTaza({ subscriptions, env, keep: (event) => event.event === 'alert.sent' }));
    const samplers = instances.map((taza) => new ProcessSampler(taza.pid, 500));
    const sum = (name: string) => instances.reduce((total, taza) => total + (taza.counts.get(name) ?? 0), 0);
    // Three instances on Postgres baselined 2,000 feeds in about a minute on two cores: allow 60 ms a feed at least.
    const baselineTimeoutMs = Math.max(options.baselineTimeoutMs, options.feeds * 60);
    const baselined = await until(() => sum('feed.baseline') >= options.feeds, Date.now() + baselineTimeoutMs);
    if (!baselined) errors.push(`${sum('feed.baseline')} of ${options.feeds} baselined in time`);
    const baselineS = (Date.now() - spawnedAt) / 1000;
    for (const taza of instances) errors.push(...taza.errors.slice(0, 3));

    // The window: whole intervals from here, K matching items published at spread moments in its first half.
    await farm.resetStats();
    const windowStart = Date.now();
    const instanceCpu0 = samplers.map((sampler) => sampler.sample()?.cpuMs ?? 0);
    const backendCpu0 = backendPid ? treeCpuMs(backendPid) : 0;
    const windowMs = options.intervals * options.intervalS * 1000;
    const tags: string[] = [];
    for (let k = 0; k < options.publications; k++) {
      await pause(windowMs / 2 / options.publications);
      const feed = Math.floor(((k + 0.5) * options.feeds) / options.publications);
      const tag = `n${k}x${backend}`;
      tags.push(tag);
      await farm.publish(feed, { title: `The ${KEYWORD} story ${tag}` });
    }
    await pause(Math.max(0, windowStart + windowMs - Date.now()));
    const instanceCpuMs = samplers.reduce(
      (total, sampler, i) => total + (sampler.sample()?.cpuMs ?? 0) - instanceCpu0[i]!,
      0,
    );
    const backendCpuMs = backendPid ? treeCpuMs(backendPid) - backendCpu0 : undefined;
    const stats = await farm.stats();
    const window = (await farm.timeline()).filter((record) => record[0] < windowStart + windowMs);
    // Alerts of the last publications may still be on their way: wait for them, then a little for any duplicate.
    await until(() => sum('alert.sent') >= options.publications, Date.now() + 2 * options.intervalS * 1000);
    await pause(3000);
    const sent = instances.flatMap((taza) => taza.events.filter((event) => event.event === 'alert.sent'));
    const distinct = new Set(sent.map((event) => String(event.itemId)));

    const figures: SetupFigures = {
      backend,
      instances: count,
      baselineS: round(baselineS, 1),
      windowRequests: window.length,
      requestsPerFeedPerInterval: window.length / options.feeds / options.intervals,
      maxInFlightPerHost: stats.maxInFlightPerHost,
      minHostGapMs: hostFigures(window, hosts),
      alertsSent: sent.length,
      alertsDistinct: distinct.size,
      instanceCpuMsPerCheck: instanceCpuMs / Math.max(1, window.length),
      backendCpuMsPerCheck: backendCpuMs === undefined ? undefined : backendCpuMs / Math.max(1, window.length),
      errors,
    };

    if (count > 1) {
      // Takeover: the last request of each feed before the kill, then how long until each is requested again. Both
      // from one timeline read after the kill: a read before it (it takes a while at 10,000 feeds) missed the
      // requests made meanwhile, and their feeds, checked just before the kill, looked a whole interval late.
      const killedAt = Date.now();
      instances[0]!.child.kill('SIGKILL');
      const lastBefore = new Map<number, number>();
      const firstAfter = new Map<number, number>();
      let seen = 0;
      await until(
        async () => {
          const timeline = await farm.timeline();
          for (; seen < timeline.length; seen++) {
            const [at, feed] = timeline[seen]!;
            if (at < killedAt) lastBefore.set(feed, at);
            else if (!firstAfter.has(feed)) firstAfter.set(feed, at);
          }
          return firstAfter.size >= options.feeds;
        },
        killedAt + 4 * options.intervalS * 1000,
        1000,
      );
      if (firstAfter.size >= options.feeds) {
        figures.allRecheckedAfterKillS = round((Math.max(...firstAfter.values()) - killedAt) / 1000, 1);
        let lateness = 0;
        let lateOver30s = 0;
        for (const [feed, at] of firstAfter) {
          const due = (lastBefore.get(feed) ?? killedAt) + options.intervalS * 1000;
          const late = at - Math.max(due, killedAt);
          lateness = Math.max(lateness, late);
          if (late > 30_000) lateOver30s++;
        }
        figures.maxLatenessAfterKillS = round(lateness / 1000, 1);
        figures.feedsLateOver30sAfterKill = lateOver30s;
      } else errors.push(`after the kill only ${firstAfter.size} of ${options.feeds} feeds requested again`);
    }
    for (const sampler of samplers) sampler.stop();
    return figures;
  } finally {
    await Promise.all(instances.map((taza) => taza.stop()));
    await server?.close();
  }
}

export async function runScaleOut(
  options: ScaleOutOptions = SCALE_OUT_DEFAULTS,
): Promise<{ rows: Row[]; details: { options: ScaleOutOptions; setups: SetupFigures[] } }> {
  const hosts = options.hosts || Math.ceil(options.feeds / 4);
  const farm = await spawnFarm(options.feeds, hosts);
  const setups: SetupFigures[] = [];
  try {
    // SCALE_OUT_BACKENDS=Redis: one instance on SQLite (the reference) and three on Redis only.
    const only = process.env.SCALE_OUT_BACKENDS?.split(',');
    const backends = (['SQLite', 'Redis', 'Postgres'] as const).filter(
      (backend) => backend === 'SQLite' || !only || only.includes(backend),
    );
    for (const backend of backends) {
      console.error(`[scale-out] ${backend}…`);
      setups.push(await runSetup(backend, farm, { ...options, hosts }));
      console.error(`[scale-out] ${backend}: ${JSON.stringify(setups.at(-1))}`);
    }
  } finally {
    await farm.stop();
  }
  return { rows: scaleOutRows({ ...options, hosts }, setups), details: { options: { ...options, hosts }, setups } };
}

/** Error lines as their event and problem (`store.down timeout`), distinct, for a table note. */
function errorSummary(errors: string[]): string {
  const names = errors.map((line) => {
    try {
      const event = JSON.parse(line) as { event?: string; problem?: string };
      return [event.event, event.problem].filter(Boolean).join(' ');
    } catch {
      return line.slice(0, 60);
    }
  });
  return [...new Set(names)].join('; ').slice(0, 120);
}

function scaleOutRows(options: ScaleOutOptions, setups: SetupFigures[]): Row[] {
  const single = setups.find((setup) => setup.backend === 'SQLite')!;
  const rows: Row[] = [];
  for (const setup of setups) {
    const section = `scale-out ${options.feeds.toLocaleString('en-US')} feeds: ${setup.instances} × ${setup.backend}`;
    const multi = setup.instances > 1;
    const note = setup.errors.length ? `${setup.errors.length} errors: ${errorSummary(setup.errors)}` : undefined;
    rows.push(
      { section, measure: 'start → every feed baselined', unit: 's', taza: setup.baselineS, note },
      {
        section,
        measure: `requests per feed per interval (${options.intervals} × ${options.intervalS} s)`,
        unit: 'count',
        taza: round(setup.requestsPerFeedPerInterval, 3),
        ...(multi
          ? {
              // Fewer is no better: instances that fall behind check each feed less than once an interval.
              target: `0.95–1.05 × ${round(single.requestsPerFeedPerInterval, 3)}`,
              pass:
                setup.requestsPerFeedPerInterval <= 1.05 * single.requestsPerFeedPerInterval &&
                setup.requestsPerFeedPerInterval >= 0.95 * single.requestsPerFeedPerInterval,
            }
          : {}),
      },
      {
        section,
        measure: 'most requests in flight per host',
        unit: 'count',
        taza: setup.maxInFlightPerHost,
        target: '1',
        pass: setup.maxInFlightPerHost === 1,
      },
      {
        section,
        measure: 'least gap between requests to one host',
        unit: 'ms',
        taza: setup.minHostGapMs,
        // Measured at arrival on the farm, so a few ms of scheduling jitter either side of the client's own gap.
        target: `≥ ${options.perHostGapMs} − 5`,
        pass: setup.minHostGapMs >= options.perHostGapMs - 5,
      },
      {
        section,
        measure: `alerts sent for ${options.publications} matching items`,
        unit: 'count',
        taza: setup.alertsSent,
        target: `${options.publications}, each once`,
        pass: setup.alertsSent === options.publications && setup.alertsDistinct === options.publications,
        note: `${setup.alertsDistinct} distinct`,
      },
      {
        section,
        measure: 'CPU per check, Taza (all instances)',
        unit: 'ms',
        taza: round(setup.instanceCpuMsPerCheck, 3),
        ...(multi
          ? {
              target: `≤ 2 × ${round(single.instanceCpuMsPerCheck, 3)}`,
              pass: setup.instanceCpuMsPerCheck <= 2 * single.instanceCpuMsPerCheck,
            }
          : {}),
      },
    );
    if (setup.backendCpuMsPerCheck !== undefined)
      rows.push({
        section,
        measure: `CPU per check, ${setup.backend} server`,
        unit: 'ms',
        taza: round(setup.backendCpuMsPerCheck, 3),
      });
    if (multi)
      rows.push({
        section,
        measure: 'takeover after SIGKILL of one instance: latest feed vs its schedule',
        unit: 's',
        taza: setup.maxLatenessAfterKillS,
        target: '≤ 30 s',
        pass: setup.maxLatenessAfterKillS !== undefined && setup.maxLatenessAfterKillS <= 30,
        note:
          setup.allRecheckedAfterKillS === undefined
            ? 'not every feed requested again'
            : `every feed requested again ${setup.allRecheckedAfterKillS} s after the kill; ${setup.feedsLateOver30sAfterKill} feeds over 30 s late`,
      });
  }
  return rows;
}
