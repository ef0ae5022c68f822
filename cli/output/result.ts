/** The analysis result: the JSON document (`--json`, `--out`) and its human rendering. */
import type { Anomaly } from '../../shared/detect/types.ts';
import type { IngestProblem, IngestReport } from '../../shared/ingest/index.ts';
import type { DetectionResult } from '../../shared/pipeline/detect.ts';
import { showControls } from './escape.ts';
import { renderTable } from './table.ts';

export interface ResultDocument extends DetectionResult {
  malformed: number;
  bytes: number;
  seconds: number;
  model: string;
  inputs: { read: number; failed: number };
  problemCounts: Record<string, number>;
  /** How many files (or archive entries) were read as each format: a preset name, `json-lines`, `plain text`… */
  formats: Record<string, number>;
  /** Notes that are not problems (a file read as plain text because no preset fits it). */
  notes: string[];
  /** The first problems of each kind (missing, unreadable, malformed lines…), with their reasons. */
  problems: IngestProblem[];
}

export function resultDocument(detection: DetectionResult, report: IngestReport, model: string, seconds: number): ResultDocument {
  const { runId, records, anomalies, ...rest } = detection;
  // runId, records, malformed and anomalies first: the order the README documents.
  return {
    runId, records, malformed: report.counts.malformed, anomalies, ...rest,
    bytes: report.bytes, seconds: Math.round(seconds * 1000) / 1000, model,
    inputs: { read: report.sourcesRead, failed: report.sourcesFailed },
    problemCounts: Object.fromEntries(Object.entries(report.counts).filter(([, n]) => n > 0)),
    formats: Object.fromEntries([...report.formats].map(([format, { count }]) => [format, count])),
    notes: report.notes,
    problems: report.problems,
  };
}

export function printResult(result: ResultDocument, detailed: number, budget = 10): void {
  const out: string[] = [];
  const mbps = result.bytes / 1e6 / Math.max(result.seconds, 0.001);
  out.push(`${result.records.toLocaleString('en')} records (${(result.bytes / 1e6).toFixed(1)} MB, ${mbps.toFixed(1)} MB/s), ${result.malformed} malformed, ` +
    `${result.knownTemplates} known + ${result.newTemplates} new templates, ${result.sessions.toLocaleString('en')} sessions`);
  const formats = Object.entries(result.formats).map(([format, n]) => (n > 1 ? `${format} (${n} files)` : format));
  if (formats.length > 0) out.push(showControls(`read as: ${formats.join(', ')}`));
  out.push(showControls(`model: ${result.model}`));
  const counts = Object.entries(result.countsByType).filter(([, n]) => n > 0).map(([type, n]) => `${n} ${type}`);
  out.push(`findings: ${counts.length ? counts.join(', ') : 'none'}${result.anomalies.length < Object.values(result.countsByType).reduce((a, b) => a + b, 0) ? ` (strongest ${result.anomalies.length} kept; spikes grouped per template)` : ''}`);
  if (result.records === 0) out.push('the input holds no log records');
  out.push(...anomalyLines(result.anomalies, detailed, budget));
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Findings that read as the same thing to a person: session outliers, or one type on one template. */
function familyOf(a: Anomaly): string {
  return a.type === 'SESSION_OUTLIER' && a.templateId === '' ? 'SESSION_OUTLIER' : `${a.type}:${a.templateId}`;
}

/**
 * The anomalies, ranked as given, folded by family (see {@link familyOf}): a table of the first
 * `budget` families (each row the strongest of its family, with how many more are like it), then
 * the first `detailed` of those rows in detail (reasons, session or window context, explanation).
 * `--json` keeps every finding. Empty when there are none.
 */
export function anomalyLines(anomalies: Anomaly[], detailed: number, budget = 10): string[] {
  const out: string[] = [];
  const families = new Map<string, { first: Anomaly; more: number }>();
  for (const a of anomalies) {
    const family = families.get(familyOf(a));
    if (family) family.more++;
    else families.set(familyOf(a), { first: a, more: 0 });
  }
  const rows = [...families.values()];
  if (rows.length > 0) {
    out.push('');
    out.push(renderTable(
      [{ header: '#', align: 'right' }, { header: 'score', align: 'right' }, { header: 'type' }, { header: 'where', max: 40 }, { header: 'session', max: 16 }, { header: 'count', align: 'right' }, { header: 'template', max: 70 }, { header: 'like this', align: 'right' }],
      rows.slice(0, budget).map(({ first: a, more }, i) => [String(i + 1), a.score.toFixed(2), a.type, where(a), a.sessionId ?? '-', String(a.count), a.template || '(session)', more > 0 ? `+${more} more` : '']),
    ));
    const hidden = rows.slice(budget).reduce((n, r) => n + 1 + r.more, 0);
    if (hidden > 0) out.push(`… ${hidden} more finding(s) below these (--budget to show more, --json for all)`);
  }
  // Each detail line is built from log text (messages, session ids, explanations): shown escaped.
  rows.slice(0, Math.min(detailed, budget)).forEach(({ first }, i) => out.push('', ...detail(first, i + 1).map(showControls)));
  return out;
}

/** The first lines of an anomalous record's stack trace, under it. */
function stackPreview(detail: string): string[] {
  const all = detail.split('\n');
  const shown = all.slice(0, 6).map((line) => `${' '.repeat(37)}${line.slice(0, 100)}`);
  if (all.length > 6) shown.push(`${' '.repeat(37)}… ${all.length - 6} more line(s) in --json`);
  return shown;
}

function where(a: Anomaly): string {
  return a.line === null ? '-' : `${a.source}:${a.line}`;
}

function detail(a: Anomaly, rank: number): string[] {
  const lines = [`── ${rank}. ${a.type} (score ${a.score.toFixed(2)}) at ${where(a)}${a.sessionId ? `, session ${a.sessionId}` : ''}`];
  for (const reason of a.reasons) lines.push(`   ${reason.type}: ${reason.detail}`);
  const c = a.context;
  if (c.contextType === 'FULL_SESSION') {
    const m = c.metrics;
    lines.push(`   session ${c.sessionId}: ${c.totalLogsInSession} records${c.truncated ? ` (showing ${c.logs.length})` : ''}${m ? `, ${m.errors} errors${m.durationMs !== undefined ? `, ${m.durationMs} ms` : ''}` : ''}`);
  } else if (c.contextType === 'WINDOW') lines.push(`   no session id: the ${c.logs.length} records around it`);
  for (const log of c.logs.slice(0, 25)) {
    const mark = log.anomalous ? '▶' : ' ';
    lines.push(`   ${mark} ${String(log.line).padStart(7)} ${(log.level ?? '').padEnd(5)} ${(log.service ?? '').padEnd(18).slice(0, 18)} ${log.message.slice(0, 110)}${log.durationMs !== undefined ? ` (${log.durationMs} ms)` : ''}`);
    if (log.anomalous && log.detail !== undefined) lines.push(...stackPreview(log.detail));
  }
  if (c.logs.length > 25) lines.push(`     … ${c.logs.length - 25} more in --json`);
  const e = a.explanation;
  if (e) {
    lines.push(`   explanation (${e.method}${e.model ? ` ${e.model}` : ''}${e.reusedFrom ? ', reused' : ''}, confidence ${e.confidence.toFixed(2)}): ${e.summary}`);
    lines.push(`   root cause: ${e.rootCause}`);
    if (e.causalChain.length > 1) lines.push(`   chain: ${e.causalChain.map((s) => s.split(':')[0]).join(' → ')}`);
    lines.push(`   next step: ${e.nextStep}`);
  }
  return lines;
}
