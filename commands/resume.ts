/**
 * `resume id:<id> [missed:yes]`: starts a paused subscription again. What arrived while paused is not posted,
 * unless `missed` asks for the matching items published during the pause that are still in the feed.
 */
import {
  code,
  defineCommand,
  ownSubscription,
  plural,
  resumeSubscription,
  SUBSCRIPTION_ID_OPTION,
} from '../src/chat/mod.js';

export default defineCommand({
  name: 'resume',
  description: 'Start a paused subscription again',
  access: 'admin',
  options: [
    SUBSCRIPTION_ID_OPTION,
    {
      name: 'missed',
      type: 'boolean',
      description: 'Also post matching items published while it was paused (default: no)',
    },
  ],
  examples: [{ id: 'k3x9qa' }, { id: 'k3x9qa', missed: 'yes' }],
  async handler(ctx) {
    const subscription = ownSubscription(ctx.services, ctx.target, ctx.options.string('id'));
    const { missed } = await resumeSubscription(ctx.services, subscription, {
      missed: ctx.options.boolean('missed'),
      beforeSlowWork: ctx.defer,
    });
    const note =
      missed === undefined
        ? 'Items that arrived while it was paused are not posted (add missed:yes to get them).'
        : missed === 0
          ? 'No matching items were published while it was paused.'
          : `Posting ${plural(missed, 'matching item')} published while it was paused.`;
    return { ok: true, text: `▶ Resumed ${code(subscription.id)}. ${note}` };
  },
});
