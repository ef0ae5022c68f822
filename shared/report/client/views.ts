/** The building blocks both pages show: tables of runs and anomalies, an anomaly in detail. */
import type { Anomaly, AnomalyType } from '../../detect/types.ts';
import type { RunRecord } from '../../ports.ts';
import { colorOf, TYPES } from './anomaly-types.ts';
import { waterfall } from './charts/waterfall.ts';
import { el } from './dom.ts';
import { num, short, time } from './format.ts';

/** What the session of an anomaly adds to it (the dashboard's anomaly route returns it). */
export interface SessionSummary {
  sessionId: string;
  totalLogsInSession: number;
  truncated: boolean;
  metrics?: Anomaly['context']['metrics'];
  anomalyIds: string[];
}

export function badge(type: string): HTMLSpanElement {
  return el('span', { class: 'badge', style: `background:${colorOf(type)}`, text: type });
}

/** A badge and count per type that occurred; `none` when none did. */
export function counts(byType: Partial<Record<AnomalyType, number>> | undefined): HTMLElement[] | string {
  const present = TYPES.filter((t) => (byType?.[t] ?? 0) > 0);
  return present.length ? present.map((t) => el('span', { class: 'count' }, badge(t), ` ${byType![t]}`)) : 'none';
}

function headRow(names: readonly string[]): HTMLTableSectionElement {
  return el('thead', {}, el('tr', {}, names.map((h) => el('th', { text: h }))));
}

/** The runs, one row each; `link` makes the run id a link. */
export function runTable(runs: readonly RunRecord[], link: ((run: RunRecord) => string) | null): HTMLTableElement {
  return el('table', { class: 'runs' },
    headRow(['run', 'source', 'status', 'started', 'input', 'records', 'anomalies']),
    el('tbody', {}, runs.map((r) => el('tr', { 'data-testid': 'run-row', 'data-run': r.runId },
      el('td', {}, link ? el('a', { href: link(r), text: r.runId }) : r.runId),
      el('td', { text: r.source }),
      el('td', {}, el('span', { class: `status ${String(r.status).toLowerCase()}`, text: r.status })),
      el('td', { text: time(r.startedAt) }),
      el('td', { class: 'mono', title: r.input?.key, text: short(r.input?.key, 50) }),
      el('td', { class: 'num', text: r.counts ? num(r.counts.records) : '-' }),
      el('td', {}, r.counts ? counts(r.counts.byType) : r.reason ? el('span', { class: 'reason', text: short(r.reason, 80) }) : '-')))));
}

/** Anomalies, best first, each linking to its detail. */
export function anomalyTable(anomalies: readonly Anomaly[], link: (anomaly: Anomaly) => string): HTMLTableElement {
  return el('table', { class: 'anomalies' },
    headRow(['#', 'score', 'type', 'where', 'session', 'count', 'template']),
    el('tbody', {}, anomalies.map((a, i) => el('tr', { 'data-testid': 'anomaly-row', 'data-anomaly': a.id },
      el('td', { class: 'num', text: i + 1 }),
      el('td', { class: 'num', text: a.score.toFixed(2) }),
      el('td', {}, badge(a.type)),
      el('td', { class: 'mono', text: a.line === null ? '-' : `${a.source}:${a.line}` }),
      el('td', { class: 'mono', text: short(a.sessionId ?? '-', 24) }),
      el('td', { class: 'num', text: a.count }),
      el('td', { class: 'mono' }, el('a', { href: link(a), text: short(a.template || '(session)', 90) }))))));
}

function explanation(a: Anomaly): HTMLDivElement {
  const e = a.explanation;
  if (!e) {
    return el('div', { class: 'explanation missing', 'data-testid': 'explanation' },
      a.explainStatus === 'EXPLAIN_FAILED' ? `Explaining failed: ${a.explainReason ?? 'no reason given'}` : 'Not explained yet.');
  }
  const evidence = e.evidenceLines?.length ? `, evidence lines ${e.evidenceLines.join(', ')}` : '';
  return el('div', { class: 'explanation', 'data-testid': 'explanation' },
    el('p', { class: 'summary', text: e.summary }),
    el('p', {}, el('b', { text: 'Root cause: ' }), e.rootCause),
    e.causalChain?.length ? el('ol', { class: 'chain' }, e.causalChain.map((s) => el('li', { class: 'mono', text: s }))) : null,
    el('p', {}, el('b', { text: 'Next step: ' }), e.nextStep),
    el('p', { class: 'muted', text: `method ${e.method}${e.model ? ` (${e.model})` : ''}, confidence ${Number(e.confidence).toFixed(2)}${evidence}` }));
}

function sessionSummary(a: Anomaly, session: SessionSummary | null): HTMLParagraphElement {
  const c = a.context;
  const m = session?.metrics ?? c.metrics;
  const what = c.contextType === 'FULL_SESSION' ? `Session ${c.sessionId ?? a.sessionId}` : c.contextType === 'WINDOW' ? 'No session id: the records around it' : 'No context';
  const parts: (string | null)[] = [what];
  if (c.contextType === 'FULL_SESSION') parts.push(`${num(c.totalLogsInSession)} records${c.truncated ? ` (showing ${c.logs.length})` : ''}`);
  if (m) parts.push(`${num(m.errors)} errors`, m.durationMs !== undefined ? `${num(m.durationMs)} ms` : null, `${m.distinctTemplates} templates`);
  if (session && session.anomalyIds.length > 1) parts.push(`${session.anomalyIds.length} anomalies in this session`);
  return el('p', { class: 'session', 'data-testid': 'session-summary', text: parts.filter(Boolean).join(' · ') });
}

/** One anomaly: type, score and template, its reasons, explanation, session summary and waterfall. */
export function anomalyDetail(a: Anomaly, session: SessionSummary | null, anchor?: string): HTMLElement {
  return el('section', { class: 'anomaly', id: anchor, 'data-testid': 'anomaly-detail', 'data-anomaly': a.id },
    el('h3', {}, badge(a.type), ` score ${a.score.toFixed(2)} · `, el('span', { class: 'mono', text: a.template || '(session)' })),
    el('ul', { class: 'reasons' }, a.reasons.map((r) => el('li', {}, badge(r.type), ` ${r.detail}`))),
    explanation(a), sessionSummary(a, session), waterfall(a.context.logs));
}

/** Big figures with a caption each. */
export function cards(items: readonly [caption: string, value: string][]): HTMLDivElement {
  return el('div', { class: 'cards' }, items.map(([caption, value]) => el('div', { class: 'card' }, el('div', { class: 'big', text: value }), el('div', { class: 'muted', text: caption }))));
}
