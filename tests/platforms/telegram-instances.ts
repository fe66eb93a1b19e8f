/**
 * Three Telegram platforms on one coordination backend against one fake Bot API: one getUpdates reader at a time
 * (the poller lease), every command answered once, and the reading taken over when the reader dies or stops. A
 * suite, run with each backend (telegram-instances.test.ts: the local one).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandDefinition } from '../../src/chat/definition.js';
import type { CommandServices } from '../../src/chat/services.js';
import { createTelegramPlatform, type TelegramPlatform } from '../../src/platforms/telegram/index.js';
import type { TelegramMessage } from '../../src/render/index.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram.js';
import { captureLogger } from '../support/logger.js';
import { tgCommand } from '../support/telegram-user.js';
import type { Backend, InstanceCoordinator } from './instance-coordinator.js';

const CHAT = 5000001;
const TTL_MS = 3000;
const RENEW_MS = 500;

const PING: CommandDefinition = {
  name: 'ping',
  description: 'Answers pong',
  options: [],
  access: 'everyone',
  examples: [],
  handler: async () => ({ ok: true, text: 'pong' }),
};

interface Instance {
  platform: TelegramPlatform;
  coordinator: InstanceCoordinator;
  logs: ReturnType<typeof captureLogger>;
}

export function telegramInstancesSuite(backend: Backend): void {
  describe(`Telegram with three instances on one coordinator (${backend.name})`, () => {
    let fake: FakeTelegram;
    let instances: Instance[];
    let coordination: Awaited<ReturnType<Backend['begin']>>;

    const startInstance = async (): Promise<Instance> => {
      const logs = captureLogger();
      const coordinator = await coordination.instance();
      const platform = createTelegramPlatform({
        token: fake.token,
        apiRoot: fake.apiRoot,
        render: (): TelegramMessage => ({ text: 'alert', parse_mode: 'HTML', link_preview_options: {} }),
        logger: logs.logger,
        pacing: { perChatGapMs: 0 },
        coordinator,
        leader: { leaseTtlMs: TTL_MS, renewMs: RENEW_MS },
      });
      await platform.sink.start();
      await platform.commands!.start([PING], { logger: logs.logger } as unknown as CommandServices);
      return { platform, coordinator, logs };
    };
    const leaders = () => instances.filter((i) => i.platform.leader!.isLeader());
    const pongs = () => fake.messages(CHAT).filter((m) => m.text === 'pong').length;
    const conflicts = () => fake.requests.filter((r) => r.method === 'getUpdates' && r.status === 409).length;

    beforeEach(async () => {
      fake = await startFakeTelegram({ chats: [{ id: CHAT, type: 'private' }] });
      coordination = await backend.begin();
      instances = [];
      for (let n = 0; n < 3; n++) instances.push(await startInstance());
    });

    afterEach(async () => {
      await Promise.allSettled(instances.map((i) => i.platform.sink.stop()));
      await coordination.end();
      await fake.close();
    });

    it('has one reader: at most one getUpdates in flight, each command answered once, no 409', async () => {
      expect(leaders()).toHaveLength(1);
      for (let n = 1; n <= 5; n++) {
        const answer = await tgCommand(fake, '/ping', { chat: CHAT });
        expect(answer.text).toBe('pong');
        expect(pongs()).toBe(n);
      }
      // Several renewals have passed while it polled: still the same single reader.
      expect(leaders()).toHaveLength(1);
      expect(fake.pollOverlaps).toBe(0);
      expect(conflicts()).toBe(0);
      const readers = instances.filter((i) => i.logs.lines.some((line) => line.event === 'telegram.poller-acquired'));
      expect(readers).toEqual(leaders());
    });

    it('without the lease, a second reader meets 409 Conflict (what the fake detects above)', async () => {
      const logs = captureLogger();
      const loner = createTelegramPlatform({
        token: fake.token,
        apiRoot: fake.apiRoot,
        render: (): TelegramMessage => ({ text: 'alert', parse_mode: 'HTML', link_preview_options: {} }),
        logger: logs.logger,
      });
      await loner.sink.start();
      try {
        await loner.commands!.start([PING], { logger: logs.logger } as unknown as CommandServices);
        await fake.waitFor((r) => r.method === 'getUpdates' && r.status === 409);
        expect(fake.pollOverlaps).toBeGreaterThanOrEqual(1);
      } finally {
        await loner.sink.stop();
      }
    });

    it('a reader killed without releasing the lease is replaced once it expires, within 15 s', async () => {
      const [dead] = leaders();
      dead!.coordinator.kill();
      const killedAt = Date.now();
      // Its connections close, but the lease stays held: the release fails as it would after SIGKILL.
      await dead!.platform.sink.stop();
      expect(dead!.logs.lines.some((line) => line.event === 'telegram.poller-release-failed')).toBe(true);

      const answer = await tgCommand(fake, '/ping', { chat: CHAT });
      const tookOverMs = Date.now() - killedAt;
      expect(answer.text).toBe('pong');
      expect(pongs()).toBe(1);
      expect(tookOverMs).toBeLessThan(15_000);
      // Not before the lease expired: the dead reader's hold was not released.
      expect(tookOverMs).toBeGreaterThanOrEqual(TTL_MS - RENEW_MS - 100);
      const alive = instances.filter((i) => i !== dead);
      expect(alive.filter((i) => i.platform.leader!.isLeader())).toHaveLength(1);
      expect(fake.pollOverlaps).toBe(0);
    });

    it('a reader that stops cleanly hands over at once', async () => {
      const [leaving] = leaders();
      const stoppedAt = Date.now();
      await leaving!.platform.sink.stop();
      expect(leaving!.logs.lines.some((line) => line.event === 'telegram.poller-released')).toBe(true);

      const answer = await tgCommand(fake, '/ping', { chat: CHAT });
      expect(answer.text).toBe('pong');
      // Well before the lease would have expired, and before the others' next regular attempt.
      expect(Date.now() - stoppedAt).toBeLessThan(RENEW_MS);
      expect(instances.filter((i) => i !== leaving && i.platform.leader!.isLeader())).toHaveLength(1);
      expect(pongs()).toBe(1);
      expect(fake.pollOverlaps).toBe(0);
      expect(conflicts()).toBe(0);
    });
  });
}
