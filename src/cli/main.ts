#!/usr/bin/env node
/** The `taza` executable: `taza run`, `taza check`, `taza doctor`, `taza dashboard-link`, `taza --help`. Never prints a stack trace for a user's mistake. */
import './heap-tuning.js';
import { ConfigError } from '../config/load.js';
import { VERSION } from '../app/version.js';
import { runCheck, CHECK_HELP } from './check.js';
import { runDashboardLink, DASHBOARD_LINK_HELP } from './dashboard-link.js';
import { runDoctor, DOCTOR_HELP } from './doctor.js';
import { MIGRATE_STORE_HELP, runMigrateStore } from './migrate-store.js';
import { runBot, RUN_HELP } from './run.js';

const MAIN_HELP = `Taza ${VERSION} — news alerts for Discord and Telegram, with keyword matching for English and Urdu.

Usage: taza <command> [options]

Commands:
  run                     start the bot (what \`npm start\` runs)
  check <feed-or-file>…   fetch or read feeds and show which items match and what would be posted
  doctor                  check the configuration, store, tokens, destinations and feeds; say what to fix
  migrate-store --from <url> --to <url>
                          copy every record from one store to another (SQLite, Redis, Postgres)
  dashboard-link          print a one-time login link to the web dashboard (DASHBOARD_TOKEN)

Options:
  -h, --help              show help (also: taza <command> --help)
  -v, --version           show the version

Configuration comes from the environment and a .env file: see .env.example.`;

const COMMANDS: Record<string, { help: string; run: (args: string[]) => Promise<number> }> = {
  run: { help: RUN_HELP, run: runBot },
  check: { help: CHECK_HELP, run: runCheck },
  doctor: { help: DOCTOR_HELP, run: runDoctor },
  'migrate-store': { help: MIGRATE_STORE_HELP, run: runMigrateStore },
  'dashboard-link': { help: DASHBOARD_LINK_HELP, run: runDashboardLink },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS[rest[0] ?? ''] : undefined;
    console.log(topic ? topic.help : MAIN_HELP);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    console.log(VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`taza: unknown command "${name}". Run "taza --help" for the list of commands.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(`taza: ${error.message}`);
    else console.error(`taza: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
