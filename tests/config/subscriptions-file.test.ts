import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedFromFile } from '../../src/app/seed.js';
import { ConfigError } from '../../src/config/load.js';
import { DEFAULT_SUBSCRIPTIONS_FILE, readSubscriptionsFile } from '../../src/config/subscriptions-file.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { SubscriptionRegistry } from '../../src/registry/subscriptions.js';
import { captureLogger } from '../support/logger.js';
import { tempStore } from '../support/store.js';

const entry = (feed: string, keywords = 'bitcoin') => ({ feed, keywords, to: 'console' });
const VALID = { subscriptions: [entry('https://a.example/rss'), entry('https://b.example/rss', 'crypto council')] };

/** The same text as VALID, as a person edits it, with a trailing comma after the last entry (line 4). */
const TRAILING_COMMA = `{
  "subscriptions": [
    { "feed": "https://a.example/rss", "keywords": "bitcoin", "to": "console" },
    { "feed": "https://b.example/rss", "keywords": "crypto council", "to": "console" },
  ]
}
`;

describe('the subscriptions file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'taza-subscriptions-file-'));
    path = join(dir, 'taza.config.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (content: unknown) =>
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));

  describe('a file that cannot be used as a whole changes nothing', () => {
    let store: Awaited<ReturnType<typeof tempStore>>;
    beforeEach(async () => {
      store = await tempStore();
    });
    afterEach(() => store.cleanup());

    /** What `taza run` does at start: read the file, then bring the store in line with it. */
    async function start(): Promise<SubscriptionRegistry> {
      const feeds = await FeedRegistry.load(store.store);
      const subscriptions = await SubscriptionRegistry.load(store.store);
      const file = readSubscriptionsFile(path);
      await seedFromFile(file, feeds, subscriptions, captureLogger().logger);
      return subscriptions;
    }
    const queries = async () => (await SubscriptionRegistry.load(await store.reopen())).all().map((s) => s.query);

    it('an entry made invalid (a typo) removes nothing, not even the subscription it used to create', async () => {
      write(VALID);
      expect((await start()).all()).toHaveLength(2);
      write({ subscriptions: [VALID.subscriptions[0], { ...VALID.subscriptions[1], to: 'consol' }] });
      expect(
        (await start())
          .all()
          .map((s) => s.query)
          .sort(),
      ).toEqual(['bitcoin', 'crypto council']);
      // Once the file is valid again, what it no longer lists is removed as usual.
      write({ subscriptions: [VALID.subscriptions[0]] });
      expect((await start()).all().map((s) => s.query)).toEqual(['bitcoin']);
      expect(await queries()).toEqual(['bitcoin']);
    });

    it('a trailing comma: ConfigError with its line and column, and no subscription removed', async () => {
      write(VALID);
      expect((await start()).all()).toHaveLength(2);

      write(TRAILING_COMMA);
      expect(() => readSubscriptionsFile(path)).toThrow(ConfigError);
      expect(() => readSubscriptionsFile(path)).toThrow(
        `TAZA_CONFIG=${path} is not valid JSON: line 5, column 3: unexpected "]" (after a trailing comma?)`,
      );
      await expect(start()).rejects.toThrow(ConfigError);
      expect((await queries()).sort()).toEqual(['bitcoin', 'crypto council']);
    });

    it.each([
      ['an empty file', ''],
      ['a cut-off file', TRAILING_COMMA.slice(0, 60)],
      ['JSON that is not {"subscriptions": [ … ]}', '{"subscription": []}'],
      ['null', 'null'],
    ])('%s: ConfigError, and no subscription removed', async (_what, content) => {
      write(VALID);
      await start();
      write(content);
      await expect(start()).rejects.toThrow(ConfigError);
      expect(await queries()).toHaveLength(2);
    });

    it('a file named by TAZA_CONFIG that is gone: ConfigError, and no subscription removed', async () => {
      write(VALID);
      await start();
      rmSync(path);
      expect(() => readSubscriptionsFile(path)).toThrow(`TAZA_CONFIG=${path}: no such file`);
      await expect(start()).rejects.toThrow(ConfigError);
      expect(await queries()).toHaveLength(2);
    });
  });

  it('says where a JSON error is, for errors Node describes without a position', () => {
    write('{\n  "subscriptions": [\n    { "feed": "https://a.example/rss", "to": "console" }\n  ]\n');
    expect(() => readSubscriptionsFile(path)).toThrow(/line 5, column 1: unexpected end of the file$/);
    write('{"subscriptions": [{"feed": "https://a.example/rss", "to": console}]}');
    expect(() => readSubscriptionsFile(path)).toThrow(/line 1, column 60: unexpected "c"$/);
  });

  it('names a directory at the path as one (a Docker bind mount of a missing file)', () => {
    mkdirSync(path);
    expect(() => readSubscriptionsFile(path)).toThrow(ConfigError);
    expect(() => readSubscriptionsFile(path)).toThrow(new RegExp(`^TAZA_CONFIG=${path} is a directory: Docker`));
  });

  it('is optional at the default path, and read there when it exists', () => {
    // The default path is relative to the working directory: a temporary one, so a file of the developer's own
    // in the clone neither hides this case nor is read by it.
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(readSubscriptionsFile(undefined)).toEqual({ subscriptions: [], problems: [] });
      writeFileSync(DEFAULT_SUBSCRIPTIONS_FILE, JSON.stringify(VALID));
      expect(readSubscriptionsFile(undefined).subscriptions).toHaveLength(2);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads a file saved with a byte order mark', () => {
    write(`\uFEFF${JSON.stringify(VALID)}`);
    expect(readSubscriptionsFile(path).subscriptions).toHaveLength(2);
  });

  it('loads the valid entries and reports each invalid one by its index', async () => {
    write({
      subscriptions: [
        entry('https://a.example/rss'),
        entry('not a url'),
        entry('https://b.example/rss', 'crypto council'),
        { feed: 'https://c.example/rss', to: 'pigeon:1' },
      ],
    });
    const file = readSubscriptionsFile(path);
    expect(file.subscriptions.map((s) => s.feed)).toEqual(['https://a.example/rss', 'https://b.example/rss']);
    expect(file.problems).toHaveLength(2);
    expect(file.problems[0]).toMatch(/^subscriptions\[1\]: "feed" must be an http\(s\) URL/);
    expect(file.problems[1]).toMatch(/^subscriptions\[3\]: "to": /);

    const store = await tempStore();
    try {
      const subscriptions = await SubscriptionRegistry.load(store.store);
      await seedFromFile(file, await FeedRegistry.load(store.store), subscriptions, captureLogger().logger);
      expect(subscriptions.all().map((s) => s.query)).toEqual(['bitcoin', 'crypto council']);
    } finally {
      await store.cleanup();
    }
  });
});
