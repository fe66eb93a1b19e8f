/**
 * Option values as the adapters deliver them, checked once against the definition (required, unknown, type,
 * length) so every handler can trust what it reads.
 */
import { UserError } from '../replies/errors.js';
import { code } from '../replies/markup.js';
import type { AttachmentValue, CommandDefinition, OptionDefinition } from './definition.js';

export type RawOptionValue = string | number | boolean | AttachmentValue;

/** A string longer than this is refused even when the option sets no maxLength. */
const DEFAULT_MAX_LENGTH = 1000;

export class OptionValues {
  constructor(private readonly values: ReadonlyMap<string, RawOptionValue>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** A string option; '' when absent. */
  string(name: string): string {
    const value = this.values.get(name);
    return typeof value === 'string' ? value : value === undefined ? '' : String(value);
  }

  boolean(name: string): boolean {
    return this.values.get(name) === true;
  }

  attachment(name: string): AttachmentValue | undefined {
    const value = this.values.get(name);
    return typeof value === 'object' ? value : undefined;
  }
}

const TRUE = new Set(['true', 'yes', 'on', '1', 'y']);
const FALSE = new Set(['false', 'no', 'off', '0', 'n']);

function convert(option: OptionDefinition, value: RawOptionValue): RawOptionValue {
  const label = code(option.name);
  switch (option.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value).trim().toLowerCase();
      if (TRUE.has(text) || text === option.name) return true;
      if (FALSE.has(text)) return false;
      throw new UserError(`${label} must be yes or no, not ${code(String(value))}.`);
    }
    case 'attachment':
      if (typeof value !== 'object') throw new UserError(`${label} must be an attached file.`);
      return value;
    default: {
      const text = String(value).trim();
      const max = option.maxLength ?? DEFAULT_MAX_LENGTH;
      const length = [...text].length;
      if (length > max) throw new UserError(`${label} is too long: ${length} characters (the limit is ${max}).`);
      return text;
    }
  }
}

/** Checks raw values against the definition; throws UserError with a specific message for the first problem. */
export function validateOptions(definition: CommandDefinition, raw: ReadonlyMap<string, RawOptionValue>): OptionValues {
  const values = new Map<string, RawOptionValue>();
  for (const name of raw.keys()) {
    if (!definition.options.some((o) => o.name === name)) {
      const known = definition.options.map((o) => code(o.name)).join(', ') || 'none';
      throw new UserError(`/${definition.name} has no option ${code(name)} (its options: ${known}).`);
    }
  }
  for (const option of definition.options) {
    const value = raw.get(option.name);
    const empty = value === undefined || (typeof value === 'string' && value.trim() === '');
    if (empty) {
      if (option.required)
        throw new UserError(`/${definition.name} needs ${code(option.name)}: ${option.description}.`);
      continue;
    }
    values.set(option.name, convert(option, value));
  }
  return new OptionValues(values);
}
