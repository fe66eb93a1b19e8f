/**
 * The digest and quiet-hours options that subscribe and edit share. Named only in the text form
 * (`every:daily 09:00`), so the free-text keywords before them stay positional.
 */
import type { ScheduleInput } from '../core/delivery-schedule.js';
import type { OptionDefinition } from './definition.js';
import type { OptionValues } from './options.js';

export const SCHEDULE_OPTIONS: readonly OptionDefinition[] = [
  { name: 'delivery', type: 'string', namedOnly: true, maxLength: 16, description: 'instant (default) or digest' },
  {
    name: 'every',
    type: 'string',
    namedOnly: true,
    maxLength: 32,
    description: 'How often a digest is posted: 1h, 6h or daily 09:00 (sets delivery to digest)',
  },
  {
    name: 'timezone',
    type: 'string',
    namedOnly: true,
    maxLength: 64,
    description: 'Time zone of every and quiet, e.g. Asia/Karachi (default UTC)',
  },
  {
    name: 'quiet',
    type: 'string',
    namedOnly: true,
    maxLength: 32,
    description: 'Quiet hours, e.g. 22:00-07:00 (off to remove)',
  },
  {
    name: 'quietmode',
    type: 'string',
    namedOnly: true,
    maxLength: 16,
    description: 'hold (default: post them when quiet hours end) or silent (post without a notification)',
  },
];

/** The options as the schedule's fields (`timezone` → `timeZone`, `quietmode` → `quietMode`). */
export function scheduleInput(options: OptionValues): ScheduleInput {
  const value = (name: string) => (options.has(name) ? options.string(name) : undefined);
  return {
    delivery: value('delivery'),
    every: value('every'),
    timeZone: value('timezone'),
    quiet: value('quiet'),
    quietMode: value('quietmode'),
  };
}
