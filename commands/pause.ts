/** `pause id:<id>`: stops posting for a subscription; items that arrive meanwhile are not posted later. */
import { code, defineCommand, ownSubscription, UserError } from '../src/chat/mod.js';

export default defineCommand({
  name: 'pause',
  description: 'Stop posting for a subscription until /resume',
  access: 'admin',
  options: [
    {
      name: 'id',
      type: 'string',
      required: true,
      autocomplete: 'subscription',
      maxLength: 32,
      description: 'The subscription id shown by /list',
    },
  ],
  examples: [{ id: 'k3x9qa' }],
  async handler(ctx) {
    const subscription = ownSubscription(ctx.services, ctx.target, ctx.options.string('id'));
    if (subscription.paused)
      throw new UserError(`${code(subscription.id)} is already paused. Use /resume to start it again.`);
    const at = ctx.services.now().toISOString();
    const who = ctx.user.name ? `paused by ${ctx.user.name}` : 'paused by an admin';
    await ctx.services.subscriptions.save({ ...subscription, paused: { reason: who, at, by: 'user' } });
    ctx.services.logger.info(
      { event: 'subscription.paused', subscriptionId: subscription.id, scope: subscription.scope },
      'subscription paused by command',
    );
    return { ok: true, text: `⏸ Paused ${code(subscription.id)}. Nothing is posted for it until /resume.` };
  },
});
