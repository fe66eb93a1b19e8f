/**
 * `import file:<OPML>`: adds each feed of an OPML file, validated like subscribe, and reports what was refused. An
 * import is bounded (file size, number of feeds), fetches at the pace the poller keeps with each host, and answers
 * in one message: edited as it goes on, then replaced by a summary short enough for one message.
 */
import {
  addSubscription,
  applyStyle,
  code,
  defineCommand,
  esc,
  feedLine,
  plural,
  readOpml,
  readStyle,
  scheduleFrom,
  throughHostLimiter,
  UserError,
} from '../src/chat/mod.js';

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FEEDS = 500;
/** The summary fits in one Discord message (2,000 characters) with room to spare. */
const REPORT_CHARS = 1800;

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** As many lines as fit in `budget` characters, then how many more there were. */
function within(lines: readonly string[], budget: number): string[] {
  const shown: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    if (used + line.length + 1 > budget) {
      shown.push(esc(`… and ${count(lines.length - i)} more`));
      break;
    }
    shown.push(line);
    used += line.length + 1;
  }
  return shown;
}

export default defineCommand({
  name: 'import',
  description: 'Add the subscriptions of an OPML file (e.g. from /export)',
  access: 'admin',
  options: [
    { name: 'file', type: 'attachment', required: true, description: 'The OPML file' },
    { name: 'channel', type: 'channel', description: 'Where to post the alerts (default: this channel)' },
  ],
  examples: [{ file: 'taza.opml' }],
  async handler(ctx) {
    const file = ctx.options.attachment('file')!;
    const tooLarge = `Taza imports OPML files of at most ${MAX_FILE_BYTES / 1024 / 1024} MB.`;
    if (file.size !== undefined && file.size > MAX_FILE_BYTES)
      throw new UserError(`${code(file.name)} is ${count(Math.ceil(file.size / 1024))} KB; ${tooLarge}`);
    await ctx.defer();
    const content = await file.read();
    if (content.length > MAX_FILE_BYTES) throw new UserError(`${code(file.name)} is too large; ${tooLarge}`);
    const opml = readOpml(content.toString('utf8'));
    if (!opml.ok) throw new UserError(`${code(file.name)} cannot be imported: ${esc(opml.error)}.`);
    if (opml.entries.length === 0)
      throw new UserError(`${code(file.name)} lists no feeds (no <outline> with an xmlUrl).`);
    if (opml.entries.length > MAX_FEEDS)
      throw new UserError(
        `${code(file.name)} has ${count(opml.entries.length)} feeds; Taza imports at most ${MAX_FEEDS} at a time. ` +
          'Split the file and import the parts one after another.',
      );
    // Hundreds of feeds may be on one host: fetched through the poller's host limiter, at its pace for that host.
    const services = throughHostLimiter(ctx.services);
    const total = opml.entries.length;
    const added: string[] = [];
    const refused: string[] = [];
    for (const entry of opml.entries) {
      await ctx.progress(
        `⏳ Importing ${code(file.name)}: ${count(added.length + refused.length)} of ${plural(total, 'feed')} checked ` +
          `(${count(added.length)} added, ${count(refused.length)} refused)…`,
      );
      try {
        const schedule = entry.schedule ? scheduleFrom(entry.schedule) : undefined;
        // Checked like subscribe's options, for where these alerts will go; mention:here needs the permission now.
        const style = applyStyle(
          {},
          readStyle(entry.style ?? {}, {
            platform: ctx.target.destination.platform,
            mayMentionEveryone: ctx.user.mayMentionEveryone,
          }),
        );
        const result = await addSubscription(services, {
          feed: entry.url,
          query: entry.keywords,
          target: ctx.target,
          createdBy: ctx.user.id,
          paused: entry.paused,
          ...(schedule ? { schedule } : {}),
          style,
        });
        added.push(
          `✓ ${code(result.subscription.id)} ${feedLine(result.feed)} · keywords ${code(entry.keywords)}${entry.paused ? ' · paused' : ''}`,
        );
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        refused.push(`✗ ${code(entry.url)}: ${error.message}`);
      }
    }
    const lines = [
      `Imported ${added.length} of ${plural(total, 'feed')} into ${ctx.target.label}, posting to ${ctx.target.destinationLabel}.`,
    ];
    if (opml.skipped)
      lines.push(
        esc(`${plural(opml.skipped, 'outline')} without a feed URL ${opml.skipped === 1 ? 'was' : 'were'} skipped.`),
      );
    // One message, whatever the size of the import: the added first (send /list for all of them), then the refused.
    const room = REPORT_CHARS - lines.join('\n').length;
    const addedRoom = refused.length ? Math.floor(room / 2) : room;
    if (added.length) lines.push('', 'Added:', ...within(added, addedRoom - 10));
    if (refused.length) {
      const left = REPORT_CHARS - lines.join('\n').length;
      lines.push('', `Refused (${count(refused.length)}):`, ...within(refused, left - 30));
    }
    return { ok: added.length > 0 || refused.length === 0, text: lines.join('\n') };
  },
});
