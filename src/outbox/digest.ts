/** Collapses a burst of alerts for one destination into one alert that the renderers show as a list. */
import type { Alert } from '../core/alert.js';
import { shortHash } from '../core/hash.js';

export function buildDigest(alerts: Alert[]): Alert {
  const first = alerts[0]!;
  return {
    ...first,
    id: shortHash('digest', ...alerts.map((alert) => alert.id)),
    item: { key: 'digest', title: `${alerts.length} new alerts`, published: first.item.published },
    matchedTerms: [...new Set(alerts.flatMap((alert) => alert.matchedTerms))],
    digest: alerts,
  };
}
