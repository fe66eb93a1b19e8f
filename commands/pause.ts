/** `pause id:<id>`: stops posting for a subscription; items that arrive meanwhile are not posted later. */
import { code, defineCommand, ownSubscription, pauseSubscription, SUBSCRIPTION_ID_OPTION } from '../src/chat/mod.js';

export default defineCommand({
  name: 'pause',
  description: 'Stop posting for a subscription until /resume',
  access: 'admin',
  options: [SUBSCRIPTION_ID_OPTION],
  examples: [{ id: 'k3x9qa' }],
  async handler(ctx) {
    const subscription = ownSubscription(ctx.services, ctx.target, ctx.options.string('id'));
    await pauseSubscription(ctx.services, subscription, ctx.user.name);
    return { ok: true, text: `⏸ Paused ${code(subscription.id)}. Nothing is posted for it until /resume.` };
  },
});
