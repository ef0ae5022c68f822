/** Template frequencies: one horizontal bar per template on a log scale, coloured by what it is. */
import type { TemplateCount } from '../../../pipeline/detector.ts';
import { el, svg } from '../dom.ts';
import { num, short } from '../format.ts';
import { legend } from './legend.ts';

/** Why a bar has its colour: the template has an anomaly, is new, or is known and quiet. */
export type TemplateKind = 'flagged' | 'new' | 'known';

export const TEMPLATE_COLORS: Readonly<Record<TemplateKind, string>> = { flagged: '#dc2626', new: '#2563eb', known: '#94a3b8' };

export interface TemplateBar {
  template: TemplateCount;
  kind: TemplateKind;
  /** Top of the row, SVG user units. */
  y: number;
  /** Bar length: log1p(count) relative to the largest, at least 2 so that every template shows. */
  length: number;
}

export interface TemplateLayout {
  width: number;
  height: number;
  /** Where the bars start; labels end left of it. */
  labelWidth: number;
  rowHeight: number;
  bars: TemplateBar[];
}

/**
 * One row per template, in the given order. Counts span orders of magnitude (a heartbeat logs
 * thousands of times, a failure once), hence the log scale: log1p(count) / log1p(largest count).
 */
export function layoutTemplates(templates: readonly TemplateCount[], flagged: ReadonlySet<string>, width = 720): TemplateLayout {
  const rowHeight = 18;
  const labelWidth = 430;
  const plot = width - labelWidth - 60;
  const max = Math.log1p(Math.max(0, ...templates.map((t) => t.count))) || 1;
  const bars = templates.map((template, i): TemplateBar => ({
    template,
    kind: flagged.has(template.templateId) ? 'flagged' : template.isNew ? 'new' : 'known',
    y: i * rowHeight + 2,
    length: Math.max(2, (Math.log1p(template.count) / max) * plot),
  }));
  return { width, height: templates.length * rowHeight + 4, labelWidth, rowHeight, bars };
}

/** The chart, or a note when there are no counts. */
export function templateChart(templates: readonly TemplateCount[] | undefined, flagged: ReadonlySet<string>): HTMLElement {
  if (!templates || templates.length === 0) return el('p', { class: 'muted', text: 'No template counts.' });
  const layout = layoutTemplates(templates, flagged);
  const { labelWidth: L, rowHeight: R } = layout;
  const chart = svg('svg', { viewBox: `0 0 ${layout.width} ${layout.height}`, class: 'chart', 'data-testid': 'templates', role: 'img' });
  for (const bar of layout.bars) {
    chart.appendChild(svg('text', { x: L - 6, y: bar.y + 12, 'text-anchor': 'end', class: 'label', text: short(bar.template.template, 68) },
      svg('title', { text: bar.template.template })));
    chart.appendChild(svg('rect', { x: L, y: bar.y + 2, width: bar.length, height: R - 5, fill: TEMPLATE_COLORS[bar.kind] }));
    chart.appendChild(svg('text', { x: L + bar.length + 4, y: bar.y + 12, class: 'label', text: num(bar.template.count) }));
  }
  return el('div', {}, chart, legend([
    { color: TEMPLATE_COLORS.flagged, label: 'has an anomaly' }, { color: TEMPLATE_COLORS.new, label: 'new template' }, { color: TEMPLATE_COLORS.known, label: 'known' },
  ]));
}
