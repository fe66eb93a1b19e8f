/** The suite's result rows and the one table they print as. */

export interface Row {
  /** Which measurement the row belongs to: steady, scale, matching, start-up, fetch. */
  section: string;
  measure: string;
  unit: string;
  taza?: number;
  peer?: number;
  /** Human-readable target, e.g. '≤ 1/10 of peer' or '< 30 s'. */
  target?: string;
  /** Undefined when the row has no target (or could not be measured). */
  pass?: boolean;
  note?: string;
}

/** Taza's figure over the peer's: below 1 means Taza uses less. */
export function ratio(row: Row): number | undefined {
  if (
    row.taza === undefined ||
    row.peer === undefined ||
    !Number.isFinite(row.taza) ||
    !Number.isFinite(row.peer) ||
    row.peer === 0
  )
    return undefined;
  return row.taza / row.peer;
}

export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

function formatRatio(value: number | undefined): string {
  if (value === undefined) return '—';
  if (value === 0) return '0';
  if (value < 1) return `1/${formatNumber(1 / value)}`;
  return `${formatNumber(value)}×`;
}

function verdict(row: Row): string {
  if (row.pass === undefined) return row.target ? 'n/a' : '';
  return row.pass ? 'pass' : 'FAIL';
}

/** A plain-text table (also valid Markdown). */
export function renderTable(rows: Row[]): string {
  const header = ['section', 'measure', 'Taza', 'peer', 'Taza/peer', 'target', 'result'];
  const body = rows.map((row) => [
    row.section,
    `${row.measure}${row.unit ? ` (${row.unit})` : ''}${row.note ? ` [${row.note}]` : ''}`,
    formatNumber(row.taza),
    formatNumber(row.peer),
    formatRatio(ratio(row)),
    row.target ?? '',
    verdict(row),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (column >= 2 && column <= 4 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column >= 2 && column <= 4 ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
