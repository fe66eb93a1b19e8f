/**
 * `resume id:<id> [missed:yes]`: starts a paused subscription again. What arrived while paused is not posted,
 * unless `missed` asks for the matching items published during the pause that are still in the feed.
 */
import { code, defineCommand, enqueueMissed, loadFeed, ownSubscription, UserError } from '../src/chat/mod.js';

export default defineCommand({
  name: 'resume',
  description: 'Start a paused subscription again',
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
    {
      name: 'missed',
      type: 'boolean',
      description: 'Also post matching items published while it was paused (default: no)',
    },
  ],
  examples: [{ id: 'k3x9qa' }, { id: 'k3x9qa', missed: 'yes' }],
  async handler(ctx) {
    const { services } = ctx;
    const subscription = ownSubscription(services, ctx.target, ctx.options.string('id'));
    if (!subscription.paused) throw new UserError(`${code(subscription.id)} is not paused.`);
    await ctx.defer();
    const feed = services.feeds.get(subscription.feedId);
    // Read before anything changes, so a feed that cannot be fetched leaves the subscription paused.
    const loaded = ctx.options.boolean('missed') && feed ? await loadFeed(services, feed.url) : undefined;
    // Checked while still paused: whatever arrived during the pause is recorded as seen and not posted.
    await services.checkNow(subscription.feedId);
    const current = services.subscriptions.get(subscription.id) ?? subscription;
    const { paused: _paused, ...active } = current;
    await services.subscriptions.save(active);
    services.logger.info(
      {
        event: 'subscription.resumed',
        subscriptionId: subscription.id,
        scope: subscription.scope,
        missed: loaded !== undefined,
      },
      'subscription resumed by command',
    );
    let note = 'Items that arrived while it was paused are not posted (add missed:yes to get them).';
    if (loaded && feed) {
      const count = await enqueueMissed(services, active, feed, loaded, new Date(subscription.paused.at));
      note =
        count === 0
          ? 'No matching items were published while it was paused.'
          : `Posting ${count} matching item${count === 1 ? '' : 's'} published while it was paused.`;
    }
    return { ok: true, text: `▶ Resumed ${code(subscription.id)}. ${note}` };
  },
});
