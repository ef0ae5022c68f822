/** The report: everything comes from the data embedded in the page, so it works offline (file://). */
import type { ReportData } from '../report.ts';
import { templateChart } from './charts/templates.ts';
import { timelineChart } from './charts/timeline.ts';
import { append, el } from './dom.ts';
import { num } from './format.ts';
import { anomalyDetail, anomalyTable, cards, counts, runTable } from './views.ts';

export function renderReport(root: HTMLElement, data: ReportData): void {
  const flagged = new Set(data.anomalies.map((a) => a.templateId));
  const totals = { records: 0, sessions: 0, anomalies: 0 };
  for (const r of data.runs) {
    if (!r.counts) continue;
    totals.records += r.counts.records;
    totals.sessions += r.counts.sessions;
    totals.anomalies += r.counts.anomalies;
  }
  append(root, [
    el('header', {}, el('h1', { text: data.title }), el('p', { class: 'muted', text: data.subtitle })),
    el('h2', { text: 'Summary' }),
    cards([['runs', num(data.runs.length)], ['records', num(totals.records)], ['sessions', num(totals.sessions)], ['anomalies kept', num(totals.anomalies)]]),
    el('p', {}, 'Findings: ', counts(data.byType)),
    runTable(data.runs, null),
    data.digests?.length ? digestTable(data.digests) : null,
    el('h2', { text: 'Anomalies over time' }), timelineChart(data.timeline),
    el('h2', { text: 'Template frequencies' }), templateChart(data.templates, flagged),
    el('h2', { text: 'Top anomalies' }),
    data.anomalies.length ? anomalyTable(data.anomalies, (a) => `#anomaly-${a.id}`) : el('p', { class: 'muted', text: 'No anomalies.' }),
    data.anomalies.map((a) => anomalyDetail(a, null, `anomaly-${a.id}`)),
  ]);
}

function digestTable(digests: NonNullable<ReportData['digests']>): HTMLTableElement {
  return el('table', { class: 'digests', 'data-testid': 'digests' },
    el('thead', {}, el('tr', {}, ['source', 'runs', 'failed', 'records', 'anomalies', 'by type'].map((h) => el('th', { text: h })))),
    el('tbody', {}, digests.map((d) => el('tr', {},
      el('td', { text: d.source }), el('td', { class: 'num', text: d.runs }), el('td', { class: 'num', text: d.failedRuns }),
      el('td', { class: 'num', text: num(d.records) }), el('td', { class: 'num', text: num(d.anomalies) }), el('td', {}, counts(d.byType))))));
}
