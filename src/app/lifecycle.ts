/**
 * Starting and stopping the app's parts, in order: observability first (so /readyz can say what is still
 * connecting), polling before the platforms log in (what it finds waits in the outbox), and on stop each part in
 * turn even when one before it failed, the store last. Part of the composition root (build.ts).
 */
import type { Platform } from '../core/destination.js';
import type { Coordinator } from '../coordination/coordinator.js';
import { DEFAULT_SUBSCRIPTIONS_FILE } from '../config/subscriptions-file.js';
import { DEFAULT_MAX_BODY_BYTES } from '../fetcher/index.js';
import { startHttpServer, type HttpServer } from '../observability/http-server.js';
import { healthProbe, readinessProbe } from '../observability/probes.js';
import type { FeedReader } from '../pipeline/read-feed.js';
import type { Dashboard } from '../web/index.js';
import { createCallbackHandler } from '../websub/callback.js';
import { CALLBACK_PREFIX } from '../websub/subscriber.js';
import type { App } from './build.js';

/** What the app does not expose but starting and stopping needs. */
export interface LifecycleParts {
  reader: FeedReader;
  dashboard: Pick<Dashboard, 'handle'>;
  coordinator: Coordinator;
  /** Whether the app opened the coordinator itself (then it closes it), or was given one. */
  ownsCoordinator: boolean;
}

export function createLifecycle(app: App, parts: LifecycleParts): Pick<App, 'start' | 'stop'> {
  const { config, store, feeds, subscriptions, outbox, digests, scheduler, delivery, sinks, checks, websub } = app;
  const { commands, logger, metrics, storeHealth } = app;
  const { reader, dashboard, coordinator } = parts;
  let http: HttpServer | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let websubTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  return {
    async start(options = {}) {
      // Observability starts before the platforms connect, so /readyz can say what is still connecting.
      metrics.observe({
        outboxDepth: () => outbox.depth(),
        oldestPendingAt: () => outbox.oldestPendingAt(),
        feeds: () => feeds.all(),
        subscriptions: () => subscriptions.all(),
        platforms: Object.keys(sinks) as Platform[],
      });
      http = app.http = await startHttpServer({
        host: config.HTTP_HOST,
        port: config.HTTP_PORT,
        health: healthProbe(store, Date.now(), storeHealth),
        ready: readinessProbe(sinks, storeHealth),
        metrics,
        logger,
        ...(websub
          ? {
              routes: [
                {
                  prefix: CALLBACK_PREFIX,
                  handle: createCallbackHandler({
                    subscriber: websub,
                    logger,
                    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
                    deliver: (feedId, body, contentType) => checks.push(feedId, body, contentType),
                  }),
                },
              ],
            }
          : {}),
        fallback: dashboard.handle,
      });

      storeHealth.start();
      if (websub) {
        await websub.follow((error) => {
          if (storeHealth.report(error)) return;
          logger.error({ event: 'websub.reload-failed', err: error }, 'could not read a WebSub record again');
        });
        // Lease renewals, expiries and unsubscriptions of feeds no subscription uses any more.
        websubTimer = setInterval(() => void websub.tick(), 60_000);
        websubTimer.unref();
      }
      // Polling starts before the platforms log in: what it finds waits in the outbox until they are connected.
      await feeds.follow((error) => {
        if (storeHealth.report(error)) return;
        logger.error({ event: 'feeds.reload-failed', err: error }, 'could not reload the feeds');
      });
      if (options.polling !== false) await scheduler.start();
      // Check times of unchanged feeds are written in batches (see FeedRegistry.saveLater). A failed flush
      // keeps them for the next one; while the store is down there is no point trying.
      flushTimer = setInterval(() => {
        if (!storeHealth.isUp()) return;
        feeds.flush().catch((error: unknown) => {
          if (storeHealth.report(error)) return;
          logger.error({ event: 'store.flush-failed', err: error }, 'could not save feed check times');
        });
      }, 60_000);
      flushTimer.unref();

      await Promise.all(
        Object.values(sinks).map(async (sink) => {
          try {
            await sink.start();
            logger.info({ event: 'sink.connected', platform: sink.platform }, `${sink.platform} connected`);
          } catch (error) {
            // A platform that cannot connect must not stop the others: its alerts wait in the outbox.
            logger.error(
              { event: 'sink.failed', platform: sink.platform, err: error },
              `${sink.platform} could not connect`,
            );
          }
        }),
      );
      await commands.start();
      delivery.start();
      digests.start();
      logger.info(
        {
          event: 'app.started',
          feeds: feeds.all().length,
          subscriptions: subscriptions.all().length,
          pending: outbox.depth(),
        },
        'Taza is running',
      );
      if (subscriptions.all().length === 0) logger.info({ event: 'app.no-subscriptions' }, noSubscriptionsHint(app));
    },
    stop() {
      stopping ??= (async () => {
        // Each step runs even when one before it failed (a store that is down makes the flush reject), and
        // the store is closed last in any case: otherwise SIGTERM left a process that never exits.
        const step = async (name: string, action: () => Promise<unknown> | void) => {
          try {
            await action();
          } catch (error) {
            logger.error({ event: 'app.stop-failed', step: name, err: error }, `while stopping (${name}) failed`);
          }
        };
        try {
          await step('commands', () => commands.stop());
          await step('scheduler', () => scheduler.stop());
          await step('feeds', () => feeds.unfollow());
          clearInterval(flushTimer);
          clearInterval(websubTimer);
          await step('websub', () => websub?.close());
          await step('flush', async () => {
            const unsaved = feeds.unsaved();
            try {
              await feeds.flush();
            } catch (error) {
              // Losing these only means those feeds are checked a little early after the restart.
              logger.warn(
                { event: 'store.flush-failed', unsaved, err: error },
                `could not save the check times of ${unsaved} feeds before stopping`,
              );
            }
          });
          await step('digests', () => digests.stop());
          await step('delivery', () => delivery.stop());
          await step('outbox', () => outbox.close());
          await step('subscriptions', () => subscriptions.close());
          await Promise.allSettled(Object.values(sinks).map((sink) => sink.stop()));
          await step('http', () => http?.close());
          await step('reader', () => reader.close());
        } finally {
          storeHealth.stop();
          // Leases still held expire by themselves; the parts that hold them released theirs as they stopped.
          if (parts.ownsCoordinator) await step('coordinator', () => coordinator.close());
          await step('store', () => store.close());
          logger.info({ event: 'app.stopped' }, 'Taza stopped');
        }
      })();
      return stopping;
    },
  };
}

/** What a new user can do next when Taza has nothing to watch. */
function noSubscriptionsHint(app: App): string {
  const file = app.config.TAZA_CONFIG ?? `${DEFAULT_SUBSCRIPTIONS_FILE} (or the file TAZA_CONFIG names)`;
  const chats = app.commands.platforms.map((p) => (p === 'discord' ? 'a Discord server' : 'a Telegram chat'));
  const command =
    chats.length > 0
      ? `send /subscribe in ${chats.join(' or ')}`
      : 'set DISCORD_TOKEN or TELEGRAM_TOKEN and send /subscribe in a server or chat';
  return `no subscriptions yet: list feeds and keywords in ${file}, or ${command}`;
}
