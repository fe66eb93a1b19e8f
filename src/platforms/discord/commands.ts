/**
 * Taza's commands as Discord slash commands: each definition in commands/ becomes one application command
 * (guild-only; admin commands carry default_member_permissions = Manage Server), registered globally or, with
 * DISCORD_GUILD_ID, in one guild (instant, for development). Interactions are answered through discord.js:
 * autocomplete from memory within the 3-second deadline, deferReply before slow work, ephemeral replies for admin
 * actions and every error.
 */
import {
  AttachmentBuilder,
  ApplicationCommandOptionType,
  ChannelType,
  Events,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type CommandInteractionOption,
  type Interaction,
} from 'discord.js';
import { suggest } from '../../chat/autocomplete.js';
import { splitText } from '../../replies/markup.js';
import type { RawOptionValue } from '../../chat/options.js';
import { refusal, runCommand } from '../../chat/run.js';
import type { CommandServices } from '../../chat/services.js';
import type { AttachmentValue, CommandDefinition, OptionType, Reply } from '../../chat/definition.js';
import type { CommandAdapter } from '../../chat/adapter.js';
import type { SinkLogger } from '../../outbox/sink.js';
import type { DiscordSink } from './sink.js';

export interface DiscordCommandOptions {
  sink: DiscordSink;
  commands: readonly CommandDefinition[];
  services: CommandServices;
  /** Register in this guild only (instant) instead of globally. */
  guildId?: string;
  logger?: SinkLogger;
  /** An interaction not answered by then is deferred, so Discord's 3-second deadline is never missed. Default 2 s. */
  autoDeferMs?: number;
  /** Largest attachment downloaded for import. Default 1 MiB. */
  maxAttachmentBytes?: number;
}

const OPTION_TYPES: Record<OptionType, ApplicationCommandOptionType> = {
  string: ApplicationCommandOptionType.String,
  boolean: ApplicationCommandOptionType.Boolean,
  channel: ApplicationCommandOptionType.Channel,
  attachment: ApplicationCommandOptionType.Attachment,
};
/** Where alerts can go: text and announcement channels, forums (a post per alert) and threads. */
const POSTABLE_CHANNELS = [
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildForum,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
];
const MESSAGE_LIMIT = 2000;
const ADMIN_PERMISSIONS = PermissionFlagsBits.ManageGuild;

/** The application command JSON for one definition (what Discord's bulk overwrite takes). */
function toSlashCommand(definition: CommandDefinition): Record<string, unknown> {
  return {
    type: 1,
    name: definition.name,
    description: definition.description,
    contexts: [InteractionContextType.Guild],
    default_member_permissions: definition.access === 'admin' ? String(ADMIN_PERMISSIONS) : null,
    options: definition.options.map((option) => ({
      type: OPTION_TYPES[option.type],
      name: option.name,
      description: option.description,
      required: option.required ?? false,
      ...(option.autocomplete ? { autocomplete: true } : {}),
      ...(option.type === 'string' && option.maxLength ? { max_length: Math.min(option.maxLength, 6000) } : {}),
      ...(option.type === 'channel' ? { channel_types: POSTABLE_CHANNELS } : {}),
    })),
  };
}

async function registerDiscordCommands(
  client: Client,
  commands: readonly CommandDefinition[],
  guildId?: string,
): Promise<void> {
  // A client without a gateway connection of its own (several instances) learns its id over REST.
  const applicationId =
    client.application?.id ??
    client.user?.id ??
    ((await client.rest.get(Routes.currentApplication())) as { id?: string } | undefined)?.id;
  if (!applicationId) throw new Error('the Discord client is not ready (no application id)');
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  await client.rest.put(route, { body: commands.map(toSlashCommand) });
}

function attachmentValue(option: CommandInteractionOption, maxBytes: number): AttachmentValue | undefined {
  const attachment = option.attachment;
  if (!attachment) return undefined;
  return {
    name: attachment.name,
    size: attachment.size,
    async read() {
      const response = await fetch(attachment.url, { signal: AbortSignal.timeout(15_000) });
      if (!response.ok) throw new Error(`attachment download failed: HTTP ${response.status}`);
      const body = Buffer.from(await response.arrayBuffer());
      if (body.length > maxBytes) throw new Error(`attachment larger than ${maxBytes} bytes`);
      return body;
    },
  };
}

function namesChannel(interaction: ChatInputCommandInteraction): boolean {
  return interaction.options.data.some((option) => option.type === ApplicationCommandOptionType.Channel);
}

/**
 * Who may run an admin command, as the README says: members with Manage Server (Administrator includes it); Manage
 * Channels alone is enough only to name where alerts go with the `channel` option (subscribe, import). Every other
 * admin command (edit, pause, export, …) needs Manage Server, whatever channel rights the member has.
 */
function adminCheck(
  definition: CommandDefinition,
  interaction: ChatInputCommandInteraction,
  channelGiven: boolean,
): { allowed: boolean; requirement: string } {
  const permissions = interaction.memberPermissions;
  const manageServer = permissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
  const takesChannel = definition.options.some((option) => option.type === 'channel');
  if (!takesChannel) return { allowed: manageServer, requirement: 'the Manage Server permission' };
  const manageChannels = permissions?.has(PermissionFlagsBits.ManageChannels) ?? false;
  return {
    allowed: manageServer || (channelGiven && manageChannels),
    requirement: 'the Manage Server permission (Manage Channels is enough when naming a channel with `channel`)',
  };
}

