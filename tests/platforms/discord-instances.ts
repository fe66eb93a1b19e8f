/**
 * Three Discord platforms on one coordination backend against one fake Discord that recommends 2 shards: each
 * shard connected by exactly one instance, a dead holder's shard taken over, and Discord's global request rate
 * shared. A suite, run with each backend (discord-instances.test.ts: the local one).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandDefinition } from '../../src/chat/definition.js';
import type { CommandServices } from '../../src/chat/services.js';
import type { Alert } from '../../src/core/alert.js';
import { createDiscordPlatform, type DiscordPlatform } from '../../src/platforms/discord/index.js';
import type { DiscordMessage } from '../../src/render/index.js';
import { startFakeDiscord, type DiscordRequest, type FakeDiscord } from '../fakes/discord.js';
import { shardOfGuild } from '../fakes/discord-gateway.js';
import { makeAlert } from '../support/alerts.js';
import { captureLogger } from '../support/logger.js';
import type { Backend, InstanceCoordinator } from './instance-coordinator.js';

// Guild ids whose shard (id >> 22) % 2 is 0 and 1.
const GUILDS = [0n, 1n].map((shard) => ({
  id: String(((1000n + shard) << 22n) | 1n),
  channel: String(((2000n + shard) << 22n) | 1n),
}));
const TTL_MS = 2000;
const SCAN_MS = 400;

const PING: CommandDefinition = {
  name: 'ping',
  description: 'Answers pong',
  options: [],
  access: 'everyone',
  examples: [],
  handler: async () => ({ ok: true, text: 'pong' }),
};
const render = (alert: Alert): DiscordMessage => ({
  embeds: [{ title: alert.item.title, url: alert.item.link, description: alert.summary.text }],
  allowed_mentions: { parse: [] },
});

interface Instance {
  platform: DiscordPlatform;
  coordinator: InstanceCoordinator;
  logs: ReturnType<typeof captureLogger>;
}

export function discordInstancesSuite(backend: Backend): void {
  describe(`Discord with three instances on one coordinator and two shards (${backend.name})`, () => {
    let fake: FakeDiscord;
    let coordination: Awaited<ReturnType<Backend['begin']>>;
    let instances: Instance[];

    const startInstance = async (globalRate?: { limit: number; windowMs: number }): Promise<Instance> => {
      const logs = captureLogger();
      const coordinator = await coordination.instance();
      const platform = createDiscordPlatform({
        token: fake.token,
        apiBase: fake.apiBase,
        render,
        logger: logs.logger,
        coordinator,
        sharding: { leaseTtlMs: TTL_MS, scanMs: SCAN_MS },
        ...(globalRate ? { globalRate } : {}),
      });
      await platform.sink.start();
      await platform.commands!.start([PING], { logger: logs.logger } as unknown as CommandServices);
      return { platform, coordinator, logs };
    };
    const identifies = (shardId: number, after = 0) =>
      fake.requests.filter(
        (r, index) => index >= after && r.op === 2 && (r.body as { shard: number[] }).shard[0] === shardId,
      );
    const isIdentify = (shardId: number, after: number) => (r: DiscordRequest) =>
      r.op === 2 && (r.body as { shard: number[] }).shard[0] === shardId && fake.requests.indexOf(r) >= after;
    const holderOf = (shardId: number) => instances.filter((i) => i.platform.shards!.held().includes(shardId));
    /** A /ping in the guild on `shardId`: resolves with the replies once the interaction was answered. */
    const ping = async (shardId: number) => {
      const guild = GUILDS[shardId]!;
      const { id, token } = fake.sendInteraction({
        guild_id: guild.id,
        channel_id: guild.channel,
        channel: { id: guild.channel, type: 0, name: 'news', guild_id: guild.id },
        authorizing_integration_owners: { '0': guild.id },
      });
      await fake.waitFor((r) => r.path === `/interactions/${id}/${token}/callback` && r.status !== undefined);
      return fake.interactionReplies(id);
    };

    beforeEach(async () => {
      fake = await startFakeDiscord({
        shards: 2,
        guilds: GUILDS.map((g, n) => ({ id: g.id, name: `Guild ${n}`, channels: [{ id: g.channel, name: 'news' }] })),
      });
      expect(GUILDS.map((g) => shardOfGuild(g.id, 2))).toEqual([0, 1]);
      coordination = await backend.begin();
      instances = [];
    });

    afterEach(async () => {
      await Promise.allSettled(instances.map((i) => i.platform.sink.stop()));
      await coordination.end();
      await fake.close();
    });

    it('connects shards 0 and 1 once each, [i, 2], and answers a command on either shard once', async () => {
      for (let n = 0; n < 3; n++) instances.push(await startInstance());
      await fake.waitFor(isIdentify(0, 0));
      await fake.waitFor(isIdentify(1, 0));
      for (const shardId of [0, 1]) {
        const replies = await ping(shardId);
        expect(replies).toHaveLength(1);
        expect(replies[0]!.body).toMatchObject({ type: 4, data: { content: 'pong' } });
      }
      expect(fake.identifiedShards().sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect(fake.connectedShards().sort()).toEqual([0, 1]);
      expect(holderOf(0)).toHaveLength(1);
      expect(holderOf(1)).toHaveLength(1);
      // One new shard per scan: the two shards went to two instances, and the third posts over REST only.
      expect(holderOf(0)[0]).not.toBe(holderOf(1)[0]);
      const idle = instances.find((i) => i.platform.shards!.held().length === 0)!;
      await idle.platform.sink.send(makeAlert({ to: { platform: 'discord', id: GUILDS[1]!.channel } }));
      expect(fake.messages(GUILDS[1]!.channel)).toHaveLength(1);
    });

    it('takes over the shard of a holder killed without releasing it, within 30 s', async () => {
      for (let n = 0; n < 3; n++) instances.push(await startInstance());
      await fake.waitFor(isIdentify(0, 0));
      await fake.waitFor(isIdentify(1, 0));
      const [dead] = holderOf(0);
      dead!.coordinator.kill();
      const killedAt = Date.now();
      const mark = fake.requests.length;
      // Its gateway connection closes, but the lease stays held: the release fails as it would after SIGKILL.
      await dead!.platform.sink.stop();
      expect(fake.connectedShards()).not.toContain(0);

      await fake.waitFor(isIdentify(0, mark), 30_000);
      const tookOverMs = Date.now() - killedAt;
      expect(tookOverMs).toBeLessThan(30_000);
      // Not before the lease expired: the dead holder's hold was not released.
      expect(tookOverMs).toBeGreaterThanOrEqual(TTL_MS - SCAN_MS - 100);
      const [heir] = holderOf(0).filter((i) => i !== dead);
      expect(heir).toBeDefined();
      expect(await ping(0)).toHaveLength(1);
      expect(identifies(0)).toHaveLength(2);
      expect(identifies(1)).toHaveLength(1);
      expect(fake.connectedShards().sort()).toEqual([0, 1]);
    });

    it('a holder that stops cleanly frees its shard for another instance at once', async () => {
      for (let n = 0; n < 3; n++) instances.push(await startInstance());
      await fake.waitFor(isIdentify(0, 0));
      await fake.waitFor(isIdentify(1, 0));
      const [leaving] = holderOf(0);
      const mark = fake.requests.length;
      const stoppedAt = Date.now();
      await leaving!.platform.sink.stop();
      await fake.waitFor(isIdentify(0, mark), 30_000);
      expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS - SCAN_MS);
      expect(holderOf(0).filter((i) => i !== leaving)).toHaveLength(1);
    });

    it('keeps 120 sends from three instances at once within the shared global rate (20 per second here)', async () => {
      const rate = { limit: 20, windowMs: 1000 };
      for (let n = 0; n < 3; n++) instances.push(await startInstance(rate));
      const sends = instances.flatMap((instance, k) =>
        Array.from({ length: 40 }, (_, j) =>
          instance.platform.sink.send(
            makeAlert({ n: k * 40 + j + 1, to: { platform: 'discord', id: GUILDS[j % 2]!.channel } }),
          ),
        ),
      );
      await Promise.all(sends);
      expect(fake.messages(GUILDS[0]!.channel).length + fake.messages(GUILDS[1]!.channel).length).toBe(120);

      // Every REST request of the three (start-up ones included) took a use of the one rate: no 21 of them fall
      // within one window (a little less for the jitter of arriving), and 120 posts took at least five windows.
      const times = fake.requests
        .filter((r) => r.kind === 'rest')
        .map((r) => r.at)
        .sort((a, b) => a - b);
      const tightest = Math.min(...times.slice(rate.limit).map((t, i) => t - times[i]!));
      expect(tightest).toBeGreaterThanOrEqual(rate.windowMs - 50);
      const posts = fake.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path));
      expect(posts.at(-1)!.at - posts[0]!.at).toBeGreaterThanOrEqual(5 * rate.windowMs - 50);
    });
  });
}
