/** `edit id:<id> [keywords:<query>] [template: mention: silent: images: edits: thread: forum_tags:]`: changes a subscription. */
import {
  changeQuery,
  changeStyle,
  code,
  defineCommand,
  describeQuery,
  describeStyle,
  esc,
  MAX_QUERY_CHARS,
  ownSubscription,
  readStyleOptions,
  STYLE_OPTIONS,
  SUBSCRIPTION_ID_OPTION,
  UserError,
} from '../src/chat/mod.js';

export default defineCommand({
  name: 'edit',
  description: "Change a subscription's keywords or how its alerts look",
  access: 'admin',
  options: [
    SUBSCRIPTION_ID_OPTION,
    {
      name: 'keywords',
      type: 'string',
      multiword: true,
      maxLength: MAX_QUERY_CHARS,
      description: 'The new keywords, e.g. bitcoin, "spot etf", بٹ کوائن',
    },
    ...STYLE_OPTIONS,
  ],
  examples: [
    { id: 'k3x9qa', keywords: 'bitcoin, crypto council, کرپٹو کونسل' },
    { id: 'k3x9qa', template: '{title}\n{summary:300}\n{link}', mention: 'role:123456789012345678' },
    { id: 'k3x9qa', template: 'none', silent: 'no' },
  ],
  async handler(ctx) {
    let subscription = ownSubscription(ctx.services, ctx.target, ctx.options.string('id'));
    // The change is checked against where the alerts go, not where the command was sent.
    const change = readStyleOptions({ ...ctx, target: { ...ctx.target, destination: subscription.destination } });
    const keywords = ctx.options.string('keywords');
    if (keywords === '' && Object.keys(change).length === 0)
      throw new UserError(
        `Say what to change: ${code('keywords')}, ${code('template')}, ${code('mention')}, ${code('silent')}, …`,
      );
    const lines: string[] = [];
    if (keywords !== '') {
      const compiled = await changeQuery(ctx.services, subscription, keywords);
      lines.push(
        `✓ ${code(subscription.id)} now looks for: ${esc(describeQuery(compiled))}\n(was ${code(subscription.query)})`,
      );
      subscription = { ...subscription, query: keywords };
    }
    if (Object.keys(change).length > 0) {
      const changed = await changeStyle(ctx.services, subscription, change);
      lines.push(`✓ ${code(subscription.id)} alerts: ${describeStyle(changed) ?? "Taza's default layout"}`);
    }
    return { ok: true, text: lines.join('\n') };
  },
});
