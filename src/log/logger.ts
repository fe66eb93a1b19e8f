/**
 * One pino logger for the whole process: JSON lines for machines, pretty lines only when a person
 * is watching a terminal. Tokens are redacted by key and scrubbed from free text.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT_PATHS = [
  'token',
  '*.token',
  'config.DISCORD_TOKEN',
  'config.TELEGRAM_TOKEN',
  'DISCORD_TOKEN',
  'TELEGRAM_TOKEN',
  'headers.authorization',
  '*.headers.authorization',
];

export interface LoggerOptions {
  level: string;
  pretty?: boolean;
  /** Secrets to scrub from any message text (a token inside a URL or an error message). */
  secrets?: Array<string | undefined>;
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const scrub = (text: string) => secrets.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
  const pretty = options.pretty ?? (process.stdout.isTTY === true && !process.env.CI);
  const base = {
    level: options.level,
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      // Error messages and URLs can carry a token (Telegram puts it in the path): scrub every string argument.
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? scrub(arg) : scrubDeep(arg, scrub))),
        );
      },
    },
  };
  if (pretty && !options.destination) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', destination: 2 } },
    });
  }
  // Logs go to stderr so that stdout stays clean for what a command prints (alerts, `taza check --json`).
  return pino(base, options.destination ?? pino.destination({ fd: 2, sync: true }));
}

function scrubDeep(value: unknown, scrub: (s: string) => string, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return typeof value === 'string' ? scrub(value) : value;
  if (value instanceof Error) {
    const copy = new Error(scrub(value.message));
    copy.name = value.name;
    copy.stack = value.stack ? scrub(value.stack) : undefined;
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, scrub, depth + 1)]));
}
