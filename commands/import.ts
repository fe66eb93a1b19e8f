/** `import file:<OPML>`: adds each feed of an OPML file, validated like subscribe, and reports what was refused. */
import { addSubscription, code, defineCommand, esc, feedLine, plural, readOpml, UserError } from '../src/chat/mod.js';

const MAX_FILE_BYTES = 512 * 1024;

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
    if (file.size !== undefined && file.size > MAX_FILE_BYTES)
      throw new UserError(
        `${code(file.name)} is ${Math.ceil(file.size / 1024)} KB; an OPML file of at most ${MAX_FILE_BYTES / 1024} KB is accepted.`,
      );
    await ctx.defer();
    const content = await file.read();
    if (content.length > MAX_FILE_BYTES)
      throw new UserError(`${code(file.name)} is larger than ${MAX_FILE_BYTES / 1024} KB.`);
    const opml = readOpml(content.toString('utf8'));
    if (!opml.ok) throw new UserError(`${code(file.name)} cannot be imported: ${esc(opml.error)}.`);
    if (opml.entries.length === 0)
      throw new UserError(`${code(file.name)} lists no feeds (no <outline> with an xmlUrl).`);
    const added: string[] = [];
    const refused: string[] = [];
    for (const entry of opml.entries) {
      try {
        const result = await addSubscription(ctx.services, {
          feed: entry.url,
          query: entry.keywords,
          target: ctx.target,
          createdBy: ctx.user.id,
          paused: entry.paused,
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
      `Imported ${added.length} of ${plural(opml.entries.length, 'feed')} into ${ctx.target.label}, posting to ${ctx.target.destinationLabel}.`,
    ];
    if (added.length) lines.push('', 'Added:', ...added);
    if (refused.length) lines.push('', 'Refused:', ...refused);
    if (opml.skipped)
      lines.push(
        '',
        esc(`${plural(opml.skipped, 'outline')} without a feed URL ${opml.skipped === 1 ? 'was' : 'were'} skipped.`),
      );
    return { ok: added.length > 0 || refused.length === 0, text: lines.join('\n') };
  },
});
