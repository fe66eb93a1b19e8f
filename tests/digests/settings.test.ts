/**
 * The digest and quiet-hours settings everywhere they are written: the text form of subscribe and edit (named
 * options after a free-text query), the subscriptions file's fields, OPML export → import, and the seeding of
 * the store from the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import editCommand from '../../commands/edit.js';
import subscribeCommand from '../../commands/subscribe.js';
import { seedFromFile } from '../../src/app/seed.js';
import { parseTextArguments } from '../../src/chat/text-arguments.js';
import { usageLine } from '../../src/chat/usage.js';
import { readSubscriptionsFile } from '../../src/config/subscriptions-file.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { SubscriptionRegistry } from '../../src/registry/subscriptions.js';
import { readOpml, writeOpml } from '../../src/subscriptions/opml.js';
import { captureLogger } from '../support/logger.js';
import { tempStore } from '../support/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileWith(entries: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'taza-digest-file-'));
  dirs.push(dir);
  const path = join(dir, 'taza.config.json');
  writeFileSync(path, JSON.stringify({ subscriptions: entries }));
  return path;
}

describe('the text form', () => {
  it('keeps the keywords positional and reads the settings by name, values with spaces included', () => {
    const { values } = parseTextArguments(
      subscribeCommand,
      'bbc-urdu bitcoin, crypto council every:daily 09:00 timezone:Asia/Karachi quiet:22:00-07:00',
    );
    expect(Object.fromEntries(values)).toEqual({
      feed: 'bbc-urdu',
      keywords: 'bitcoin, crypto council',
      every: 'daily 09:00',
      timezone: 'Asia/Karachi',
      quiet: '22:00-07:00',
    });
    expect(Object.fromEntries(parseTextArguments(editCommand, 'k3x9qa quietmode:silent').values)).toEqual({
      id: 'k3x9qa',
      quietmode: 'silent',
    });
    expect(usageLine('telegram', subscribeCommand)).toBe('/subscribe [@channel] <feed> <keywords> [option:value …]');
  });
});

describe('the subscriptions file', () => {
  it('reads delivery, every, timeZone, quiet and quietMode, and refuses a wrong one with its index', () => {
    const file = readSubscriptionsFile(
      fileWith([
        {
          feed: 'https://news.example/a.xml',
          keywords: 'bitcoin',
          delivery: 'digest',
          every: 'daily 09:00',
          timeZone: 'Asia/Karachi',
          quiet: '22:00-07:00',
          quietMode: 'silent',
        },
        { feed: 'https://news.example/b.xml', keywords: 'etf', timeZone: 'Asia/Lahore', quiet: '22:00-07:00' },
        { feed: 'https://news.example/c.xml', every: 6 },
        { feed: 'https://news.example/d.xml' },
      ]),
    );
    expect(file.subscriptions.map((s) => s.schedule)).toEqual([
      { delivery: 'digest', every: 'daily 09:00', timeZone: 'Asia/Karachi', quiet: '22:00-07:00', quietMode: 'silent' },
      undefined,
    ]);
    expect(file.problems).toEqual([
      expect.stringMatching(/^subscriptions\[1\]: "Asia\/Lahore" is not a time zone/),
      'subscriptions[2]: "every" must be a string',
    ]);
  });

  it('seeds the schedule into the store, and a changed schedule in the file updates the subscription', async () => {
    const temp = await tempStore();
    try {
      const feeds = await FeedRegistry.load(temp.store);
      const subscriptions = await SubscriptionRegistry.load(temp.store);
      const logger = captureLogger().logger;
      const entry = { feed: 'https://news.example/a.xml', keywords: 'bitcoin', every: '1h' };
      await seedFromFile(readSubscriptionsFile(fileWith([entry])), feeds, subscriptions, logger);
      expect(subscriptions.all().map((s) => s.schedule)).toEqual([{ delivery: 'digest', every: '1h' }]);
      const id = subscriptions.all()[0]!.id;
      await seedFromFile(
        readSubscriptionsFile(fileWith([{ ...entry, every: undefined, quiet: '23:00-06:00' }])),
        feeds,
        subscriptions,
        logger,
      );
      expect(subscriptions.all().map((s) => [s.id, s.schedule])).toEqual([
        [id, { delivery: 'instant', quiet: '23:00-06:00' }],
      ]);
    } finally {
      await temp.cleanup();
    }
  });
});

describe('with the alert options', () => {
  it('the file seeds a schedule and a style together; a change of either applies on restart, nothing else saved', async () => {
    const temp = await tempStore();
    try {
      const feeds = await FeedRegistry.load(temp.store);
      const subscriptions = await SubscriptionRegistry.load(temp.store);
      const logger = captureLogger().logger;
      const entry = { feed: 'https://news.example/a.xml', keywords: 'bitcoin', every: '6h', silent: true };
      await seedFromFile(readSubscriptionsFile(fileWith([entry])), feeds, subscriptions, logger);
      const [seeded] = subscriptions.all();
      expect([seeded!.schedule, seeded!.silent]).toEqual([{ delivery: 'digest', every: '6h' }, true]);
      let saves = 0;
      const save = subscriptions.save.bind(subscriptions);
      subscriptions.save = async (subscription) => {
        saves++;
        return save(subscription);
      };
      await seedFromFile(readSubscriptionsFile(fileWith([entry])), feeds, subscriptions, logger);
      expect(saves).toBe(0);
      const changed = {
        ...entry,
        every: undefined,
        silent: undefined,
        quiet: '22:00-07:00',
        template: '{title} {link}',
      };
      await seedFromFile(readSubscriptionsFile(fileWith([changed])), feeds, subscriptions, logger);
      expect(saves).toBe(1);
      const [after] = subscriptions.all();
      expect(after!.id).toBe(seeded!.id);
      expect(after!.schedule).toEqual({ delivery: 'instant', quiet: '22:00-07:00' });
      expect([after!.template, after!.silent]).toEqual(['{title} {link}', undefined]);
    } finally {
      await temp.cleanup();
    }
  });

  it('the text form reads the schedule and the alert options after the keywords, in any order', () => {
    const { values } = parseTextArguments(
      subscribeCommand,
      'bbc-urdu crypto council silent:yes every:daily 09:00 template:"{title} — {link}" quietmode:silent',
    );
    expect(Object.fromEntries(values)).toEqual({
      feed: 'bbc-urdu',
      keywords: 'crypto council',
      silent: 'yes',
      every: 'daily 09:00',
      template: '{title} — {link}',
      quietmode: 'silent',
    });
  });
});

describe('OPML', () => {
  it('export → import carries the settings as taza: attributes; a file without them reads as instant', () => {
    const schedule = {
      delivery: 'digest',
      every: 'daily 09:00',
      timeZone: 'Asia/Karachi',
      quiet: '22:00-07:00',
      quietMode: 'silent',
    };
    const text = writeOpml('test', [
      { url: 'https://news.example/a.xml', keywords: 'bitcoin', schedule },
      { url: 'https://news.example/b.xml', keywords: 'etf' },
    ]);
    expect(text).toContain('taza:timeZone="Asia/Karachi"');
    expect(text).toContain('taza:quietMode="silent"');
    const read = readOpml(text);
    expect(read.ok && read.entries.map((e) => e.schedule)).toEqual([schedule, undefined]);
  });

  it('carries a schedule and the alert options side by side', () => {
    const text = writeOpml('test', [
      {
        url: 'https://news.example/a.xml',
        keywords: 'bitcoin',
        schedule: { every: '1h' },
        style: { silent: 'true', template: '{title}' },
      },
    ]);
    const read = readOpml(text);
    expect(read.ok && read.entries.map((e) => [e.schedule, e.style])).toEqual([
      [{ every: '1h' }, { silent: 'true', template: '{title}' }],
    ]);
  });
});
