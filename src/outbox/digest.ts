/** Collapses a burst of alerts for one destination into one alert that lists them, so a busy feed never floods a chat. */
import type { Alert } from '../core/alert.js';
import { shortHash } from '../core/hash.js';

export function buildDigest(alerts: Alert[]): Alert {
  const first = alerts[0]!;
  const lines = alerts.map((alert) => `• ${alert.item.title}${alert.item.link ? ` — ${alert.item.link}` : ''}`);
  const terms = [...new Set(alerts.flatMap((alert) => alert.matchedTerms))];
  const rtl = alerts.filter((alert) => alert.summary.dir === 'rtl').length > alerts.length / 2;
  return {
    ...first,
    id: shortHash('digest', ...alerts.map((alert) => alert.id)),
    item: { key: 'digest', title: `${alerts.length} new alerts`, link: undefined, published: first.item.published },
    summary: { text: lines.join('\n'), dir: rtl ? 'rtl' : 'ltr' },
    matchedTerms: terms,
  };
}
