/** A real redis-server for a test: its own loopback port and data directory, stopped and restarted at will. */
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, ServerProcess, startTestServer, type TestServer } from './process.js';

const INSTALL = 'the Redis tests need redis-server: apt-get install redis-server';

/** Starts Redis and resolves once it answers PING. With `password`, clients must send it (`requirepass`). */
export async function startRedis(options: { password?: string } = {}): Promise<TestServer> {
  const binary = findBinary(['/usr/bin/redis-server', '/usr/local/bin/redis-server'], INSTALL);
  const dir = mkdtempSync(join(tmpdir(), 'taza-redis-'));
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return startTestServer({
    dir,
    spawn(port) {
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        // As Taza's Redis should run (README, docker-compose.yml): every write is in the append-only file before
        // Redis answers it, synced to disk each second, so a restart or a killed Redis keeps what it acknowledged (a
        // lost machine, at most the last second). No snapshots besides: the AOF is what is loaded at start.
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ];
      if (options.password) args.push('--requirepass', options.password);
      return new ServerProcess(`redis-server on port ${port}`, binary, args, { cwd: dir }, 'SIGKILL');
    },
    answers: (port) => answersPing(port, options.password),
    url: (port) => `redis://${auth}127.0.0.1:${port}`,
    stopSignal: 'SIGTERM',
    portTaken: /Address already in use/i,
  });
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
