/** `unsubscribe id:<id>`: removes one of this server's/chat's subscriptions. */
import {
  code,
  defineCommand,
  feedName,
  ownSubscription,
  removeSubscription,
  SUBSCRIPTION_ID_OPTION,
} from '../src/chat/mod.js';

export default defineCommand({
  name: 'unsubscribe',
  description: 'Stop a subscription and delete it',
  access: 'admin',
  options: [SUBSCRIPTION_ID_OPTION],
  examples: [{ id: 'k3x9qa' }],
  async handler(ctx) {
    const subscription = ownSubscription(ctx.services, ctx.target, ctx.options.string('id'));
    const name = feedName(ctx.services.feeds.get(subscription.feedId));
    await removeSubscription(ctx.services, subscription);
    return { ok: true, text: `✓ Removed ${code(subscription.id)} (${name}, keywords ${code(subscription.query)}).` };
  },
});
