/** The subscriptions file's presentation fields: the same names as the subscription's, checked like a command's. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedFromFile } from '../../src/app/seed.js';
import { readSubscriptionsFile } from '../../src/config/subscriptions-file.js';
import { FeedRegistry } from '../../src/registry/feeds.js';
import { SubscriptionRegistry } from '../../src/registry/subscriptions.js';
import { captureLogger } from '../support/logger.js';
import { tempStore } from '../support/store.js';

const STYLED = {
  feed: 'https://a.example/rss',
  keywords: 'bitcoin',
  to: 'discord:1300000000000000002',
  template: '{title}\n{summary:300}\n{published:Asia/Karachi}\n{link}',
  mention: 'role:1300000000000000099',
  silent: true,
  images: false,
  edits: false,
  thread: 'new',
  forumTags: ['Crypto', 'Urdu'],
};

describe('the subscriptions file: alert options', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'taza-file-options-'));
    path = join(dir, 'taza.config.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (subscriptions: unknown[]) => writeFileSync(path, JSON.stringify({ subscriptions }));

  it('reads every field by its name, and a topic destination', () => {
    write([STYLED, { feed: 'https://b.example/rss', to: 'telegram:-1001234567890/42', silent: true }]);
    const file = readSubscriptionsFile(path);
    expect(file.problems).toEqual([]);
    const [discord, telegram] = file.subscriptions;
    const { feed: _feed, keywords: _keywords, to: _to, ...style } = STYLED;
    expect(discord!.style).toEqual(style);
    expect(telegram!.destination).toEqual({ platform: 'telegram', id: '-1001234567890', topicId: '42' });
    expect(telegram!.style).toEqual({ silent: true });
  });

  it.each([
    [{ template: '{titel}' }, /\{titel\} is not a placeholder/],
    [{ silent: 'yes' }, /"silent" must be true or false/],
    [{ mention: 'here' }, /mention:here" can only be set with \/subscribe or \/edit/],
    [{ forumTags: 'Crypto' }, /"forumTags" must be a list of tag names/],
    [{ thread: 'old' }, /"thread" is "new"/],
  ])('refuses %o with the entry index and why', (fields, message) => {
    write([{ ...STYLED, ...fields }]);
    const file = readSubscriptionsFile(path);
    expect(file.subscriptions).toHaveLength(0);
    expect(file.problems[0]).toMatch(/^subscriptions\[0\]: /);
    expect(file.problems[0]).toMatch(message);
  });

  it('seeds the options, and a later change of them in the file applies on the next start', async () => {
    const store = await tempStore();
    try {
      const feeds = await FeedRegistry.load(store.store);
      const subscriptions = await SubscriptionRegistry.load(store.store);
      const logger = captureLogger().logger;
      write([STYLED]);
      await seedFromFile(readSubscriptionsFile(path), feeds, subscriptions, logger);
      expect(subscriptions.all()[0]).toMatchObject({
        template: STYLED.template,
        silent: true,
        forumTags: ['Crypto', 'Urdu'],
      });
      const id = subscriptions.all()[0]!.id;
      write([{ ...STYLED, template: '{title} {link}', silent: undefined }]);
      await seedFromFile(readSubscriptionsFile(path), feeds, subscriptions, logger);
      expect(subscriptions.all()).toHaveLength(1);
      expect(subscriptions.get(id)).toMatchObject({ template: '{title} {link}' });
      expect(subscriptions.get(id)).not.toHaveProperty('silent');
    } finally {
      await store.cleanup();
    }
  });
});
