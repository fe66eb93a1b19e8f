/**
 * Every setting Taza reads from the environment, with its default and what it expects.
 * `.env.example` and the README's configuration table are written from this list: keep them in step.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from './duration.js';

const duration = (expected: string) =>
  z.string().transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return ms;
  });

const optionalText = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const httpUrl = (name: string) =>
  z
    .string()
    .refine((value) => /^https?:\/\/[^\s/]+/.test(value), `an http(s) URL such as ${name}`)
    .transform((value) => value.replace(/\/+$/, ''));

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'true or false' })
  .transform((v) => ['true', '1', 'yes'].includes(v));

function isCidr(text: string): boolean {
  const [address, bits, ...rest] = text.split('/');
  if (rest.length > 0 || !address || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const version = isIP(address);
  return version !== 0 && Number(bits) <= (version === 4 ? 32 : 128);
}

const allowPrivate = z.string().transform((value, ctx) => {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'false' || trimmed === '') return false as const;
  if (trimmed === 'true') return true as const;
  const ranges = trimmed
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const bad = ranges.find((range) => !isCidr(range));
  if (bad !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `true, false, or a comma-separated list of CIDR ranges such as 127.0.0.0/8 ("${bad}" is not one)`,
    });
    return z.NEVER;
  }
  return ranges;
});

const positiveInt = (what: string) =>
  z
    .string()
    .regex(/^\d+$/, what)
    .transform(Number)
    .refine((n) => n > 0, what);

export const configSchema = z.object({
  DISCORD_TOKEN: optionalText,
  DISCORD_API_BASE: httpUrl('https://discord.com/api').default('https://discord.com/api'),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{15,22}$/, 'a Discord server (guild) id: 15 to 22 digits')
    .optional(),
  TELEGRAM_TOKEN: optionalText,
  TELEGRAM_API_ROOT: httpUrl('https://api.telegram.org').default('https://api.telegram.org'),
  STORE_URL: z
    .string()
    .regex(
      /^(sqlite:\/\/.+|redis(s)?:\/\/.+|postgres(ql)?:\/\/.+)?$/,
      'empty (SQLite under DATA_DIR), sqlite://<path>, redis://… or postgres://…',
    )
    .optional(),
  DATA_DIR: z.string().min(1, 'a directory path').default('./data'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  HTTP_PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'a port number from 0 to 65535 (0 picks a free port)')
    .transform(Number)
    .refine((n) => n <= 65535, 'a port number from 0 to 65535')
    .default(8080),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  POLL_INTERVAL: duration('a duration such as 30s, 5m, 1h or a number of seconds').default(300_000),
  MIN_POLL_INTERVAL: duration('a duration such as 1s, 1m or a number of seconds').default(60_000),
  MAX_POLL_INTERVAL: duration('a duration such as 6h or 1d').default(6 * 3_600_000),
  POLL_STRATEGY: z.enum(['fixed', 'adaptive'], { message: 'fixed or adaptive' }).default('adaptive'),
  POLL_BUDGET: z
    .string()
    .regex(/^\d+$/, 'a whole number of requests per minute (0: as many as fixed polling at POLL_INTERVAL)')
    .transform(Number)
    .default(0),
  PUBLIC_URL: z
    .string()
    .transform((value) => value.trim())
    .refine(
      (value) => value === '' || /^https?:\/\/[^\s/]+/.test(value),
      'the public http(s) URL of the HTTP server, such as https://taza.example.org',
    )
    .transform((value) => (value === '' ? undefined : value.replace(/\/+$/, '')))
    .optional(),
  WEBSUB_POLL_INTERVAL: duration('a duration such as 1h').default(3_600_000),
  WEBSUB_LEASE: duration('a duration such as 7d').default(7 * 86_400_000),
  MAX_ITEM_AGE: duration('a duration such as 3d or 72h').default(3 * 86_400_000),
  ALLOW_PRIVATE_NETWORKS: allowPrivate.default(false),
  USER_AGENT: optionalText,
  FETCH_CONCURRENCY: positiveInt('a whole number of at least 1').default(16),
  PARSE_WORKERS: positiveInt('a whole number of at least 1').default(1),
  PER_HOST_CONCURRENCY: positiveInt('a whole number of at least 1').default(1),
  PER_HOST_GAP: z
    .string()
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a duration such as 1s or 500ms (0 for none)' });
        return z.NEVER;
      }
      return ms;
    })
    .default(1000),
  SUBSCRIPTION_QUOTA: positiveInt('a whole number of at least 1').default(50),
  DIGEST_THRESHOLD: z.string().regex(/^\d+$/, 'a whole number (0 turns digests off)').transform(Number).default(10),
  ALIASES_FILE: optionalText,
  SUMMARY_MAX_SENTENCES: positiveInt('a whole number of at least 1').default(3),
  SUMMARY_MAX_CHARS: positiveInt('a whole number of at least 1').default(500),
  TAZA_CONFIG: optionalText,
  PRETTY_LOGS: boolean.optional(),
  // The web dashboard's password, and the key its login links are signed with (unset: the dashboard is off).
  DASHBOARD_TOKEN: optionalText.refine(
    (value) => value === undefined || value.length >= 16,
    'at least 16 characters (a long random secret, e.g. the output of `openssl rand -base64 32`)',
  ),
  // Where people reach the dashboard, for the login links (default: http://HTTP_HOST:HTTP_PORT).
  DASHBOARD_URL: optionalText
    .refine(
      (value) => value === undefined || /^https?:\/\/[^\s/]+/.test(value),
      'an http(s) URL such as https://taza.example.org',
    )
    .transform((value) => value?.replace(/\/+$/, '')),
});

export type Config = z.output<typeof configSchema>;
