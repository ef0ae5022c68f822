/** Plain-text tables for terminal output: right-aligned numbers, long cells cut with an ellipsis. */
import { showControls } from './escape.ts';

export interface Column { header: string; align?: 'left' | 'right'; max?: number }

export function renderTable(columns: Column[], rows: string[][]): string {
  const cut = (text: string, max?: number) => (max && text.length > max ? `${text.slice(0, max - 1)}…` : text);
  // Cells hold log text: control characters are shown escaped (see escape.ts) before widths are taken.
  const cells = rows.map((row) => row.map((cell, i) => cut(showControls(cell.replace(/\s+/g, ' ')), columns[i]?.max)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row.map((cell, i) => (columns[i]?.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}