/** The command adapter the Discord platform module hands to the app. */
export function discordCommands(
  sink: DiscordSink,
  options: Omit<DiscordCommandOptions, 'sink' | 'commands' | 'services'>,
): CommandAdapter {
  let running: { stop(): void } | undefined;
  return {
    platform: 'discord',
    async start(commands, services) {
      running = await startDiscordCommands({ ...options, sink, commands, services });
    },
    async stop() {
      running?.stop();
      running = undefined;
    },
  };
}

async function startDiscordCommands(options: DiscordCommandOptions): Promise<{ stop(): void }> {
  const { client } = options.sink;
  const byName = new Map(options.commands.map((c) => [c.name, c]));
  const logger = options.logger;
  await registerDiscordCommands(client, options.commands, options.guildId);
  logger?.info(
    { platform: 'discord', scope: options.guildId ?? 'global', commands: options.commands.length },
    'discord slash commands registered',
  );

  const onAutocomplete = async (interaction: AutocompleteInteraction) => {
    const definition = byName.get(interaction.commandName);
    const focused = interaction.options.getFocused(true);
    const source = definition?.options.find((o) => o.name === focused.name)?.autocomplete;
    const choices =
      source && interaction.guildId
        ? suggest(options.services, source, interaction.guildId, String(focused.value))
        : [];
    await interaction.respond(choices);
  };

  const onCommand = async (interaction: ChatInputCommandInteraction) => {
    const definition = byName.get(interaction.commandName);
    if (!definition) {
      await interaction.reply({
        content: refusal(`Taza has no command /${interaction.commandName} (any more). Send /help for the list.`).text,
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (!interaction.inGuild()) {
      await interaction.reply({
        content: refusal("Taza's commands work inside a server, not in direct messages.").text,
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const raw = new Map<string, RawOptionValue>();
    let channelId = interaction.channelId;
    for (const option of interaction.options.data) {
      if (option.type === ApplicationCommandOptionType.Attachment) {
        const value = attachmentValue(option, options.maxAttachmentBytes ?? 1024 * 1024);
        if (value) raw.set(option.name, value);
      } else if (option.type === ApplicationCommandOptionType.Channel) {
        const type = option.channel?.type;
        if (type !== undefined && !POSTABLE_CHANNELS.includes(type)) {
          await interaction.reply({
            content: refusal(
              `<#${String(option.value)}> is not a text, announcement or forum channel or a thread, so Taza cannot post there.`,
            ).text,
            flags: MessageFlags.Ephemeral,
          });
          return;
        }
        channelId = String(option.value);
      } else if (option.value !== undefined) {
        raw.set(option.name, option.value);
      }
    }
    const admin = adminCheck(definition, interaction, namesChannel(interaction));
    const privateReply = definition.access === 'admin';
    let deferred: Promise<unknown> | undefined;
    const defer = async () => {
      deferred ??= interaction.deferReply(privateReply ? { flags: MessageFlags.Ephemeral } : {});
      await deferred;
    };
    const timer = setTimeout(() => void defer().catch(() => undefined), options.autoDeferMs ?? 2000);
    timer.unref();
    let reply: Reply;
    try {
      reply = await runCommand({
        platform: 'discord',
        definition,
        raw,
        target: {
          scope: interaction.guildId,
          destination: { platform: 'discord', id: channelId },
          label: 'this server',
          destinationLabel: `<#${channelId}>`,
        },
        user: {
          id: interaction.user.id,
          name: interaction.user.globalName ?? interaction.user.username,
          // `mention:here` pings everyone online: both the member and the bot need Mention Everyone for it.
          mayMentionEveryone:
            (interaction.memberPermissions?.has(PermissionFlagsBits.MentionEveryone) ?? false) &&
            interaction.appPermissions.has(PermissionFlagsBits.MentionEveryone),
        },
        admin,
        services: options.services,
        commands: options.commands,
        defer,
        edit: async (text) => {
          await defer();
          const [first = ''] = splitText(text, MESSAGE_LIMIT);
          await interaction.editReply({ content: first, allowedMentions: { parse: [] } });
        },
      });
    } finally {
      clearTimeout(timer);
    }
    await sendReply(interaction, reply, deferred, privateReply);
  };

  const listener = (interaction: Interaction) => {
    const work = interaction.isAutocomplete()
      ? onAutocomplete(interaction)
      : interaction.isChatInputCommand()
        ? onCommand(interaction)
        : undefined;
    work?.catch((error: unknown) =>
      logger?.error(
        { platform: 'discord', err: error instanceof Error ? error.message : String(error) },
        'discord interaction could not be answered',
      ),
    );
  };
  client.on(Events.InteractionCreate, listener);
  return { stop: () => void client.off(Events.InteractionCreate, listener) };
}

/** Sends a reply: as the interaction's answer, or as the edit of a deferred one; errors always privately. */
async function sendReply(
  interaction: ChatInputCommandInteraction,
  reply: Reply,
  deferred: Promise<unknown> | undefined,
  privateReply: boolean,
): Promise<void> {
  const ephemeral = privateReply || !reply.ok || reply.private === true;
  const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
  const [first = '', ...rest] = splitText(reply.text, MESSAGE_LIMIT);
  const files = reply.file ? [new AttachmentBuilder(reply.file.content, { name: reply.file.name })] : [];
  const allowedMentions = { parse: [] };
  if (deferred) {
    await deferred;
    if (ephemeral && !privateReply) {
      // The deferred answer is public; an error must not be: replace it with a private follow-up.
      await interaction.deleteReply();
      await interaction.followUp({ content: first, files, flags: MessageFlags.Ephemeral, allowedMentions });
    } else {
      await interaction.editReply({ content: first, files, allowedMentions });
    }
  } else {
    await interaction.reply({ content: first, files, flags, allowedMentions });
  }
  for (const piece of rest) await interaction.followUp({ content: piece, flags, allowedMentions });
}
