/**
 * `taza doctor`'s platform checks over plain HTTP (no discord.js or grammY): is the token accepted, who is the
 * bot, and can it post where its subscriptions send alerts. Each check says what to do when it fails.
 */

export interface CheckResult {
  ok: boolean;
  label: string;
  detail: string;
  /** What to do, for a failed check. */
  fix?: string;
  /** The destination checked (`discord:<id>`, `telegram:<id>`), when the check is about one. */
  destination?: string;
}

const TIMEOUT_MS = 10_000;

/** Discord permission bits Taza needs to post an alert: View Channel, Send Messages, Embed Links. */
const NEEDED = [
  [1n << 10n, 'View Channel'],
  [1n << 11n, 'Send Messages'],
  [1n << 14n, 'Embed Links'],
] as const;
const ADMINISTRATOR = 1n << 3n;
const DISCORD_INVITE_PERMISSIONS = NEEDED.reduce((sum, [bit]) => sum | bit, 0n).toString();

function discordInviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${DISCORD_INVITE_PERMISSIONS}`;
}

type Json = Record<string, unknown>;
type Answer = { status: number; body: Json } | { error: string };

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    let body: Json = {};
    try {
      body = JSON.parse(text) as Json;
    } catch {
      body = { message: text.slice(0, 200) };
    }
    return { status: response.status, body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)) };
  }
}

export async function checkDiscord(options: {
  token: string;
  apiBase: string;
  channels: string[];
}): Promise<CheckResult[]> {
  const api = `${options.apiBase}/v10`;
  const get = (path: string) => call(`${api}${path}`, { headers: { authorization: `Bot ${options.token}` } });
  const results: CheckResult[] = [];
  const gateway = await get('/gateway/bot');
  if ('error' in gateway)
    return [
      {
        ok: false,
        label: 'Discord gateway',
        detail: `could not reach ${options.apiBase}: ${gateway.error}`,
        fix: 'check this machine’s network and DNS, and DISCORD_API_BASE',
      },
    ];
  if (gateway.status === 401) {
    return [
      {
        ok: false,
        label: 'Discord token',
        detail: 'Discord rejected DISCORD_TOKEN (401 Unauthorized)',
        fix: 'Developer Portal → your application → Bot → Reset Token, and put the new token in DISCORD_TOKEN',
      },
    ];
  }
  if (gateway.status !== 200)
    return [
      {
        ok: false,
        label: 'Discord gateway',
        detail: `GET /gateway/bot answered ${gateway.status}: ${String(gateway.body.message ?? '')}`,
        fix: 'try again later; see https://discordstatus.com',
      },
    ];
  const limit = gateway.body.session_start_limit as { remaining?: number } | undefined;
  results.push({
    ok: true,
    label: 'Discord gateway',
    detail: `reachable (${limit?.remaining ?? '?'} session starts left today)`,
  });

  const me = await get('/users/@me');
  if ('error' in me || me.status !== 200) {
    results.push({
      ok: false,
      label: 'Discord bot',
      detail: `could not read the bot's identity (${'error' in me ? me.error : me.status})`,
      fix: 'check DISCORD_TOKEN is a bot token, not a client secret',
    });
    return results;
  }
  const botId = String(me.body.id);
  const name = `${String(me.body.username)}${me.body.discriminator && me.body.discriminator !== '0' ? `#${String(me.body.discriminator)}` : ''}`;
  results.push({
    ok: true,
    label: 'Discord bot',
    detail: `${name} (id ${botId}); invite link: ${discordInviteUrl(botId)}`,
  });
  for (const channelId of options.channels)
    results.push({ ...(await checkDiscordChannel(get, channelId, botId)), destination: `discord:${channelId}` });
  return results;
}

async function checkDiscordChannel(
  get: (path: string) => Promise<Answer>,
  channelId: string,
  botId: string,
): Promise<CheckResult> {
  const label = `Discord channel ${channelId}`;
  const invite = `invite the bot with ${discordInviteUrl(botId)} and allow View Channel, Send Messages and Embed Links for it in the channel`;
  const channel = await get(`/channels/${channelId}`);
  if ('error' in channel)
    return {
      ok: false,
      label,
      detail: `could not ask Discord: ${channel.error}`,
      fix: 'check the network and run taza doctor again',
    };
  if (channel.status === 404)
    return {
      ok: false,
      label,
      detail: 'Unknown Channel: it was deleted or the id is wrong',
      fix: 'copy the id again (Developer Mode → right-click the channel → Copy Channel ID) and subscribe again',
    };
  if (channel.status === 403)
    return {
      ok: false,
      label,
      detail: `the bot cannot see this channel (${String(channel.body.message ?? 'Missing Access')})`,
      fix: invite,
    };
  if (channel.status !== 200)
    return { ok: false, label, detail: `GET /channels answered ${channel.status}`, fix: 'try again later' };
  const where = `#${String(channel.body.name ?? channelId)}`;
  const guildId = channel.body.guild_id === undefined ? undefined : String(channel.body.guild_id);
  if (!guildId) return { ok: true, label, detail: `${where} is visible to the bot` };
  const [guild, member] = await Promise.all([get(`/guilds/${guildId}`), get(`/guilds/${guildId}/members/${botId}`)]);
  if ('error' in guild || 'error' in member || guild.status !== 200 || member.status !== 200) {
    return {
      ok: true,
      label,
      detail: `${where} is visible to the bot (its permissions could not be read, so Send Messages and Embed Links were not checked)`,
    };
  }
  const permissions = channelPermissions({
    guildId,
    ownerId: guild.body.owner_id === undefined ? undefined : String(guild.body.owner_id),
    roles: (guild.body.roles as Array<{ id: string; permissions: string }> | undefined) ?? [],
    member: { id: botId, roles: (member.body.roles as string[] | undefined) ?? [] },
    overwrites:
      (channel.body.permission_overwrites as
        Array<{ id: string; type: number; allow: string; deny: string }> | undefined) ?? [],
  });
  const missing = NEEDED.filter(([bit]) => (permissions & bit) !== bit).map(([, name]) => name);
  if (missing.length > 0)
    return {
      ok: false,
      label,
      detail: `${where}: the bot lacks ${missing.join(', ')}`,
      fix: `channel settings → Permissions → the bot's role: allow ${missing.join(', ')}`,
    };
  return { ok: true, label, detail: `${where}: the bot can view, send and embed links` };
}

