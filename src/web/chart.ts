/**
 * Alerts sent per hour over the last 7 days as an SVG bar chart, drawn on the server (no script, no library): one
 * bar per hour, a label per day, the scale on the left, and a text summary for screen readers.
 */
import { escapeText } from './html.js';

const HOUR = 3_600_000;
export const CHART_HOURS = 7 * 24;

/** Counts per hour, oldest first; the last bucket is the hour `now` is in. */
export function hourlyCounts(times: readonly string[], now: Date): number[] {
  const counts = new Array<number>(CHART_HOURS).fill(0);
  const end = Math.floor(now.getTime() / HOUR) + 1;
  for (const iso of times) {
    const hour = Math.floor(Date.parse(iso) / HOUR);
    const index = CHART_HOURS - (end - hour);
    if (index >= 0 && index < CHART_HOURS) counts[index]!++;
  }
  return counts;
}

function niceMax(max: number): number {
  if (max <= 4) return 4;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

export function alertsChart(counts: readonly number[], now: Date): string {
  const width = 880;
  const height = 220;
  const left = 44;
  const bottom = 30;
  const top = 12;
  const plotWidth = width - left - 8;
  const plotHeight = height - top - bottom;
  const barWidth = plotWidth / counts.length;
  const max = niceMax(Math.max(0, ...counts));
  const total = counts.reduce((a, b) => a + b, 0);
  const firstHour = (Math.floor(now.getTime() / HOUR) + 1 - counts.length) * HOUR;
  const parts: string[] = [];
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotHeight - fraction * plotHeight;
    parts.push(
      `<line x1="${left}" x2="${width - 8}" y1="${y}" y2="${y}" stroke="#d0d5dc"/>`,
      `<text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="12" fill="#1b1f24">${Math.round(max * fraction)}</text>`,
    );
  }
  counts.forEach((count, i) => {
    const start = new Date(firstHour + i * HOUR);
    // The first, partial day is labelled only when its label cannot run into the next day's.
    if (start.getUTCHours() === 0 || (i === 0 && start.getUTCHours() <= 12)) {
      const x = left + i * barWidth;
      parts.push(
        `<line x1="${x}" x2="${x}" y1="${top}" y2="${top + plotHeight}" stroke="#e3e6ea"/>`,
        `<text x="${x + 2}" y="${height - 10}" font-size="12" fill="#1b1f24">${start.toISOString().slice(5, 10)}</text>`,
      );
    }
    if (count === 0) return;
    const barHeight = (count / max) * plotHeight;
    const label = `${start.toISOString().slice(0, 13).replace('T', ' ')}:00 UTC: ${count} alert${count === 1 ? '' : 's'}`;
    parts.push(
      `<rect x="${(left + i * barWidth + 0.5).toFixed(1)}" y="${(top + plotHeight - barHeight).toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="#14613a"><title>${escapeText(label)}</title></rect>`,
    );
  });
  const peak = Math.max(0, ...counts);
  const description = `${total} alert${total === 1 ? '' : 's'} sent in the last 7 days; at most ${peak} in one hour.`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="chart-title chart-desc">
<title id="chart-title">Alerts sent per hour, last 7 days (UTC)</title><desc id="chart-desc">${escapeText(description)}</desc>
<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}" stroke="#4a5361"/>
${parts.join('\n')}
</svg>`;
}
