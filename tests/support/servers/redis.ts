/** A real redis-server for a test: its own loopback port and data directory, stopped and restarted at will. */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, ServerProcess, type TestServer } from './process.js';

const INSTALL = 'the Redis tests need redis-server: apt-get install redis-server';

/** Starts Redis and resolves once it answers PING. With `password`, clients must send it (`requirepass`). */
export async function startRedis(options: { password?: string } = {}): Promise<TestServer> {
  const binary = findBinary(['/usr/bin/redis-server', '/usr/local/bin/redis-server'], INSTALL);
  const dir = mkdtempSync(join(tmpdir(), 'taza-redis-'));
  let port = 0;
  let current: ServerProcess | undefined;

  const launch = async () => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      // Saved on a clean stop (SIGTERM saves when a save point is set), so stop/start keeps the data.
      '--save',
      '3600 1',
      '--dbfilename',
      'dump.rdb',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ];
    if (options.password) args.push('--requirepass', options.password);
    current = new ServerProcess(`redis-server on port ${port}`, binary, args, { cwd: dir }, 'SIGKILL');
    await current.waitUntilReady(() => answersPing(port, options.password));
  };

  // A port taken between freePort() and the bind: try another one.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      await current?.signal('SIGKILL');
      if (attempt >= 3 || !/Address already in use/i.test(current?.log() ?? '')) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const server: TestServer = {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    dir,
    get running() {
      return current?.isAlive ?? false;
    },
    async stop() {
      await current?.signal('SIGTERM');
    },
    async kill() {
      await current?.signal('SIGKILL');
    },
    pause() {
      current?.signalTree('SIGSTOP');
    },
    resume() {
      current?.signalTree('SIGCONT');
    },
    async start() {
      if (current?.isAlive) return;
      await launch();
    },
    async restart() {
      await server.stop();
      await server.start();
    },
    async close() {
      await current?.signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** One PING over a raw socket: true on +PONG (or on NOAUTH when a password is required: it is up). */
async function answersPing(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      socket.write(password ? `AUTH ${password}\r\nPING\r\n` : 'PING\r\n');
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('+PONG')) done(true);
      else if (reply.includes('-LOADING')) done(false);
      else if (reply.includes('-')) done(false);
    });
  });
}
