/** The name of a Discord forum post or thread started from an alert: the item's title, on one line, within 100. */
import type { Alert } from '../core/alert.js';
import { displayTitle, fitWords } from './common.js';

/** Discord's limit on a channel (thread) name. */
const THREAD_NAME_MAX = 100;

/**
 * Plain text: Discord shows names verbatim (no markdown, no mentions), and a name is one line, so no direction
 * layout either beyond what the client does with the first strong character.
 */
export function threadName(alert: Alert): string {
  return fitWords(displayTitle(alert), THREAD_NAME_MAX, { prepare: (raw) => raw, measure: (text) => text.length });
}
