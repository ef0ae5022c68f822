/** The report client's chart geometry and formatting: pure functions, checked without a browser. */
import { describe, expect, it } from 'vitest';
import type { ContextLog } from '../../../../shared/detect/types.ts';
import type { TemplateCount } from '../../../../shared/pipeline/detector.ts';
import { layoutTemplates } from '../../../../shared/report/client/charts/templates.ts';
import { layoutTimeline } from '../../../../shared/report/client/charts/timeline.ts';
import { layoutWaterfall, MAX_WATERFALL_ROWS } from '../../../../shared/report/client/charts/waterfall.ts';
import { num, short, time } from '../../../../shared/report/client/format.ts';

const T0 = Date.UTC(2026, 10, 20);

describe('the timeline layout', () => {
  it('stacks each bucket\'s types upwards and scales bars to the largest bucket', () => {
    const layout = layoutTimeline({ from: T0, bucketMs: 60_000, buckets: [{ DURATION_SPIKE: 2, NEW_TEMPLATE: 2 }, {}, { ERROR_BURST: 1 }] }, 328, 114);

    // 300 units for 3 buckets after the 28-unit margin; 100 units for the tallest bar (4 anomalies).
    expect(layout.max).toBe(4);
    expect(layout.segments).toEqual([
      { x: 29, y: 64, width: 98, height: 50, type: 'DURATION_SPIKE', count: 2, from: T0 },
      { x: 29, y: 14, width: 98, height: 50, type: 'NEW_TEMPLATE', count: 2, from: T0 },
      { x: 229, y: 89, width: 98, height: 25, type: 'ERROR_BURST', count: 1, from: T0 + 120_000 },
    ]);
    expect([layout.start, layout.end]).toEqual([T0, T0 + 180_000]);
  });

  it('keeps bars at least one unit wide when there are more buckets than units', () => {
    const layout = layoutTimeline({ from: T0, bucketMs: 1000, buckets: Array.from({ length: 500 }, () => ({ SESSION_OUTLIER: 1 })) }, 128, 114);

    expect(layout.segments.every((s) => s.width === 1)).toBe(true);
  });
});

describe('the template frequency layout', () => {
  const template = (templateId: string, count: number, isNew = false): TemplateCount => ({ templateId, template: `t ${templateId}`, count, problems: 0, isNew });

  it('draws counts on a log scale, the largest across the whole plot, and every bar at least 2 units', () => {
    const layout = layoutTemplates([template('a', 99), template('b', 9), template('c', 0)], new Set(), 1490);

    // The plot is 1490 − 430 (labels) − 60 (count) = 1000 units; log1p(9) / log1p(99) = ln 10 / ln 100 = 0.5.
    expect(layout.bars[0]!.length).toBe(1000);
    expect(layout.bars[1]!.length).toBeCloseTo(500, 9);
    expect(layout.bars[2]!.length).toBe(2);
    expect(layout.bars.map((b) => b.y)).toEqual([2, 20, 38]);
    expect(layout.height).toBe(58);
  });

  it('colours a template with an anomaly before a new one, and a new one before a known one', () => {
    const layout = layoutTemplates([template('a', 5, true), template('b', 5, true), template('c', 5)], new Set(['a']));

    expect(layout.bars.map((b) => b.kind)).toEqual(['flagged', 'new', 'known']);
  });

  it('still gives every template a bar when every count is zero', () => {
    expect(layoutTemplates([template('a', 0)], new Set()).bars[0]!.length).toBe(2);
  });
});

describe('the session waterfall layout', () => {
  const log = (line: number, extra: Partial<ContextLog> = {}): ContextLog => ({ source: 'app.log', line, message: `m${line}`, anomalous: false, ...extra });

  it('places bars by time since the session start, as long as their duration', () => {
    const layout = layoutWaterfall([log(1, { timestamp: T0, durationMs: 100 }), log(2, { timestamp: T0 + 260, durationMs: 260, anomalous: true }), log(3, { timestamp: T0 + 390, level: 'WARN' })]);

    // 520 units of plot for the 520 ms from the first start to the last end.
    expect(layout.timed).toBe(true);
    expect(layout.spanMs).toBe(520);
    expect(layout.rows.map((r) => [r.barX - layout.labelWidth, r.barWidth])).toEqual([[0, 100], [260, 260], [390, 3]]);
    expect(layout.rows.map((r) => r.tone)).toEqual(['normal', 'anomalous', 'trouble']);
  });

  it('follows the records\' order when none has a timestamp', () => {
    const layout = layoutWaterfall([log(1), log(2), log(3), log(4)]);

    expect(layout.timed).toBe(false);
    expect(layout.rows.map((r) => r.barX - layout.labelWidth)).toEqual([0, 130, 260, 390]);
    expect(layout.rows.every((r) => r.barWidth === 130)).toBe(true);
  });

  it('keeps every bar inside the plot, and draws at most the first rows', () => {
    const logs = [log(1, { timestamp: T0 }), log(2, { timestamp: T0 + 1000, durationMs: 0 }), ...Array.from({ length: 300 }, (_, i) => log(i + 3))];
    const layout = layoutWaterfall(logs);
    const plotEnd = layout.labelWidth + layout.plotWidth;

    expect(layout.rows).toHaveLength(MAX_WATERFALL_ROWS);
    expect(layout.rows.every((r) => r.barX >= layout.labelWidth && r.barX + r.barWidth <= plotEnd && r.barWidth >= 3)).toBe(true);
    expect(layout.height).toBe(MAX_WATERFALL_ROWS * layout.rowHeight + 24);
  });
});

describe('formatting', () => {
  it('shows times in UTC to the second, counts with separators, and cuts long text with an ellipsis', () => {
    expect(time(T0 + 1_234)).toBe('2026-11-20 00:00:01Z');
    expect(time(undefined)).toBe('-');
    expect(num(1234567)).toBe('1,234,567');
    expect(num(null)).toBe('-');
    expect(short('abcdef', 4)).toBe('abc…');
    expect(short('abc', 4)).toBe('abc');
    expect(short(undefined, 4)).toBe('');
  });
});
