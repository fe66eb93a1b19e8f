/**
 * Subscription changes under concurrency: the quota and the duplicate check hold when many /subscribe arrive in
 * one server at once (the check-then-save runs alone per scope), and every refused one gets a clear answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testItem } from '../support/feed-server.js';
import { startSlash } from '../support/discord-user.js';
import { LEVEL } from '../support/logger.js';
import { GUILD_A, GUILD_B, startHarness, type Harness } from '../support/harness.js';

const QUOTA = 3;

describe('concurrent subscribes in one server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ quota: QUOTA });
    for (let n = 0; n < 10; n++) h.feedServer.setItems(`feed${n}`, [testItem(n, `Story ${n}`)]);
    h.feedServer.setItems('same', [testItem(100, 'The same story')]);
  });
  afterAll(() => h.close());

  it(`ten at once with a quota of ${QUOTA}: exactly ${QUOTA} stored, seven clear refusals`, async () => {
    const started = Array.from({ length: 10 }, (_, n) =>
      startSlash(h.discord, 'subscribe', { feed: h.feedServer.url(`feed${n}`), keywords: 'story' }),
    );
    const answers = await Promise.all(started.map((s) => s.done()));
    expect(h.subscriptions.byScope(GUILD_A)).toHaveLength(QUOTA);
    expect(answers.filter((a) => a.content.startsWith('✓ Subscribed'))).toHaveLength(QUOTA);
    const refused = answers.filter((a) => a.content.startsWith('✗'));
    expect(refused).toHaveLength(7);
    for (const answer of refused) {
      expect(answer.ephemeral).toBe(true);
      expect(answer.content).toBe(
        `✗ this server already has ${QUOTA} subscriptions; the limit is ${QUOTA}. Remove some with /unsubscribe first.`,
      );
    }
  });

  it('four identical at once: one stored, three "already subscribed" answers', async () => {
    const started = Array.from({ length: 4 }, () =>
      startSlash(h.discord, 'subscribe', { feed: h.feedServer.url('same'), keywords: 'story' }, { guild: 'B' }),
    );
    const answers = await Promise.all(started.map((s) => s.done()));
    const stored = h.subscriptions.byScope(GUILD_B);
    expect(stored).toHaveLength(1);
    expect(answers.filter((a) => a.content.startsWith('✓ Subscribed'))).toHaveLength(1);
    const duplicates = answers.filter((a) => a.content.startsWith('✗'));
    expect(duplicates.map((a) => a.content)).toEqual(
      Array(3).fill(
        `✗ This is already subscribed here as \`${stored[0]!.id}\` (same feed, same keywords). Use /edit to change its keywords.`,
      ),
    );
  });

  it('logged none of the refusals as an error', () => {
    expect(h.logs.lines.filter((line) => Number(line.level) >= LEVEL.error)).toEqual([]);
  });
});
