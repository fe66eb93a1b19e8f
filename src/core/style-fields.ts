/**
 * The presentation options' field names in one fixed order: a subscription, an alert, a file entry and an OPML
 * outline all carry these, under these names.
 */
import type { AlertStyle } from './records.js';

export const STYLE_FIELDS = [
  'template',
  'mention',
  'silent',
  'images',
  'edits',
  'thread',
  'forumTags',
] as const satisfies readonly (keyof AlertStyle)[];

/** The style fields alone, in STYLE_FIELDS order (so two styles compare as JSON); absent fields stay absent. */
export function styleOf(record: AlertStyle): AlertStyle {
  const style: AlertStyle = {};
  for (const field of STYLE_FIELDS) if (record[field] !== undefined) Object.assign(style, { [field]: record[field] });
  return style;
}

/** The record without any style field. */
export function withoutStyle<T extends AlertStyle>(record: T): T {
  const rest = { ...record };
  for (const field of STYLE_FIELDS) delete rest[field];
  return rest;
}
