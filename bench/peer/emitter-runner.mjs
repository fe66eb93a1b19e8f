/* global process */
/**
 * The peer: rss-feed-emitter (https://github.com/filipedeschamps/rss-feed-emitter), polling the farm in its own
 * process. Plain JavaScript run by plain `node`, so the peer carries no TypeScript loader in its memory or CPU.
 *
 * Usage: node bench/peer/emitter-runner.mjs <refreshMs> <keyword> [skip-first-load]
 * stdin:  one line with a JSON array of feed URLs (starts polling), then "status" or "stop" lines.
 * stdout: one JSON line per event, each with `at` (ms epoch):
 *   {type:'started'}
 *   {type:'cycle', fetched}            every time the count of finished fetches reaches a multiple of the feed count
 *   {type:'new-item', guid, link, title}  for new items whose title holds the keyword (the published ones)
 *   {type:'status', fetched, newItems, errors}  in answer to "status"
 *
 * skipFirstLoad is false unless asked for (the scale run, which needs no new-item events): in rss-feed-emitter 3.2.4 `failedFirstLoad` is only cleared when the first load is
 * not skipped, so with skipFirstLoad: true it never emits a new item at all. The first load's items are emitted
 * (and ignored here, as a user would ignore them), which is the peer's normal behaviour. Each emit is checked
 * against every link emitted so far (an array `includes`), so a first load of N feeds costs O((25N)²): at 2,000
 * feeds that alone is about a minute of CPU, hence skip-first-load for the scale run.
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const RssFeedEmitter = require('rss-feed-emitter');
const Feed = require('rss-feed-emitter/src/Feed.js');

const refresh = Number(process.argv[2] ?? '30000');
const keyword = (process.argv[3] ?? '').toLowerCase();
const skipFirstLoad = process.argv[4] === 'skip-first-load';
const say = (fields) => process.stdout.write(`${JSON.stringify({ ...fields, at: Date.now() })}\n`);

let feedCount = 0;
let fetched = 0;
let newItems = 0;
let errors = 0;
let emitter;

// Instrumentation only: counts finished fetches (the emitter has no event for them) without changing what they do.
const fetchData = Feed.prototype.fetchData;
Feed.prototype.fetchData = function countedFetchData(...args) {
  return fetchData.apply(this, args).finally(() => {
    fetched += 1;
    if (feedCount > 0 && fetched % feedCount === 0) say({ type: 'cycle', fetched });
  });
};

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('[')) {
    const urls = JSON.parse(line);
    feedCount = urls.length;
    emitter = new RssFeedEmitter({ skipFirstLoad });
    emitter.on('error', () => {
      errors += 1;
    });
    emitter.on('new-item', (item) => {
      newItems += 1;
      const title = String(item.title ?? '');
      if (keyword && title.toLowerCase().includes(keyword))
        say({ type: 'new-item', guid: item.guid, link: item.link, title });
    });
    say({ type: 'started' });
    emitter.add({ url: urls, refresh });
  } else if (line === 'status') {
    say({ type: 'status', fetched, newItems, errors });
  } else if (line === 'stop') {
    emitter?.destroy();
    process.exit(0);
  }
});
