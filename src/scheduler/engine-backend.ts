/**
 * The job engine's queue and worker on the store's backend: BullMQ on Redis (through ioredis) or on Postgres
 * (BullMQ's Postgres backend, same API). Each has connections of its own, apart from the store's and the
 * coordinator's, as the engine needs (a worker blocks one while it waits for jobs).
 */
import {
  createPostgresBackend,
  Queue,
  Worker,
  withBackend,
  type DefaultJobOptions,
  type Processor,
  type WorkerOptions,
} from 'bullmq';
import { Redis } from 'ioredis';

/**
 * A feed's jobs form a chain (each check adds the next), so a job must never end failed: one whose run threw (the
 * store or the coordinator failing while the backend restarts, before the health saw it) would end its feed's
 * checks until the next resync. The engine runs it again instead, a couple of seconds later, for as long as it
 * takes (a million tries at ~2 s is weeks).
 */
export const CHECK_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 1_000_000,
  backoff: { type: 'fixed', delay: 2000, jitter: 0.5 },
};

export interface EngineQueue {
  queue: Queue;
  /** Starts a worker running `processor`; it takes jobs at once. */
  worker(processor: Processor, options: Omit<WorkerOptions, 'connection'>): Worker;
  /** Drops every connection at once, finishing nothing (a crash, for tests). */
  abandon(): void;
  close(): Promise<void>;
}

export type EngineKind = 'redis' | 'postgres';

export function engineKindFor(storeUrl: string): EngineKind | undefined {
  if (/^rediss?:/.test(storeUrl)) return 'redis';
  if (/^postgres(ql)?:/.test(storeUrl)) return 'postgres';
  return undefined;
}

export function openEngineQueue(storeUrl: string, name: string): EngineQueue {
  const kind = engineKindFor(storeUrl);
  if (kind === 'redis') return redisQueue(storeUrl, name);
  if (kind === 'postgres') return postgresQueue(storeUrl, name);
  throw new Error('the job engine runs on Redis or Postgres only');
}

function redisQueue(url: string, name: string): EngineQueue {
  const connections: Redis[] = [];
  // The worker's blocking reads need maxRetriesPerRequest null (BullMQ refuses others); a command to a Redis that
  // went away waits for it to come back instead of failing.
  const connect = () => {
    const connection = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
    connection.on('error', () => {});
    connections.push(connection);
    return connection;
  };
  const queue = new Queue(name, { connection: connect(), defaultJobOptions: CHECK_JOB_OPTIONS });
  const workers: Worker[] = [];
  return {
    queue,
    worker(processor, options) {
      const worker = new Worker(name, processor, { ...options, connection: connect() });
      workers.push(worker);
      return worker;
    },
    abandon() {
      for (const worker of workers) void worker.close(true).catch(() => {});
      for (const connection of connections) connection.disconnect();
    },
    async close() {
      await Promise.allSettled(workers.map((worker) => worker.close()));
      await queue.close();
      await Promise.allSettled(connections.map((connection) => connection.quit()));
    },
  };
}

/** Queries at once per pool: the worker's pool serves its lock renewals and job moves, the queue's the adds. */
const POSTGRES_POOL_SIZE = 3;

function postgresQueue(url: string, name: string): EngineQueue {
  const { Queue: PgQueue, Worker: PgWorker } = withBackend(createPostgresBackend);
  // Each instance runs the engine's migrations on start (under the engine's advisory lock, so instances starting
  // together do not race).
  const connection = () => ({ connectionString: url, migrate: true, max: POSTGRES_POOL_SIZE });
  const queue = new PgQueue(name, { connection: connection(), defaultJobOptions: CHECK_JOB_OPTIONS });
  const workers: Worker[] = [];
  return {
    queue: queue as unknown as Queue,
    worker(processor, options) {
      const worker = new PgWorker(name, processor, { ...options, connection: connection() });
      workers.push(worker as unknown as Worker);
      return worker as unknown as Worker;
    },
    abandon() {
      for (const worker of workers) void worker.close(true).catch(() => {});
      void queue.close().catch(() => {});
    },
    async close() {
      await Promise.allSettled(workers.map((worker) => worker.close()));
      await queue.close();
    },
  };
}
