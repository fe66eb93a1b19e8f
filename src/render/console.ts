/**
 * An alert as plain text for a person at a terminal. No bidi marks here: terminals differ in whether they
 * apply the bidi algorithm at all, and an invisible control they do not support shows as a box. Control
 * characters in feed text were removed when it was cleaned, so a feed cannot send escape sequences.
 */
import type { Alert } from '../core/alert.js';
import { displayTitle, oneLine, readableTime, safeLink } from './common.js';

export function renderConsole(alert: Alert): string {
  const feedName = oneLine(alert.feed.title) || alert.feed.url;
  const time = readableTime(alert.item.published);
  const link = safeLink(alert.item.link);
  const terms = alert.matchedTerms.map(oneLine).filter(Boolean);
  const lines = [
    `▶ ${displayTitle(alert)}`,
    `  ${feedName}${time ? ` · ${time}` : ''}`,
    ...alert.summary.text
      .split('\n')
      .map(oneLine)
      .filter(Boolean)
      .map((line) => `  ${line}`),
    ...(link ? [`  ${link}`] : []),
    ...(terms.length > 0 ? [`  Matched: ${terms.join(', ')}`] : []),
  ];
  return lines.join('\n');
}
