/** `edit id:<id> keywords:<query>`: changes a subscription's keywords. */
import {
  changeQuery,
  code,
  defineCommand,
  describeQuery,
  esc,
  MAX_QUERY_CHARS,
  ownSubscription,
  SUBSCRIPTION_ID_OPTION,
} from '../src/chat/mod.js';

export default defineCommand({
  name: 'edit',
  description: "Change a subscription's keywords",
  access: 'admin',
  options: [
    SUBSCRIPTION_ID_OPTION,
    {
      name: 'keywords',
      type: 'string',
      multiword: true,
      required: true,
      maxLength: MAX_QUERY_CHARS,
      description: 'The new keywords, e.g. bitcoin, "spot etf", بٹ کوائن',
    },
  ],
  examples: [{ id: 'k3x9qa', keywords: 'bitcoin, crypto council, کرپٹو کونسل' }],
  async handler(ctx) {
    const subscription = ownSubscription(ctx.services, ctx.target, ctx.options.string('id'));
    const compiled = await changeQuery(ctx.services, subscription, ctx.options.string('keywords'));
    return {
      ok: true,
      text: `✓ ${code(subscription.id)} now looks for: ${esc(describeQuery(compiled))}\n(was ${code(subscription.query)})`,
    };
  },
});
