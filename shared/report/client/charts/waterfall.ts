/**
 * A session as a waterfall: one row per record, its bar placed at its time since the session's
 * first record and as long as its duration; anomalous rows highlighted. Without timestamps the
 * bars follow the records' order.
 */
import type { ContextLog } from '../../../detect/types.ts';
import { el, svg } from '../dom.ts';
import { num, short } from '../format.ts';

/** Rows drawn at most; the rest is counted under the chart. */
export const MAX_WATERFALL_ROWS = 200;

/** How a bar is coloured: the anomalous record, a WARN/ERROR/FATAL one, or any other. */
export type RowTone = 'anomalous' | 'trouble' | 'normal';

export const ROW_COLORS: Readonly<Record<RowTone, string>> = { anomalous: '#dc2626', trouble: '#f59e0b', normal: '#64748b' };

export interface WaterfallRow {
  log: ContextLog;
  tone: RowTone;
  /** Top of the row's text line, SVG user units. */
  y: number;
  barX: number;
  barWidth: number;
}

export interface WaterfallLayout {
  width: number;
  height: number;
  /** Where the plot starts; the record's line, level, service and message are left of it. */
  labelWidth: number;
  plotWidth: number;
  rowHeight: number;
  /** True when at least one record has a timestamp: bars are placed by time. */
  timed: boolean;
  /** Milliseconds from the first record's start to the last record's end (at least 1). */
  spanMs: number;
  rows: WaterfallRow[];
}

/** Where every row's bar goes; at most {@link MAX_WATERFALL_ROWS} rows. */
export function layoutWaterfall(logs: readonly ContextLog[]): WaterfallLayout {
  const timedLogs = logs.filter((l) => typeof l.timestamp === 'number');
  const timed = timedLogs.length > 0;
  const t0 = timed ? Math.min(...timedLogs.map((l) => l.timestamp!)) : 0;
  const t1 = timed ? Math.max(...timedLogs.map((l) => l.timestamp! + (l.durationMs ?? 0))) : 0;
  const spanMs = Math.max(t1 - t0, 1);
  const rowHeight = 20;
  const labelWidth = 460;
  const width = 1060;
  const plotWidth = width - labelWidth - 80;
  const shown = logs.slice(0, MAX_WATERFALL_ROWS);
  const plotEnd = labelWidth + plotWidth;
  const rows = shown.map((log, i): WaterfallRow => {
    const x = timed && typeof log.timestamp === 'number' ? labelWidth + ((log.timestamp - t0) / spanMs) * plotWidth : labelWidth + (i / shown.length) * plotWidth;
    const w = Math.max(3, timed ? ((log.durationMs ?? 0) / spanMs) * plotWidth : plotWidth / shown.length);
    // Bars never run past the plot: one that starts at its very end still shows 3 units.
    const barX = Math.min(x, plotEnd - 3);
    return { log, tone: toneOf(log), y: 18 + i * rowHeight, barX, barWidth: Math.min(w, plotEnd - barX) };
  });
  return { width, height: shown.length * rowHeight + 24, labelWidth, plotWidth, rowHeight, timed, spanMs, rows };
}

function toneOf(log: ContextLog): RowTone {
  if (log.anomalous) return 'anomalous';
  return log.level === 'ERROR' || log.level === 'FATAL' || log.level === 'WARN' ? 'trouble' : 'normal';
}

/** The chart (scrolling sideways in its box), or a note when no records were stored. */
export function waterfall(logs: readonly ContextLog[] | undefined): HTMLElement {
  if (!logs || logs.length === 0) return el('p', { class: 'muted', text: 'No records stored for this context.' });
  const layout = layoutWaterfall(logs);
  const { width: W, labelWidth: L, plotWidth: P, rowHeight: R } = layout;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${layout.height}`, class: 'chart waterfall', 'data-testid': 'waterfall', role: 'img' },
    svg('text', { x: L, y: 12, class: 'axis', text: layout.timed ? '0 ms' : 'record order' }),
    layout.timed ? svg('text', { x: L + P, y: 12, class: 'axis', 'text-anchor': 'end', text: `+${num(layout.spanMs)} ms` }) : null);
  for (const row of layout.rows) {
    const { log, y } = row;
    const bad = row.tone === 'anomalous';
    const g = svg('g', { class: bad ? 'row anomalous' : 'row', 'data-line': log.line },
      bad ? svg('rect', { x: 0, y: y - 2, width: W, height: R, class: 'hl' }) : null,
      svg('text', { x: 4, y: y + 12, class: 'label mono', text: `${bad ? '▶ ' : '  '}${String(log.line).padStart(6)} ${(log.level ?? '').padEnd(5)} ${short(log.service, 14)}` }),
      svg('text', { x: 200, y: y + 12, class: 'label', text: short(log.message, 34) }, svg('title', { text: log.message })),
      svg('rect', { x: row.barX, y: y + 2, width: row.barWidth, height: R - 6, rx: 2, fill: ROW_COLORS[row.tone] }),
      log.durationMs !== undefined ? svg('text', { x: Math.min(row.barX + row.barWidth + 4, W - 70), y: y + 12, class: 'label', text: `${num(log.durationMs)} ms` }) : null);
    chart.appendChild(g);
  }
  const box = el('div', { class: 'scroll' }, chart);
  return logs.length > layout.rows.length ? el('div', {}, box, el('p', { class: 'muted', text: `first ${layout.rows.length} of ${logs.length} records` })) : box;
}
