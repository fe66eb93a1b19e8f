/**
 * The fake Discord gateway: HELLO, IDENTIFY -> READY + one GUILD_CREATE per guild of the identified shard, RESUME ->
 * RESUMED, heartbeats acknowledged, dispatches to the connections of the event's shard, and an abrupt drop for
 * reconnect tests. A guild belongs to shard (guild_id >> 22) % shard_count, as on Discord.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface GatewayGuild {
  id: string;
  name: string;
  channels: FakeChannel[];
}

/**
 * A channel of a fake guild: a text channel by default; `type: 15` is a forum (with its `available_tags`), 11/12 a
 * thread (`thread_metadata.archived`; `locked` means the bot may not unarchive it).
 */
export interface FakeChannel {
  id: string;
  name: string;
  type?: number;
  parent_id?: string;
  available_tags?: Array<{ id: string; name: string }>;
  thread_metadata?: { archived: boolean; locked?: boolean };
}

const THREAD_TYPES = new Set([10, 11, 12]);

export interface GatewayOptions {
  token: string;
  botUser: Record<string, unknown>;
  applicationId: string;
  guilds: GatewayGuild[];
  url: () => string;
  /** Called for every frame a client sends (op and data), so tests can wait on IDENTIFY/RESUME. */
  onFrame: (frame: { op: number; d: unknown }) => void;
}

interface Session {
  id: string;
  seq: number;
  /** [shard_id, shard_count] from IDENTIFY. */
  shard: [number, number];
}

export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(Math.max(1, shardCount)));
}

const onShard = (guildId: string, [shardId, shardCount]: [number, number]) =>
  shardOfGuild(guildId, shardCount) === shardId;

const HEARTBEAT_INTERVAL_MS = 41_250;

export class FakeGateway {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  /** Live connections and the session each one carries once identified or resumed. */
  private readonly connections = new Map<WebSocket, Session | undefined>();

  constructor(private readonly options: GatewayOptions) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** Sends a dispatch event (op 0) to the identified connections of its guild's shard (shard 0 without a guild). */
  dispatch(t: string, d: unknown): void {
    const guildId = (d as { guild_id?: unknown } | undefined)?.guild_id;
    for (const [ws, session] of this.connections) {
      if (!session) continue;
      const mine = typeof guildId === 'string' ? onShard(guildId, session.shard) : session.shard[0] === 0;
      if (mine) this.send(ws, { op: 0, t, s: ++session.seq, d });
    }
  }

  /** The shard of each live identified connection. */
  connectedShards(): number[] {
    return [...this.connections.values()].flatMap((session) => (session ? [session.shard[0]] : []));
  }

  /** Cuts every connection without a close frame (the client sees 1006), as a network failure would. */
  drop(): void {
    for (const ws of this.connections.keys()) ws.terminate();
    this.connections.clear();
  }

  close(): void {
    this.drop();
    this.server.close();
  }

  private accept(ws: WebSocket): void {
    this.connections.set(ws, undefined);
    ws.on('close', () => this.connections.delete(ws));
    ws.on('message', (raw) => {
      let frame: { op: number; d: unknown };
      try {
        frame = JSON.parse(String(raw)) as { op: number; d: unknown };
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      this.options.onFrame(frame);
      this.onFrame(ws, frame);
    });
    this.send(ws, { op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS } });
  }

  private onFrame(ws: WebSocket, frame: { op: number; d: unknown }): void {
    const d = (frame.d ?? {}) as Record<string, unknown>;
    switch (frame.op) {
      case 1:
        this.send(ws, { op: 11 });
        return;
      case 2: {
        if (d.token !== this.options.token) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        const shard = Array.isArray(d.shard) ? (d.shard as [number, number]) : ([0, 1] as [number, number]);
        const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, shard };
        const guilds = this.options.guilds.filter((g) => onShard(g.id, shard));
        this.sessions.set(session.id, session);
        this.connections.set(ws, session);
        this.send(ws, {
          op: 0,
          t: 'READY',
          s: ++session.seq,
          d: {
            v: 10,
            user: this.options.botUser,
            guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
            session_id: session.id,
            shard,
            resume_gateway_url: this.options.url(),
            application: { id: this.options.applicationId, flags: 0 },
          },
        });
        for (const guild of guilds) {
          this.send(ws, {
            op: 0,
            t: 'GUILD_CREATE',
            s: ++session.seq,
            d: {
              id: guild.id,
              name: guild.name,
              channels: guild.channels
                .filter((c) => !THREAD_TYPES.has(c.type ?? 0))
                .map((c) => ({ id: c.id, type: c.type ?? 0, name: c.name })),
              roles: [],
              emojis: [],
              unavailable: false,
            },
          });
        }
        return;
      }
      case 6: {
        const session = this.sessions.get(String(d.session_id));
        if (!session || d.token !== this.options.token) {
          this.send(ws, { op: 9, d: false });
          return;
        }
        this.connections.set(ws, session);
        this.send(ws, { op: 0, t: 'RESUMED', s: ++session.seq, d: {} });
        return;
      }
      default:
        return;
    }
  }

  private send(ws: WebSocket, payload: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }
}
