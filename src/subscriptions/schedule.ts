/** Digests and quiet hours on a subscription: the typed settings validated, and the change saved. */
import { parseSchedule, type DeliverySchedule, type ScheduleInput } from '../core/delivery-schedule.js';
import type { Subscription } from '../core/records.js';
import { UserError } from '../replies/errors.js';
import { esc } from '../replies/markup.js';
import type { SubscriptionServices } from './services.js';

/** The schedule these settings give over `previous`; a UserError that says what is wrong otherwise. */
export function scheduleFrom(input: ScheduleInput, previous?: DeliverySchedule): DeliverySchedule | undefined {
  const parsed = parseSchedule(input, previous);
  if (!parsed.ok) throw new UserError(`${esc(parsed.error)}.`);
  return parsed.schedule;
}

/** Whether any of the settings was given (an edit that names none leaves the schedule alone). */
export function scheduleGiven(input: ScheduleInput): boolean {
  return Object.values(input).some((value) => value !== undefined && value.trim() !== '');
}

/** Replaces the subscription's schedule (undefined: every alert posted at once). */
export async function changeSchedule(
  services: SubscriptionServices,
  subscription: Subscription,
  schedule: DeliverySchedule | undefined,
): Promise<Subscription> {
  const { schedule: _previous, ...rest } = subscription;
  const changed: Subscription = schedule ? { ...rest, schedule } : rest;
  await services.subscriptions.save(changed);
  services.logger.info(
    {
      event: 'subscription.schedule-changed',
      subscriptionId: subscription.id,
      scope: subscription.scope,
      delivery: schedule?.delivery ?? 'instant',
    },
    'subscription delivery schedule changed by command',
  );
  return changed;
}
