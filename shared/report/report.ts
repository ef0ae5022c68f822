/**
 * The HTML report: one self-contained file (inline CSS, inline script, data embedded as JSON; no
 * CDN, works from file:// offline) with the run summary, anomalies over time, template frequencies
 * and the top anomalies with their explanation and session waterfall. Written by
 * `logsleuth analyze --report` and by the nightly job (`reports/<day>.html`). Pure: the same input
 * gives the same bytes, which keeps the nightly job's rewrite of a day's report a no-op.
 */
import type { Anomaly, AnomalyType } from '../detect/types.ts';
import type { TemplateCount } from '../pipeline/detector.ts';
import type { DailyDigest, RunRecord } from '../ports.ts';
import { page } from './page.ts';
import { REPORT_DATA_ID } from './page-data.ts';

export interface ReportInput {
  title: string;
  /** One line under the title: what was analysed, when. */
  subtitle: string;
  runs: RunRecord[];
  /** Every anomaly to chart over time (contexts may lack records). */
  anomalies: Anomaly[];
  /** The top anomalies shown in detail, best first, with their context records complete. */
  top: Anomaly[];
  /** Most frequent templates of the input (or of the day). */
  templates: TemplateCount[];
  /** The day's digests (nightly report). */
  digests?: DailyDigest[];
  /** Buckets of the anomalies-over-time chart (default 48). */
  buckets?: number;
}

/** What the page's script renders (embedded as JSON; client/report-page.ts draws it). */
export interface ReportData {
  title: string;
  subtitle: string;
  runs: RunRecord[];
  byType: Partial<Record<AnomalyType, number>>;
  timeline: Timeline | null;
  templates: TemplateCount[];
  anomalies: Anomaly[];
  digests?: DailyDigest[];
}

/** Anomaly counts per type in equal time buckets from `from`. */
export interface Timeline {
  from: number;
  bucketMs: number;
  buckets: Partial<Record<AnomalyType, number>>[];
}

/** Renders the report. */
export function renderReport(input: ReportInput): string {
  return page(input.title, { id: REPORT_DATA_ID, value: reportData(input) });
}

export function reportData(input: ReportInput): ReportData {
  const byType: Partial<Record<AnomalyType, number>> = {};
  for (const run of input.runs) {
    for (const [type, n] of Object.entries(run.counts?.byType ?? {}) as [AnomalyType, number][]) if (n > 0) byType[type] = (byType[type] ?? 0) + n;
  }
  return {
    title: input.title, subtitle: input.subtitle, runs: input.runs, byType,
    timeline: anomaliesOverTime(input.anomalies, input.buckets ?? 48),
    templates: input.templates, anomalies: input.top, ...(input.digests && { digests: input.digests }),
  };
}

/**
 * When an anomaly happened: its anomalous record's timestamp, else the first timestamped record of
 * its context, else its session's start; undefined when nothing carries a time.
 */
export function anomalyTime(anomaly: Anomaly): number | undefined {
  const logs = anomaly.context.logs;
  return logs.find((l) => l.anomalous && l.timestamp !== undefined)?.timestamp
    ?? logs.find((l) => l.timestamp !== undefined)?.timestamp
    ?? anomaly.context.metrics?.start;
}

/** Anomalies per type in `buckets` equal buckets over their time span; null when none has a time. */
export function anomaliesOverTime(anomalies: Anomaly[], buckets: number): Timeline | null {
  const timed = anomalies.map((a) => ({ type: a.type, at: anomalyTime(a) })).filter((t): t is { type: AnomalyType; at: number } => t.at !== undefined);
  if (timed.length === 0) return null;
  const from = Math.min(...timed.map((t) => t.at));
  const to = Math.max(...timed.map((t) => t.at));
  // Round the bucket to a whole second (at least), so the axis reads well.
  const bucketMs = Math.max(1000, Math.ceil((to - from + 1) / buckets / 1000) * 1000);
  const count = Math.max(1, Math.ceil((to - from + 1) / bucketMs));
  const out: Partial<Record<AnomalyType, number>>[] = Array.from({ length: count }, () => ({}));
  for (const t of timed) {
    const bucket = out[Math.min(count - 1, Math.floor((t.at - from) / bucketMs))]!;
    bucket[t.type] = (bucket[t.type] ?? 0) + 1;
  }
  return { from, bucketMs, buckets: out };
}
