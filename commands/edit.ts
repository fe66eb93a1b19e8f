/**
 * `edit id:<id> [keywords:<query>] [delivery every timezone quiet quietmode] [template: mention: silent: images: edits:
 * thread: forum_tags:]`: changes a subscription's keywords, delivery or how its alerts look.
 */
import {
  changeQuery,
  changeSchedule,
  changeStyle,
  code,
  defineCommand,
  describeQuery,
  describeSchedule,
  describeStyle,
  esc,
  MAX_QUERY_CHARS,
  type OptionDefinition,
  ownSubscription,
  readStyleOptions,
  SCHEDULE_OPTIONS,
  scheduleFrom,
  scheduleGiven,
  scheduleInput,
  STYLE_OPTIONS,
  SUBSCRIPTION_ID_OPTION,
  UserError,
} from '../src/chat/mod.js';

const names = (options: readonly OptionDefinition[]) => options.map((o) => code(o.name)).join(', ');

export default defineCommand({
  name: 'edit',
  description: "Change a subscription's keywords, digest, quiet hours or how its alerts look",
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
    ...STYLE_OPTIONS,
  ],
  examples: [
    { id: 'k3x9qa', keywords: 'bitcoin, crypto council, کرپٹو کونسل' },
    { id: 'k3x9qa', every: '6h', timezone: 'Asia/Karachi' },
    { id: 'k3x9qa', quiet: '22:00-07:00', quietmode: 'silent' },
    { id: 'k3x9qa', template: '{title}\n{summary:300}\n{link}', mention: 'role:123456789012345678' },
    { id: 'k3x9qa', template: 'none', silent: 'no' },
  ],
  async handler(ctx) {
    const subscription = ownSubscription(ctx.services, ctx.target, ctx.options.string('id'));
    const input = scheduleInput(ctx.options);
    // The style is checked against where the alerts go, not where the command was sent.
    const change = readStyleOptions({ ...ctx, target: { ...ctx.target, destination: subscription.destination } });
    const keywords = ctx.options.string('keywords');
    const restyled = Object.keys(change).length > 0;
    if (keywords === '' && !scheduleGiven(input) && !restyled)
      throw new UserError(
        `Say what to change: ${code('keywords')}, the delivery (${names(SCHEDULE_OPTIONS)}) or how alerts look (${names(STYLE_OPTIONS)}).`,
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
      current = await changeSchedule(ctx.services, current, schedule);
      lines.push(
        `✓ ${code(subscription.id)} delivery: ${esc(describeSchedule(schedule))}\n(was ${esc(describeSchedule(subscription.schedule))})`,
      );
    }
    if (restyled) {
      const changed = await changeStyle(ctx.services, current, change);
      lines.push(`✓ ${code(subscription.id)} alerts: ${describeStyle(changed) ?? "Taza's default layout"}`);
    }
    return { ok: true, text: lines.join('\n') };
  },
});
