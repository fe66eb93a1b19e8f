/**
 * Autocomplete must answer inside Discord's 3-second deadline; suggestions come from memory only. This measures
 * suggest() for a server at the default quota (50 subscriptions) in an instance with 20,000 subscriptions, and
 * the Telegram argument parser. Run: npx tsx bench/commands-autocomplete.ts
 */
import { suggest } from '../src/chat/autocomplete.js';
import { PRESETS } from '../src/subscriptions/presets.js';
import type { CommandServices } from '../src/chat/services.js';
import { parseTextArguments } from '../src/chat/text-arguments.js';
import type { CommandDefinition } from '../src/chat/definition.js';
import type { FeedRecord, Subscription } from '../src/core/records.js';

const SCOPES = 400;
const PER_SCOPE = 50;
const subscriptions: Subscription[] = [];
const feeds = new Map<string, FeedRecord>();
for (let s = 0; s < SCOPES; s++) {
  for (let i = 0; i < PER_SCOPE; i++) {
    const feedId = `feed${(s * 7 + i) % 3000}`;
    feeds.set(feedId, {
      id: feedId,
      url: `https://news${feedId}.example/rss.xml`,
      title: `News ${feedId}`,
      failures: 0,
      nextCheckAt: '',
      baselineTaken: true,
      createdAt: '',
    });
    subscriptions.push({
      id: `s${s}x${i}`,
      feedId,
      query: `bitcoin, crypto council ${i}`,
      destination: { platform: 'discord', id: `c${s}` },
      scope: `g${s}`,
      source: 'command',
      createdAt: new Date(i * 1000).toISOString(),
    });
  }
}
const services = {
  presets: PRESETS,
  feeds: { get: (id: string) => feeds.get(id) },
  subscriptions: { byScope: (scope: string) => subscriptions.filter((x) => x.scope === scope) },
} as unknown as CommandServices;

function measure(label: string, runs: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < 50; i++) fn(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3);
  console.log(`${label}: p50 ${pick(0.5)} ms, p99 ${pick(0.99)} ms, max ${pick(1)} ms (${runs} runs)`);
}

console.log(`${subscriptions.length} subscriptions in ${SCOPES} servers, ${feeds.size} feeds`);
measure('autocomplete id (50 in this server)', 2000, (i) => suggest(services, 'subscription', `g${i % SCOPES}`, ''));
measure('autocomplete feed "coin"', 2000, (i) => suggest(services, 'feed', `g${i % SCOPES}`, 'coin'));
const subscribe: CommandDefinition = {
  name: 'subscribe',
  description: 'x',
  access: 'admin',
  examples: [],
  handler: async () => ({ ok: true, text: '' }),
  options: [
    { name: 'feed', type: 'string', required: true, description: 'f' },
    { name: 'keywords', type: 'string', multiword: true, required: true, description: 'k' },
    { name: 'channel', type: 'channel', description: 'c' },
  ],
};
measure('parse "/subscribe @chan \\"news:x lang:ur\\" بٹ کوائن, crypto council"', 20000, () =>
  parseTextArguments(subscribe, '@tazanews "news:crypto council lang:ur" بٹ کوائن, crypto council -etf'),
);
