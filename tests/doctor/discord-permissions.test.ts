/**
 * The Discord permission part of `taza doctor`: the documented computation, and checkDiscord reading roles and
 * overwrites from a small stub API (the shared fake Discord has no member or role routes).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { channelPermissions, checkDiscord } from '../../src/cli/doctor-platforms.js';

const GUILD = '1400000000000000001';
const BOT = '1400000000000000002';
const ROLE = '1400000000000000003';
const VIEW = 1n << 10n;
const SEND = 1n << 11n;
const EMBED = 1n << 14n;
const bits = (...values: bigint[]) => values.reduce((a, b) => a | b, 0n).toString();

describe('channelPermissions', () => {
  const base = {
    guildId: GUILD,
    roles: [
      { id: GUILD, permissions: bits(VIEW, SEND) },
      { id: ROLE, permissions: bits(EMBED) },
    ],
    member: { id: BOT, roles: [ROLE] },
  };

  it('adds the @everyone role and the member roles', () => {
    expect(channelPermissions({ ...base, overwrites: [] })).toBe(VIEW | SEND | EMBED);
  });

  it('applies @everyone, then role, then member overwrites, in that order', () => {
    const everyoneDeniesSend = { id: GUILD, type: 0, allow: '0', deny: bits(SEND) };
    expect(channelPermissions({ ...base, overwrites: [everyoneDeniesSend] }) & SEND).toBe(0n);
    const roleAllowsSend = { id: ROLE, type: 0, allow: bits(SEND), deny: '0' };
    expect(channelPermissions({ ...base, overwrites: [everyoneDeniesSend, roleAllowsSend] }) & SEND).toBe(SEND);
    const memberDeniesSend = { id: BOT, type: 1, allow: '0', deny: bits(SEND) };
    expect(
      channelPermissions({ ...base, overwrites: [everyoneDeniesSend, roleAllowsSend, memberDeniesSend] }) & SEND,
    ).toBe(0n);
  });

  it('gives everything to an administrator or the owner, whatever the overwrites', () => {
    const deny = [{ id: GUILD, type: 0, allow: '0', deny: bits(VIEW, SEND, EMBED) }];
    const admin = {
      ...base,
      roles: [
        { id: GUILD, permissions: '0' },
        { id: ROLE, permissions: bits(1n << 3n) },
      ],
      overwrites: deny,
    };
    expect(channelPermissions(admin) & (VIEW | SEND | EMBED)).toBe(VIEW | SEND | EMBED);
    expect(channelPermissions({ ...base, ownerId: BOT, overwrites: deny }) & SEND).toBe(SEND);
  });
});

describe('checkDiscord with readable permissions', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function stubDiscord(
    channels: Record<string, Array<{ id: string; type: number; allow: string; deny: string }>>,
  ): Promise<string> {
    const routes: Record<string, unknown> = {
      '/api/v10/gateway/bot': { url: 'wss://gateway.invalid', shards: 1, session_start_limit: { remaining: 999 } },
      '/api/v10/users/@me': { id: BOT, username: 'Taza', discriminator: '0' },
      [`/api/v10/guilds/${GUILD}`]: {
        id: GUILD,
        owner_id: '1',
        roles: [
          { id: GUILD, permissions: bits(VIEW, SEND) },
          { id: ROLE, permissions: '0' },
        ],
      },
      [`/api/v10/guilds/${GUILD}/members/${BOT}`]: { roles: [ROLE] },
    };
    for (const [id, overwrites] of Object.entries(channels))
      routes[`/api/v10/channels/${id}`] = {
        id,
        name: `c${id.slice(-1)}`,
        guild_id: GUILD,
        type: 0,
        permission_overwrites: overwrites,
      };
    server = createServer((req, res) => {
      const body = req.headers.authorization === 'Bot good-token' ? routes[req.url ?? ''] : undefined;
      res.writeHead(body ? 200 : req.headers.authorization === 'Bot good-token' ? 404 : 401, {
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(body ?? { message: 'no', code: 0 }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  }

  it('passes a channel where the bot may post and names the permissions missing elsewhere', async () => {
    const apiBase = await stubDiscord({
      '1400000000000000011': [{ id: ROLE, type: 0, allow: bits(EMBED), deny: '0' }],
      '1400000000000000012': [{ id: GUILD, type: 0, allow: '0', deny: bits(SEND) }],
    });
    const results = await checkDiscord({
      token: 'good-token',
      apiBase,
      channels: ['1400000000000000011', '1400000000000000012'],
    });
    expect(results.map((r) => [r.ok, r.label, r.detail])).toEqual([
      [true, 'Discord gateway', 'reachable (999 session starts left today)'],
      [true, 'Discord bot', expect.stringMatching(/^Taza \(id \d+\); invite link: /)],
      [true, 'Discord channel 1400000000000000011', '#c1: the bot can view, send and embed links'],
      [false, 'Discord channel 1400000000000000012', '#c2: the bot lacks Send Messages, Embed Links'],
    ]);
    expect(results[3]!.fix).toBe("channel settings → Permissions → the bot's role: allow Send Messages, Embed Links");
    expect(results[3]!.destination).toBe('discord:1400000000000000012');
  });
});
