/** `edit id:<id> [keywords:<query>] [delivery every timezone quiet quietmode]`: changes a subscription's keywords or delivery. */
import {
  changeQuery,
  changeSchedule,
  code,
  defineCommand,
  describeQuery,
  describeSchedule,
  esc,
  MAX_QUERY_CHARS,
  ownSubscription,
  SCHEDULE_OPTIONS,
  scheduleFrom,
  scheduleGiven,
  scheduleInput,
  SUBSCRIPTION_ID_OPTION,
  UserError,
} from '../src/chat/mod.js';

export default defineCommand({
  name: 'edit',
  description: "Change a subscription's keywords, digest or quiet hours",
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
    ...SCHEDULE_OPTIONS,
  ],
  examples: [
    { id: 'k3x9qa', keywords: 'bitcoin, crypto council, کرپٹو کونسل' },
    { id: 'k3x9qa', every: '6h', timezone: 'Asia/Karachi' },
    { id: 'k3x9qa', quiet: '22:00-07:00', quietmode: 'silent' },
  ],
  async handler(ctx) {
    const subscription = ownSubscription(ctx.services, ctx.target, ctx.options.string('id'));
    const input = scheduleInput(ctx.options);
    const keywords = ctx.options.string('keywords');
    if (keywords === '' && !scheduleGiven(input))
      throw new UserError(
        `Say what to change: ${code('keywords')}, or ${SCHEDULE_OPTIONS.map((o) => code(o.name)).join(', ')}.`,
      );
    // Everything is checked before anything is saved: a bad zone does not leave new keywords behind.
    const schedule = scheduleGiven(input) ? scheduleFrom(input, subscription.schedule) : subscription.schedule;
    const lines: string[] = [];
    let current = subscription;
    if (keywords !== '') {
      const compiled = await changeQuery(ctx.services, subscription, keywords);
      current = ctx.services.subscriptions.get(subscription.id) ?? { ...subscription, query: keywords };
      lines.push(
        `✓ ${code(subscription.id)} now looks for: ${esc(describeQuery(compiled))}\n(was ${code(subscription.query)})`,
      );
    }
    if (scheduleGiven(input)) {
      await changeSchedule(ctx.services, current, schedule);
      lines.push(
        `✓ ${code(subscription.id)} delivery: ${esc(describeSchedule(schedule))}\n(was ${esc(describeSchedule(subscription.schedule))})`,
      );
    }
    return { ok: true, text: lines.join('\n') };
  },
});
