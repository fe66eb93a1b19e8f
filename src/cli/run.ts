/** `taza run`: starts the bot and stops it cleanly on SIGINT/SIGTERM. */
import { startApp } from '../app/build.js';
import { applyAliasesFile } from '../config/aliases-file.js';
import { loadConfig } from '../config/load.js';

export const RUN_HELP = `Usage: taza run

Starts Taza: polls every subscribed feed, matches new items and posts alerts to Discord, Telegram
or, with no platform token, to this console. Subscriptions come from the chat commands and from the
subscriptions file (TAZA_CONFIG, default ./taza.config.json). Stops cleanly on Ctrl-C or SIGTERM.`;

/** How long the process may take to exit by itself once stopped. */
const EXIT_GRACE_MS = 2000;

export async function runBot(_args: string[]): Promise<number> {
  const config = loadConfig();
  applyAliasesFile(config);
  const app = await startApp(config);
  const { logger } = app;
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ event: 'app.signal', signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  await app.stop();
  logger.flush?.();
  // Everything of Taza's is stopped and saved. A connection library still retrying a backend that went away
  // (the job engine's Redis client, say) must not keep the process from exiting.
  setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_GRACE_MS).unref();
  return 0;
}
