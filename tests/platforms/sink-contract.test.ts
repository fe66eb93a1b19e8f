/** The sink contract (tests/support/sink-contract.ts), run against the console sink and both platform sinks. */
import type { Alert } from '../../src/core/alert.js';
import { createConsoleSink } from '../../src/platforms/console/sink.js';
import { createDiscordSink } from '../../src/platforms/discord/sink.js';
import { createTelegramSink } from '../../src/platforms/telegram/sink.js';
import { renderDiscord, renderTelegram } from '../../src/render/index.js';
import { startFakeDiscord } from '../fakes/discord.js';
import { startFakeTelegram } from '../fakes/telegram.js';
import { sinkContract } from '../support/sink-contract.js';

const GUILD = '1300000000000000001';
const CHANNEL = '1300000000000000002';
const GROUP = -1001300000001;

sinkContract(
  'console',
  async () => {
    const written: string[] = [];
    let hold: { taken: () => void; release: Promise<void> } | undefined;
    const sink = createConsoleSink({
      render: (alert: Alert) => alert.item.title,
      async write(text) {
        if (hold) {
          hold.taken();
          await hold.release;
        }
        written.push(text);
      },
    });
    return {
      sink,
      to: { platform: 'console', id: '' },
      delivered: () => written.length,
      withholdAcknowledgement() {
        let taken!: () => void;
        let release!: () => void;
        const takenPromise = new Promise<void>((resolve) => (taken = resolve));
        hold = { taken, release: new Promise<void>((resolve) => (release = resolve)) };
        return { taken: takenPromise, release };
      },
      close: async () => undefined,
    };
  },
  { faults: false },
);

sinkContract('Discord', async () => {
  const fake = await startFakeDiscord({
    guilds: [{ id: GUILD, name: 'Newsroom', channels: [{ id: CHANNEL, name: 'news' }] }],
  });
  const route = `POST /channels/${CHANNEL}/messages`;
  const posted = () => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages`);
  return {
    sink: createDiscordSink({ token: fake.token, apiBase: fake.apiBase, render: renderDiscord, requestTimeoutMs: 400 }),
    to: { platform: 'discord', id: CHANNEL },
    delivered: () => fake.messages(CHANNEL).length,
    withholdAcknowledgement() {
      const before = posted().length;
      fake.inject(route, { type: 'accept-then-hang' });
      return { taken: fake.waitFor(() => posted().length > before).then(() => undefined) };
    },
    faults: {
      refuse: () => void fake.inject(route, { type: 'missing-access' }),
      serverError: (status) => void fake.inject(route, { type: 'server-error', status }),
      rateLimit: (seconds) => void fake.inject(route, { type: 'rate-limit', retryAfter: seconds }),
    },
    close: () => fake.close(),
  };
});

sinkContract('Telegram', async () => {
  const fake = await startFakeTelegram({ chats: [{ id: GROUP, type: 'supergroup', title: 'News room' }] });
  const sends = () => fake.requests.filter((r) => r.method === 'sendMessage');
  return {
    sink: createTelegramSink({
      token: fake.token,
      apiRoot: fake.apiRoot,
      render: renderTelegram,
      requestTimeoutMs: 1000,
      pacing: { perChatGapMs: 0 },
      // The retries' pauses (3 s, 6 s, …) are the sink's own tests' business; here a 5xx goes back at once.
      serverErrorRetries: 0,
    }),
    to: { platform: 'telegram', id: String(GROUP) },
    delivered: () => fake.messages(GROUP).length,
    withholdAcknowledgement() {
      const before = sends().length;
      fake.inject('sendMessage', { type: 'accept-then-hang' });
      return { taken: fake.waitFor(() => sends().length > before).then(() => undefined) };
    },
    faults: {
      refuse: () => void fake.inject('sendMessage', { type: 'kicked' }),
      serverError: (status) => void fake.inject('sendMessage', { type: 'server-error', status }),
      rateLimit: (seconds) => void fake.inject('sendMessage', { type: 'rate-limit', retryAfter: seconds }),
    },
    close: () => fake.close(),
  };
});
