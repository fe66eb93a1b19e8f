/**
 * `template [template:<text> | template:off]`: the default template of this server or chat, for every subscription
 * here that has no template of its own. Without an option, shows it.
 */
import { changeScopeTemplate, code, defineCommand, esc, readScopeTemplate, STYLE_OPTIONS } from '../src/chat/mod.js';

const BUILT_IN = "Taza's built-in layout";

export default defineCommand({
  name: 'template',
  description: 'Set the default template of every subscription here without its own; off = built-in layout',
  access: 'admin',
  options: [
    {
      ...STYLE_OPTIONS.find((option) => option.name === 'template')!,
      description: 'Message text: {title} {link} {summary:300} {terms} {feed} {published:Asia/Karachi}; off = built-in',
    },
  ],
  examples: [{ template: '{title}\n{summary:300}\n{link}' }, { template: 'off' }, {}],
  async handler(ctx) {
    const where = esc(ctx.target.label);
    if (!ctx.options.has('template')) {
      const current = await readScopeTemplate(ctx.services.pipeline.store, ctx.target.scope);
      return {
        ok: true,
        text: current
          ? `Default template of ${where}: ${code(current)}\nA subscription's own template wins.`
          : `No default template in ${where}: alerts use ${BUILT_IN} unless their subscription has a template.`,
      };
    }
    const template = await changeScopeTemplate(
      ctx.services,
      { scope: ctx.target.scope, platform: ctx.platform },
      ctx.options.string('template'),
    );
    return {
      ok: true,
      text: template
        ? `✓ Default template of ${where}: ${code(template)}\nSubscriptions with a template of their own keep it.`
        : `✓ No default template in ${where} now: alerts use ${BUILT_IN}.`,
    };
  },
});
