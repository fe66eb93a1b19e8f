/**
 * What the test servers share: a free loopback port, a child process whose output is kept for the error
 * message, readiness polled with a bound, and a last-resort kill when the test process exits.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** A real server on 127.0.0.1 with its data in a temporary directory. */
export interface TestServer {
  /** How a client connects, e.g. `redis://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** The temporary directory with the server's data (removed by `close`). */
  dir: string;
  /** Whether the server process is up. */
  readonly running: boolean;
  /** Clean shutdown; the data is kept for `start`. */
  stop(): Promise<void>;
  /** A crash: the process dies at once (Redis keeps its append-only file; Postgres recovers on start). */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP, its child processes too): connections stay open and nothing answers, as with a hung host. */
  pause(): void;
  /** Lets a paused server go on. */
  resume(): void;
  /** Starts it again on the same port with the same data, and waits until it answers. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

/** A port nothing listens on right now (the kernel picks it); the server that binds it next is ours. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the kernel');
  return address.port;
}

export function findBinary(candidates: string[], install: string): string {
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`${install} (looked for ${candidates.join(', ')})`);
  return found;
}

const running = new Set<ServerProcess>();
process.once('exit', () => {
  for (const server of running) server.child.kill(server.crashSignal);
});

/** One run of a server binary. */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private readonly output: string[] = [];
  private alive = true;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: SpawnOptions,
    /** The signal that ends it at once, as a crash would. */
    readonly crashSignal: NodeJS.Signals,
  ) {
    this.child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    running.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        keep(Buffer.from(String(error)));
        this.alive = false;
        running.delete(this);
        resolve(null);
      });
      this.child.once('exit', (code) => {
        this.alive = false;
        running.delete(this);
        resolve(code);
      });
    });
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** The last lines it printed, for an error message. */
  log(): string {
    return this.output.join('').trim().split('\n').slice(-15).join('\n');
  }

  async signal(signal: NodeJS.Signals, within = 30_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    // A paused server acts on the signal only once it runs again.
    this.signalTree('SIGCONT');
    const outcome = await Promise.race([this.exited.then(() => 'exited'), delay(within, 'late', { ref: false })]);
    if (outcome === 'late') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Sends a signal to the process and to its children (Postgres's backends), by process id. */
  signalTree(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || !this.alive) return;
    let children: number[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      // No /proc: the process alone.
    }
    for (const target of [pid, ...children]) {
      try {
        process.kill(target, signal);
      } catch {
        // Gone meanwhile.
      }
    }
  }

  /**
   * Polls `answers` (every 50 ms, for at most `timeoutMs`) until the server answers; fails at once if the
   * process exits, with what it printed.
   */
  async waitUntilReady(answers: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error(`${this.name} exited before it answered:\n${this.log()}`);
      if (await answers().catch(() => false)) return;
      await delay(50);
    }
    throw new Error(`${this.name} did not answer within ${timeoutMs / 1000} s:\n${this.log()}`);
  }
}

/** What `startTestServer` needs to know about one kind of server. */
export interface ServerKind {
  /** The temporary directory with its data: removed when the server cannot start, and by `close`. */
  dir: string;
  /** Spawns the server on `port`; it need not answer yet. */
  spawn(port: number): ServerProcess;
  /** Whether the server on `port` answers a client. */
  answers(port: number): Promise<boolean>;
  url(port: number): string;
  /** The signal of a clean shutdown, which keeps the data. */
  stopSignal: NodeJS.Signals;
  /** What the server prints when its port was taken before it could bind it. */
  portTaken: RegExp;
}

/**
 * Starts a server on a free port and resolves once it answers, as a TestServer that can be stopped, crashed,
 * paused and started again on the same port with the same data.
 */
export async function startTestServer(kind: ServerKind): Promise<TestServer> {
  let port = 0;
  let current: ServerProcess | undefined;
  const launch = async () => {
    current = kind.spawn(port);
    await current.waitUntilReady(() => kind.answers(port));
  };

  // A port taken between freePort() and the bind: try another one.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      await current?.signal(current.crashSignal);
      if (attempt >= 3 || !kind.portTaken.test(current?.log() ?? '')) {
        rmSync(kind.dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  const server: TestServer = {
    url: kind.url(port),
    port,
    dir: kind.dir,
    get running() {
      return current?.isAlive ?? false;
    },
    async stop() {
      await current?.signal(kind.stopSignal);
    },
    async kill() {
      await current?.signal(current.crashSignal);
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
      await current?.signal(kind.stopSignal);
      rmSync(kind.dir, { recursive: true, force: true });
    },
  };
  return server;
}
