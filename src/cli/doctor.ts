/**
 * `taza doctor`: checks everything a self-hoster can get wrong, one line per check, and says what to do.
 * Reads the store and asks the platforms; changes nothing (beyond the store's ping key) and posts nothing.
 */
import { loadConfig, ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { readSubscriptionsFile, type SubscriptionsFile } from '../config/subscriptions-file.js';
import { formatDestination, type Destination } from '../core/destination.js';
import { createFetcher, createNetworkPolicy, type Fetcher } from '../fetcher/index.js';
import { parseFeed } from '../parser/index.js';
import { describeError } from '../pipeline/feed-health.js';
import { FeedRegistry } from '../registry/feeds.js';
import { SubscriptionRegistry } from '../registry/subscriptions.js';
import { allValues, openStore } from '../store/open.js';
import { cleanControlCharacters } from '../summarizer/html-to-text.js';
import { userAgent } from '../app/version.js';
import { plural } from '../replies/format.js';
import { checkDiscord, checkTelegram, type CheckResult } from './doctor-platforms.js';

export const DOCTOR_HELP = `Usage: taza doctor

Checks the configuration, the store, each platform token, that the bot can post to every channel or chat
that has subscriptions, and that every subscribed feed can be fetched. Prints one line per check (✓ or ✗)
and, for a failure, what to do. Nothing is posted and no subscription is changed.

Exit code: 0 when every check passes, 1 otherwise.`;

/** Feeds checked at once: enough to be quick, few enough to be polite to one publisher. */
const FEED_CONCURRENCY = 4;
/** An unreachable Redis or Postgres retries for ever: the doctor reports it instead of waiting. */
const STORE_TIMEOUT_MS = 10_000;

export async function runDoctor(
  _args: string[],
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  let failed = 0;
  let secrets: string[] = [];
  const report = (result: CheckResult) => {
    if (!result.ok) failed++;
    // Details carry feed titles and channel names: cleaned as alerts are, so no escape sequence reaches the terminal.
    const line = cleanControlCharacters(
      `${result.ok ? '✓' : '✗'} ${result.label}: ${result.detail}${result.fix ? ` → ${result.fix}` : ''}`,
    );
    // Defence in depth: no line ever carries a token, even one echoed inside an error message.
    write(secrets.reduce((text, secret) => text.split(secret).join('[redacted]'), line));
  };

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report({
      ok: false,
      label: 'configuration',
      detail: error.message,
      fix: 'fix it in .env or the environment (every setting is described in .env.example)',
    });
    return 1;
  }
  secrets = [config.DISCORD_TOKEN, config.TELEGRAM_TOKEN].filter(
    (s): s is string => typeof s === 'string' && s.length >= 8,
  );
  const platforms = [config.DISCORD_TOKEN && 'Discord', config.TELEGRAM_TOKEN && 'Telegram'].filter(Boolean);
  report({
    ok: true,
    label: 'configuration',
    detail: `valid; platforms: ${platforms.length > 0 ? platforms.join(', ') : 'none (alerts print to the console)'}`,
  });

  let file: SubscriptionsFile = { subscriptions: [], problems: [] };
  try {
    file = readSubscriptionsFile(config.TAZA_CONFIG);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report({
      ok: false,
      label: 'subscriptions file',
      detail: error.message,
      fix: 'taza run refuses to start until it is fixed',
    });
  }
  for (const problem of file.problems)
    report({
      ok: false,
      label: 'subscriptions file',
      detail: problem,
      fix: `correct or remove that entry in ${file.path ?? 'the subscriptions file'}`,
    });
  if (file.path && file.problems.length === 0)
    report({
      ok: true,
      label: 'subscriptions file',
      detail: `${file.path}: ${plural(file.subscriptions.length, 'subscription')}`,
    });

  // What the store holds plus what the file will add at the next start.
  const destinations = new Map<string, { destination: Destination; paused: number }>();
  const feedUrls = new Set<string>();
  const noteDestination = (destination: Destination, paused: boolean) => {
    const entry = destinations.get(formatDestination(destination)) ?? { destination, paused: 0 };
    if (paused) entry.paused++;
    destinations.set(formatDestination(destination), entry);
  };
  for (const entry of file.subscriptions) {
    noteDestination(entry.destination, false);
    feedUrls.add(entry.feed);
  }

  try {
    const store = await withTimeout(
      openStore({ storeUrl: config.STORE_URL, dataDir: config.DATA_DIR }),
      STORE_TIMEOUT_MS,
      `no answer from the store within ${STORE_TIMEOUT_MS / 1000} s`,
    );
    try {
      // A real round-trip, a write then a read, each bounded by the store's timeout: when it fails, the
      // StoreError says why (refused, timeout, read-only…), where a bare "refused a write" told nothing.
      const written = Date.now();
      await store.meta.set('ping', written);
      if ((await store.meta.get('ping')) !== written)
        throw new Error(`${store.location} took a write but did not read it back`);
      const feeds = await FeedRegistry.load(store);
      const subscriptions = await SubscriptionRegistry.load(store);
      const pending = (await allValues(store.outbox)).filter((entry) => entry.status === 'pending').length;
      for (const subscription of subscriptions.all()) {
        noteDestination(subscription.destination, subscription.paused !== undefined);
        const feed = feeds.get(subscription.feedId);
        if (feed && !feed.disabled) feedUrls.add(feed.url);
      }
      report({
        ok: true,
        label: 'store',
        detail: `${store.location} answers (${plural(feeds.all().length, 'feed')}, ${plural(subscriptions.all().length, 'subscription')}, ${plural(pending, 'alert')} pending)`,
      });
      for (const feed of feeds.all()) {
        if (feed.disabled && subscriptions.byFeed(feed.id).length > 0) {
          report({
            ok: false,
            label: `feed ${feed.url}`,
            detail: `Taza stopped checking it: ${feed.disabled.reason}`,
            fix: 'unsubscribe from it, or subscribe again to a working URL for that site',
          });
        }
      }
    } finally {
      await store.close();
    }
  } catch (error) {
    const fix = /^(redis|postgres)/.test(config.STORE_URL ?? '')
      ? 'check STORE_URL: is the server running and reachable from here, and are the user and password right?'
      : `check STORE_URL, and that DATA_DIR (${config.DATA_DIR}) exists and this user can write to it`;
    report({ ok: false, label: 'store', detail: error instanceof Error ? error.message : String(error), fix });
  }

  const byPlatform = (platform: 'discord' | 'telegram') =>
    [...destinations.values()].filter((d) => d.destination.platform === platform).map((d) => d.destination.id);
  const platformSetups: Array<
    ['discord' | 'telegram', 'Discord' | 'Telegram', string | undefined, (ids: string[]) => Promise<CheckResult[]>]
  > = [
    [
      'discord',
      'Discord',
      config.DISCORD_TOKEN,
      (channels) => checkDiscord({ token: config.DISCORD_TOKEN!, apiBase: config.DISCORD_API_BASE, channels }),
    ],
    [
      'telegram',
      'Telegram',
      config.TELEGRAM_TOKEN,
      (chats) => checkTelegram({ token: config.TELEGRAM_TOKEN!, apiRoot: config.TELEGRAM_API_ROOT, chats }),
    ],
  ];
  for (const [platform, name, token, check] of platformSetups) {
    const ids = byPlatform(platform);
    if (!token) {
      if (ids.length > 0)
        report({
          ok: false,
          label: name,
          detail: `${plural(ids.length, 'destination')} ${ids.length === 1 ? 'is' : 'are'} on ${name} but ${name.toUpperCase()}_TOKEN is not set`,
          fix: `set ${name.toUpperCase()}_TOKEN (see the README)`,
        });
      continue;
    }
    for (const result of await check(ids)) {
      const paused = result.destination ? (destinations.get(result.destination)?.paused ?? 0) : 0;
      report(
        paused > 0
          ? {
              ...result,
              detail: `${result.detail} (${plural(paused, 'subscription')} here ${paused === 1 ? 'is' : 'are'} paused after a delivery error)`,
            }
          : result,
      );
    }
  }

  const fetcher = createFetcher({
    userAgent: userAgent(config.USER_AGENT),
    networkPolicy: createNetworkPolicy(config.ALLOW_PRIVATE_NETWORKS),
    totalTimeoutMs: 20_000,
  });
  for (const result of await inBatches([...feedUrls], FEED_CONCURRENCY, (url) => checkFeed(fetcher, url)))
    report(result);
  if (feedUrls.size === 0)
    report({
      ok: true,
      label: 'feeds',
      detail: 'no subscriptions yet (subscribe with a chat command or the subscriptions file)',
    });

  write(failed === 0 ? 'All checks passed.' : `${plural(failed, 'check')} failed.`);
  const code = failed === 0 ? 0 : 1;
  // A store client that never connected (Redis, Postgres) keeps retrying and would hold the process open after
  // the report. The timer is unref'd: it only fires when something such as that is still keeping Node alive.
  setTimeout(() => process.exit(code), 500).unref();
  return code;
}

