/**
 * Start-up: from process start to the first feed check (the farm's first request) and to ready with both platforms
 * connected (the fake Discord and the fake Telegram; Taza's 'app.started' event). A fresh data directory each run,
 * 1,000 subscriptions from the file; the median of a few runs. The peer has no platforms: only its first request.
 */
import { startFakeDiscord } from '../tests/fakes/discord.js';
import { startFakeTelegram } from '../tests/fakes/telegram.js';
import { spawnFarm, type FarmProcess } from './farm/process.js';
import { median, pause, round } from './lib/stats.js';
import type { Row } from './lib/table.js';
import { startTaza } from './lib/taza.js';
import { KEYWORD } from './lib/workload.js';
import { startPeer } from './peer/peer.js';

export interface StartupOptions {
  feeds: number;
  hosts: number;
  runs: number;
}

export const STARTUP_DEFAULTS: StartupOptions = { feeds: 1000, hosts: 250, runs: 3 };

const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';
const CHAT = 7001;

interface StartupFigures {
  firstCheckMs: number[];
  readyMs: number[];
}

async function firstRequestAt(farm: FarmProcess, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const at = (await farm.stats()).firstRequestAt;
    if (at !== undefined) return at;
    await pause(50);
  }
  return undefined;
}

async function startupTaza(farm: FarmProcess, options: StartupOptions): Promise<StartupFigures> {
  const discord = await startFakeDiscord({
    guilds: [{ id: GUILD, name: 'Bench', channels: [{ id: CHANNEL, name: 'news' }] }],
  });
  const telegram = await startFakeTelegram({ chats: [{ id: CHAT, type: 'private' }] });
  const figures: StartupFigures = { firstCheckMs: [], readyMs: [] };
  try {
    for (let run = 0; run < options.runs; run += 1) {
      await farm.resetStats();
      const taza = startTaza({
        subscriptions: farm.urls.map((feed, i) => ({
          feed,
          keywords: KEYWORD,
          to: i % 2 === 0 ? `telegram:${CHAT}` : `discord:${CHANNEL}`,
        })),
        env: {
          POLL_INTERVAL: '30s',
          MIN_POLL_INTERVAL: '1s',
          DISCORD_TOKEN: discord.token,
          DISCORD_API_BASE: discord.apiBase,
          TELEGRAM_TOKEN: telegram.token,
          TELEGRAM_API_ROOT: telegram.apiRoot,
        },
        keep: (event) => event.event === 'app.started' || event.event === 'sink.connected',
      });
      try {
        await taza.waitForCount('app.started', 1, 60_000);
        const connected = taza.events
          .filter((event) => event.event === 'sink.connected')
          .map((event) => String(event.platform));
        if (!connected.includes('discord') || !connected.includes('telegram'))
          throw new Error(`start-up: only ${connected.join(', ')} connected`);
        const first = await firstRequestAt(farm, 30_000);
        if (first === undefined) throw new Error('start-up: no feed check within 30 s of ready');
        figures.readyMs.push(Number(taza.events.find((event) => event.event === 'app.started')!.time) - taza.spawnedAt);
        figures.firstCheckMs.push(first - taza.spawnedAt);
      } finally {
        await taza.stop();
      }
    }
  } finally {
    await Promise.all([discord.close(), telegram.close()]);
  }
  return figures;
}

async function startupPeer(farm: FarmProcess, options: StartupOptions): Promise<StartupFigures> {
  const figures: StartupFigures = { firstCheckMs: [], readyMs: [] };
  for (let run = 0; run < options.runs; run += 1) {
    await farm.resetStats();
    const peer = startPeer(30_000, KEYWORD);
    try {
      peer.add(farm.urls);
      const first = await firstRequestAt(farm, 30_000);
      if (first !== undefined) figures.firstCheckMs.push(first - peer.spawnedAt);
    } finally {
      await peer.stop();
    }
  }
  return figures;
}

export interface StartupResult {
  rows: Row[];
  details: { options: StartupOptions; taza: StartupFigures; peer: StartupFigures };
}

export async function runStartup(options: StartupOptions = STARTUP_DEFAULTS): Promise<StartupResult> {
  const farm = await spawnFarm(options.feeds, options.hosts);
  let taza: StartupFigures;
  let peer: StartupFigures;
  try {
    taza = await startupTaza(farm, options);
    peer = await startupPeer(farm, options);
  } finally {
    await farm.stop();
  }
  const section = `start-up ${options.feeds} subs`;
  const rows: Row[] = [
    {
      section,
      measure: 'process start → first feed check',
      unit: 'ms',
      taza: round(median(taza.firstCheckMs), 0),
      peer: round(median(peer.firstCheckMs), 0),
      note: `median of ${options.runs}`,
    },
    {
      section,
      measure: 'process start → ready, Discord + Telegram connected',
      unit: 'ms',
      taza: round(median(taza.readyMs), 0),
      note: `median of ${options.runs}; the peer has no platforms`,
    },
  ];
  return { rows, details: { options, taza, peer } };
}