/** Discord's documented computation: base role permissions, then @everyone, role and member overwrites. */
export function channelPermissions(input: {
  guildId: string;
  ownerId?: string;
  roles: Array<{ id: string; permissions: string }>;
  member: { id: string; roles: string[] };
  overwrites: Array<{ id: string; type: number; allow: string; deny: string }>;
}): bigint {
  const all = (1n << 64n) - 1n;
  if (input.ownerId === input.member.id) return all;
  const roleBits = new Map(input.roles.map((role) => [role.id, BigInt(role.permissions)]));
  let permissions = roleBits.get(input.guildId) ?? 0n;
  for (const id of input.member.roles) permissions |= roleBits.get(id) ?? 0n;
  if ((permissions & ADMINISTRATOR) === ADMINISTRATOR) return all;
  const everyone = input.overwrites.find((o) => o.id === input.guildId);
  if (everyone) permissions = (permissions & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of input.overwrites) {
    if (o.type === 0 && o.id !== input.guildId && input.member.roles.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  permissions = (permissions & ~deny) | allow;
  const own = input.overwrites.find((o) => o.type === 1 && o.id === input.member.id);
  if (own) permissions = (permissions & ~BigInt(own.deny)) | BigInt(own.allow);
  return permissions;
}

export async function checkTelegram(options: {
  token: string;
  apiRoot: string;
  chats: string[];
}): Promise<CheckResult[]> {
  const method = (name: string, params: Json = {}) =>
    call(`${options.apiRoot}/bot${options.token}/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
  const me = await method('getMe');
  if ('error' in me)
    return [
      {
        ok: false,
        label: 'Telegram bot',
        detail: `could not reach ${options.apiRoot}: ${me.error}`,
        fix: 'check this machine’s network and DNS, and TELEGRAM_API_ROOT',
      },
    ];
  if (me.status === 401 || me.status === 404) {
    return [
      {
        ok: false,
        label: 'Telegram token',
        detail: `Telegram rejected TELEGRAM_TOKEN (${me.status} ${String(me.body.description ?? '')})`,
        fix: 'in Telegram, ask @BotFather: /mybots → your bot → API Token, and put it in TELEGRAM_TOKEN',
      },
    ];
  }
  const bot = me.body.result as { id?: number; username?: string } | undefined;
  if (me.status !== 200 || !bot?.id)
    return [{ ok: false, label: 'Telegram bot', detail: `getMe answered ${me.status}`, fix: 'try again later' }];
  const handle = `@${bot.username ?? bot.id}`;
  const results: CheckResult[] = [{ ok: true, label: 'Telegram bot', detail: `${handle} (id ${bot.id})` }];
  for (const chatId of options.chats)
    results.push({ ...(await checkTelegramChat(method, chatId, bot.id, handle)), destination: `telegram:${chatId}` });
  return results;
}

async function checkTelegramChat(
  method: (name: string, params?: Json) => Promise<Answer>,
  chatId: string,
  botId: number,
  handle: string,
): Promise<CheckResult> {
  const label = `Telegram chat ${chatId}`;
  const addIt = `add ${handle} to the group, or make it an administrator of the channel with "Post Messages"; a group or channel id looks like -1001234567890`;
  const chat = await method('getChat', { chat_id: chatId });
  if ('error' in chat)
    return {
      ok: false,
      label,
      detail: `could not ask Telegram: ${chat.error}`,
      fix: 'check the network and run taza doctor again',
    };
  if (chat.status !== 200)
    return {
      ok: false,
      label,
      detail: `the bot cannot reach this chat (${String(chat.body.description ?? chat.status)})`,
      fix: addIt,
    };
  const info = chat.body.result as { type?: string; title?: string };
  const where = info.title ? `"${info.title}" (${info.type})` : String(info.type);
  if (info.type === 'private') return { ok: true, label, detail: 'private chat with the bot' };
  const member = await method('getChatMember', { chat_id: chatId, user_id: botId });
  if ('error' in member || member.status !== 200) {
    const reason = 'error' in member ? member.error : String(member.body.description ?? member.status);
    return { ok: false, label, detail: `the bot's membership in ${where} could not be read (${reason})`, fix: addIt };
  }
  const status = member.body.result as { status?: string; can_post_messages?: boolean; can_send_messages?: boolean };
  const isAdmin = status.status === 'administrator' || status.status === 'creator';
  let problem: string | undefined;
  if (status.status === 'left' || status.status === 'kicked') problem = `the bot is not in ${where} (${status.status})`;
  else if (info.type === 'channel' && !isAdmin)
    problem = `the bot is not an administrator of the channel ${where}, so it cannot post`;
  else if (info.type === 'channel' && status.can_post_messages === false)
    problem = `the bot is an administrator of ${where} without "Post Messages"`;
  else if (status.status === 'restricted' && status.can_send_messages === false)
    problem = `the bot may not send messages in ${where}`;
  return problem
    ? { ok: false, label, detail: problem, fix: addIt }
    : { ok: true, label, detail: `${where}: the bot can post (${String(status.status)})` };
}
