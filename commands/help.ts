/** `help [command]`: every command with an example (including Urdu keywords), or one command in detail. */
import { bold, code, defineCommand, esc, formatExample, usageLine, UserError } from '../src/chat/mod.js';

const KEYWORDS_HELP = [
  bold('Keywords'),
  `${code('bitcoin, crypto council')}: either one · ${code('"spot etf"')}: the exact phrase · ${code('bitcoin -etf')}: without etf`,
  `${code('title:bitcoin')}: in the title only · Urdu works as typed: ${code('بٹ کوائن, کرپٹو کونسل')} (also matches bitcoin, crypto council)`,
].join('\n');

export default defineCommand({
  name: 'help',
  description: 'Show every command with an example',
  access: 'everyone',
  options: [
    { name: 'command', type: 'string', maxLength: 32, description: 'A command to explain in detail, e.g. subscribe' },
  ],
  examples: [{}, { command: 'subscribe' }],
  async handler(ctx) {
    const wanted = ctx.options.string('command').replace(/^\//, '').toLowerCase();
    if (wanted) {
      const definition = ctx.commands.find((c) => c.name === wanted);
      if (!definition)
        throw new UserError(
          `There is no command ${code(wanted)}. Commands: ${ctx.commands.map((c) => code(c.name)).join(', ')}.`,
        );
      const lines = [
        `${bold(`/${definition.name}`)}: ${esc(definition.description)}`,
        `Usage: ${code(usageLine(ctx.platform, definition))}`,
      ];
      // In the text form, named-only options are written name:value after the rest.
      const named = (option: (typeof definition.options)[number]) =>
        ctx.platform === 'telegram' && option.namedOnly ? `${option.name}:…` : option.name;
      for (const option of definition.options)
        lines.push(`· ${code(named(option))}${option.required ? '' : ' (optional)'}: ${esc(option.description)}`);
      lines.push('Examples:', ...definition.examples.map((e) => code(formatExample(ctx.platform, definition, e))));
      if (definition.options.some((o) => o.autocomplete === 'feed')) {
        lines.push(`Presets: ${ctx.services.presets.map((p) => `${code(p.key)} ${esc(p.name)}`).join(', ')}`);
      }
      if (definition.access === 'admin')
        lines.push(
          ctx.platform === 'discord'
            ? 'Needs the Manage Server permission.'
            : 'Only chat administrators can use it in groups.',
        );
      return { ok: true, text: lines.join('\n') };
    }
    const lines = [bold('Taza: news alerts for your keywords')];
    for (const definition of ctx.commands) {
      const example = definition.examples[0] ?? {};
      lines.push(
        `${code(formatExample(ctx.platform, definition, example))}: ${esc(definition.description)}${definition.access === 'admin' ? ' (admins)' : ''}`,
      );
    }
    lines.push(
      '',
      KEYWORDS_HELP,
      '',
      `Feeds: a URL, a site (its feed is found), a preset such as ${code('bbc-urdu')} or ${code('coindesk')}, or ${code('news:crypto council lang:ur')} for a Google News search.`,
    );
    lines.push(`Send ${code('/help subscribe')} for details of one command.`);
    return { ok: true, text: lines.join('\n') };
  },
});