async function checkFeed(fetcher: Fetcher, url: string): Promise<CheckResult> {
  const label = `feed ${url}`;
  try {
    const result = await fetcher({ url, unconditional: true });
    if (result.kind !== 'fetched') return { ok: true, label, detail: 'answered 304 Not Modified' };
    const feed = parseFeed(result.body, result.contentType);
    return {
      ok: true,
      label,
      detail: `${result.status}, ${feed.format}, ${plural(feed.items.length, 'item')}${feed.title ? ` ("${feed.title}")` : ''}`,
    };
  } catch (error) {
    const problem = describeError(error, new Date());
    return {
      ok: false,
      label,
      detail: problem.message,
      fix:
        FEED_FIXES[problem.kind] ??
        (problem.kind.startsWith('parse:') ? FEED_FIXES.parse : 'open the URL in a browser to see what it serves'),
    };
  }
}

const FEED_FIXES: Record<string, string> = {
  blocked: 'the feed is on a private or local address: set ALLOW_PRIVATE_NETWORKS (e.g. 192.168.0.0/16) if you mean it',
  dns: 'check the host name in the URL',
  network: 'the server could not be reached: check the URL and this machine’s network, or try later',
  timeout: 'the server is too slow or down: try later, or ask the publisher',
  http: 'the server refused the request: open the URL in a browser and subscribe to the feed URL it really serves',
  gone: 'the publisher removed this feed: unsubscribe from it',
  'rate-limited': 'the server asks Taza to slow down: raise POLL_INTERVAL',
  cloudflare: 'the site blocks automated readers: ask the publisher, or find another feed URL for it',
  'too-large': 'the feed is larger than Taza accepts: use a smaller feed of the same site (a section or category feed)',
  'too-many-redirects': 'the URL redirects in a loop: open it in a browser and use the final address',
  parse: 'the URL is not a feed: run "taza check <url>" to see the feeds the page links to',
};

/** Runs `task` over `items` with at most `limit` at once; results in the items' order. */
async function inBatches<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
