/**
 * Store failures worded for the person who runs Taza: which setting, what happened, what to do, on one line.
 * The CLI prints the message as it is (exit code 2), the logs carry it on every failed operation.
 */

export type StoreBackend = 'sqlite' | 'redis' | 'postgres';

export type StoreProblem =
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'disconnected'
  | 'auth'
  | 'no-database'
  | 'permission'
  | 'not-a-directory'
  | 'cannot-create'
  | 'corrupt'
  | 'locked'
  | 'read-only'
  | 'disk-full'
  | 'invalid-url'
  | 'failed';

export class StoreError extends Error {
  /** What kind of failure, for code that reacts to it (a retry is pointless after 'auth' or 'corrupt'). */
  readonly problem: StoreProblem;
  /** The setting to fix, as shown: `STORE_URL=redis://:***@host:6379` or `DATA_DIR=./data`. */
  readonly setting: string;

  constructor(options: { setting: string; problem: StoreProblem; reason: string; fix: string; cause?: unknown }) {
    super(`${options.setting}: ${options.reason}. ${options.fix}`, { cause: options.cause });
    this.name = 'StoreError';
    this.problem = options.problem;
    this.setting = options.setting;
  }
}

/** The URL with its password (and any `password=` parameter) replaced by `***`; the user name stays, it helps. */
export function redactUrl(url: string): string {
  return (
    url
      .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*):[^@/?#]*@/i, '$1:***@')
      // `redis://secret@host` is read as a user name, but people write passwords there: hide it too.
      .replace(/^(rediss?:\/\/)[^:@/?#]+@/i, '$1***@')
      .replace(/([?&]password=)[^&#]*/gi, '$1***')
  );
}

/** The codes and messages of an error and of the errors it wraps (Node's AggregateError, node-redis, pg). */
export function errorChain(error: unknown): Array<{ code?: string; message: string }> {
  const chain: Array<{ code?: string; message: string }> = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (value === undefined || value === null || seen.has(value) || depth > 5) return;
    seen.add(value);
    if (!(value instanceof Error)) {
      chain.push({ message: String(value) });
      return;
    }
    const fields = value as Error & {
      code?: unknown;
      errors?: unknown;
      socketError?: unknown;
      originalError?: unknown;
    };
    chain.push({ code: typeof fields.code === 'string' ? fields.code : undefined, message: value.message });
    visit(fields.cause, depth + 1);
    visit(fields.socketError, depth + 1);
    visit(fields.originalError, depth + 1);
    if (Array.isArray(fields.errors)) for (const inner of fields.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return chain;
}

/** The code of the error that `withTimeout` rejects with. */
export const TIMEOUT_CODE = 'ETAZA_STORE_TIMEOUT';

/** Rejects with a TIMEOUT_CODE error when the promise has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: TIMEOUT_CODE })),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const EXAMPLE_URL: Record<'redis' | 'postgres', string> = {
  redis: 'redis://[:password@]host[:port][/db-number]',
  postgres: 'postgres://user[:password]@host[:port]/database',
};

const SERVER_NAME: Record<Exclude<StoreBackend, 'sqlite'>, string> = { redis: 'Redis', postgres: 'PostgreSQL' };

/** A failure of a Redis or Postgres store (at start-up or later), as a StoreError that says what to do. */
export function networkStoreError(backend: 'redis' | 'postgres', url: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const setting = `STORE_URL=${redactUrl(url)}`;
  const server = SERVER_NAME[backend];
  const chain = errorChain(error);
  const codes = new Set(chain.flatMap((entry) => (entry.code ? [entry.code] : [])));
  const text = chain.map((entry) => entry.message).join(' | ');
  const first = chain[0]?.message.split('\n')[0] ?? 'unknown error';
  const make = (problem: StoreProblem, reason: string, fix: string) =>
    new StoreError({ setting, problem, reason, fix, cause: error });

  if (codes.has('ERR_INVALID_URL') || /Invalid (URL|pathname|protocol)|Invalid database/i.test(text))
    return make('invalid-url', `not a valid ${server} URL (${first})`, `Fix STORE_URL: ${EXAMPLE_URL[backend]}.`);
  if (codes.has('ECONNREFUSED'))
    return make('refused', 'nothing is listening (connection refused)', `Start ${server}, or fix STORE_URL.`);
  if (codes.has('ENOTFOUND') || codes.has('EAI_AGAIN') || codes.has('EAI_NONAME'))
    return make('unreachable', 'the host name does not resolve', 'Fix the host in STORE_URL.');
  if (codes.has('EHOSTUNREACH') || codes.has('ENETUNREACH') || codes.has('EADDRNOTAVAIL'))
    return make('unreachable', 'the host cannot be reached from here', 'Check the network, or fix STORE_URL.');
  if (
    codes.has(TIMEOUT_CODE) ||
    codes.has('ETIMEDOUT') ||
    /connection timeout|timeout expired|timeout exceeded|timed out/i.test(text)
  )
    return make(
      'timeout',
      codes.has(TIMEOUT_CODE) ? first : `no answer in time (${first})`,
      `Check that ${server} is running and reachable from here, or fix STORE_URL.`,
    );
  // Redis: WRONGPASS, NOAUTH, "AUTH <password> called without any password configured"; Postgres: 28P01, 28000.
  if (codes.has('28P01') || codes.has('28000') || /WRONGPASS|NOAUTH|invalid password|without any password/i.test(text))
    return make('auth', `the server refused the login (${first})`, 'Fix the user and password in STORE_URL.');
  if (codes.has('3D000'))
    return make('no-database', `the database does not exist (${first})`, 'Create it (createdb), or fix STORE_URL.');
  if (codes.has('42501'))
    return make(
      'permission',
      `the user may not use the tables (${first})`,
      'Grant the user CREATE on the database (or on its tables), or fix STORE_URL.',
    );
  if (/READONLY/.test(text))
    return make('read-only', `the server refuses writes (${first})`, 'Point STORE_URL at the primary, not a replica.');
  if (
    /client is offline|client is closed|socket closed unexpectedly|connection terminated|ECONNRESET|EPIPE/i.test(
      text,
    ) ||
    codes.has('ECONNRESET') ||
    codes.has('EPIPE') ||
    codes.has('57P01')
  )
    return make('disconnected', `the connection to ${server} is down (${first})`, `Check that ${server} is running.`);
  return make('failed', `${server} failed: ${first}`, `Check ${server} and STORE_URL.`);
}

/** A failure of the SQLite store, naming the setting that chose the file (DATA_DIR, or a sqlite:// STORE_URL). */
export function sqliteStoreError(setting: string, file: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const chain = errorChain(error);
  const codes = new Set(chain.flatMap((entry) => (entry.code ? [entry.code] : [])));
  const first = chain[0]?.message ?? 'unknown error';
  const elsewhere = setting.startsWith('DATA_DIR=') ? 'use another DATA_DIR' : 'point STORE_URL at another file';
  const make = (problem: StoreProblem, reason: string, fix: string) =>
    new StoreError({ setting, problem, reason, fix, cause: error });
  if (codes.has('SQLITE_NOTADB') || codes.has('SQLITE_CORRUPT'))
    return make(
      'corrupt',
      `${file} is not a usable SQLite database (${first})`,
      'Restore a backup, or move the file away to start with an empty store.',
    );
  if (codes.has('SQLITE_BUSY') || codes.has('SQLITE_LOCKED'))
    return make(
      'locked',
      `${file} is locked by another process (${first})`,
      `Stop the other Taza or program that holds it, or ${elsewhere}.`,
    );
  if (codes.has('SQLITE_READONLY') || codes.has('SQLITE_PERM') || codes.has('SQLITE_AUTH'))
    return make(
      'read-only',
      `${file} cannot be written (${first})`,
      `Give this user write access to the file and its directory, or ${elsewhere}.`,
    );
  if (codes.has('SQLITE_FULL'))
    return make('disk-full', `the disk holding ${file} is full (${first})`, `Free some space, or ${elsewhere}.`);
  if (codes.has('SQLITE_CANTOPEN'))
    return make(
      'cannot-create',
      `cannot create or open ${file} (${first})`,
      `Give this user write access to its directory, or ${elsewhere}.`,
    );
  return make('failed', `SQLite failed on ${file} (${first})`, `Check the disk, or ${elsewhere}.`);
}

/** Why `directory` could not be made, from the errno of mkdir; `blocker` is the file in the way, if any. */
export function directoryError(setting: string, directory: string, error: unknown, blocker?: string): StoreError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  const make = (problem: StoreProblem, reason: string, fix: string) =>
    new StoreError({ setting, problem, reason, fix, cause: error });
  if (code === 'ENOTDIR' || code === 'EEXIST')
    return make(
      'not-a-directory',
      `${blocker ?? directory} is a file, not a directory (${detail})`,
      'Set DATA_DIR to a directory, or move the file away.',
    );
  if (code === 'EACCES' || code === 'EPERM')
    return make(
      'permission',
      `this user may not create ${directory} (${detail})`,
      'Create it and give this user write access, or set DATA_DIR to a directory it can write.',
    );
  if (code === 'EROFS')
    return make(
      'read-only',
      `${directory} is on a read-only file system (${detail})`,
      'Set DATA_DIR to a writable location (a mounted volume, in a container).',
    );
  return make(
    'cannot-create',
    `cannot create the directory ${directory} (${detail})`,
    'Create it yourself, or set DATA_DIR to a directory this user can write.',
  );
}
