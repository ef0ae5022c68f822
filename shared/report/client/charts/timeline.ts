/** Anomalies over time: one stacked bar per time bucket, one segment per type. */
import type { AnomalyType } from '../../../detect/types.ts';
import type { Timeline } from '../../report.ts';
import { COLORS, TYPES } from '../anomaly-types.ts';
import { el, svg } from '../dom.ts';
import { time } from '../format.ts';
import { legend } from './legend.ts';

/** One segment of a bucket's bar, in SVG user units. */
export interface TimelineSegment {
  x: number;
  y: number;
  width: number;
  height: number;
  type: AnomalyType;
  count: number;
  /** Start of its bucket, epoch ms. */
  from: number;
}

export interface TimelineLayout {
  width: number;
  /** Height of the plot; the time axis is drawn below it. */
  height: number;
  /** The largest bucket's total: the height of a full bar. */
  max: number;
  segments: TimelineSegment[];
  /** The time span the buckets cover, epoch ms. */
  start: number;
  end: number;
}

/** Space for the largest bucket's count at the top left, and above the tallest bar. */
const LEFT = 28;
const TOP = 14;

/**
 * Where each segment goes: buckets side by side across `width` (after the left margin), segments
 * stacked upwards in {@link TYPES} order, every bar scaled to the largest bucket's total.
 */
export function layoutTimeline(timeline: Timeline, width = 720, height = 160): TimelineLayout {
  const n = timeline.buckets.length;
  const step = (width - LEFT) / n;
  const totals = timeline.buckets.map((b) => TYPES.reduce((sum, t) => sum + (b[t] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const segments: TimelineSegment[] = [];
  timeline.buckets.forEach((bucket, i) => {
    let y = height;
    for (const type of TYPES) {
      const count = bucket[type] ?? 0;
      if (count === 0) continue;
      const h = (count / max) * (height - TOP);
      y -= h;
      segments.push({ x: LEFT + i * step + 1, y, width: Math.max(step - 2, 1), height: h, type, count, from: timeline.from + i * timeline.bucketMs });
    }
  });
  return { width, height, max, segments, start: timeline.from, end: timeline.from + n * timeline.bucketMs };
}

/** The chart, or a note when no anomaly carries a time. */
export function timelineChart(timeline: Timeline | null): HTMLElement {
  if (!timeline || timeline.buckets.length === 0) return el('p', { class: 'muted', text: 'The anomalies carry no timestamps.' });
  const layout = layoutTimeline(timeline);
  const { width: W, height: H } = layout;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H + 20}`, class: 'chart', 'data-testid': 'timeline', role: 'img' },
    svg('text', { x: 0, y: 10, class: 'axis', text: String(layout.max) }));
  for (const s of layout.segments) {
    chart.appendChild(svg('rect', { x: s.x, y: s.y, width: s.width, height: s.height, fill: COLORS[s.type] },
      svg('title', { text: `${s.type}: ${s.count} from ${time(s.from)}` })));
  }
  chart.appendChild(svg('line', { x1: LEFT, y1: H, x2: W, y2: H, stroke: '#999' }));
  chart.appendChild(svg('text', { x: LEFT, y: H + 14, class: 'axis', text: time(layout.start) }));
  chart.appendChild(svg('text', { x: W, y: H + 14, class: 'axis', 'text-anchor': 'end', text: time(layout.end) }));
  return el('div', {}, chart, legend(TYPES.map((t) => ({ color: COLORS[t], label: t }))));
}
