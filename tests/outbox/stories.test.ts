/** Cross-feed story dedupe: one claim per story and destination, by link or by title. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination } from '../../src/core/destination.js';
import { claimStory } from '../../src/outbox/stories.js';
import { tempStore } from '../support/store.js';

const GROUP: Destination = { platform: 'telegram', id: '-100555' };
const TITLE = 'Central bank raises rates again';

describe('claimStory', () => {
  let env: Awaited<ReturnType<typeof tempStore>>;
  beforeEach(async () => (env = await tempStore()));
  afterEach(async () => env.cleanup());

  it('lets the claiming alert claim again, and refuses the same story from another alert', async () => {
    const item = { title: TITLE, link: 'https://news.example/rates' };
    expect(await claimStory(env.store, GROUP, item, 'alert-1')).toBe(true);
    expect(await claimStory(env.store, GROUP, item, 'alert-1')).toBe(true);
    expect(await claimStory(env.store, GROUP, { title: TITLE }, 'alert-2')).toBe(false);
    expect(await claimStory(env.store, GROUP, { title: 'Something else entirely', link: item.link }, 'alert-3')).toBe(
      false,
    );
    // Elsewhere it is another story.
    expect(await claimStory(env.store, { platform: 'telegram', id: '-100777' }, item, 'alert-4')).toBe(true);
  });

  it('a refused claim leaves nothing claimed: its new link stays free for the next alert', async () => {
    expect(await claimStory(env.store, GROUP, { title: TITLE }, 'alert-1')).toBe(true);
    const repeat = { title: TITLE, link: 'https://other.example/story' };
    expect(await claimStory(env.store, GROUP, repeat, 'alert-2')).toBe(false);
    expect(
      await claimStory(env.store, GROUP, { title: 'A different headline here', link: repeat.link }, 'alert-3'),
    ).toBe(true);
  });
});
