/**
 * The individual detectors and how their findings are merged: each turns pass-1 counters into
 * candidates that point at a record by its ordinal (position in input order).
 */
import type { Baseline } from '../baseline/baseline.ts';
import type { TemplateStats } from '../baseline/template-stats.ts';
import { stableId } from '../hash.ts';
import type { Level, LogRecord } from '../ingest/record.ts';
import type { Model } from '../model/model.ts';
import type { ContextCollector } from './context.ts';
import { sessionFeatures, signatureOf } from './session-features.ts';
import type { SessionTracker } from './session-tracker.ts';
import { shapeOf, templateDeviation } from './template-features.ts';
import type { Anomaly, AnomalyContext, AnomalyReason, SessionMetrics } from './types.ts';

/** A finding from pass 1, pointing at a record by its ordinal. */
export interface Candidate {
  ordinal: number;
  sessionId?: string;
  templateId: string;
  template: string;
  reason: AnomalyReason;
  count: number;
  extra: Partial<Anomaly>;
  exampleOrdinals?: number[];
}

export interface SpikeRule { center: number; scale: number; p50: number; p99: number }

/** Where a known template was first seen in this input, and its first WARN+ record. */
export interface FirstSeen { ordinal: number; sessionId?: string; troubleOrdinal: number; troubleSession?: string }

/** A merged anomaly before pass 2 fills in its record and context. */
export type Pending = Omit<Anomaly, 'source' | 'line' | 'context'> & { ordinal: number; exampleOrdinals?: number[] };

export const LEVEL_RANK: Record<Level, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

/** Robust spike rule from baseline quantiles: centre = log1p(p50), scale = log-space IQR / 1.349. */
export function spikeRule(stats: TemplateStats | undefined, minCount: number): SpikeRule | undefined {
  if (!stats || stats.durationCount < minCount) return undefined;
  const [p25, p50, p75, p99] = [0.25, 0.5, 0.75, 0.99].map((p) => stats.durationQuantile(p) ?? 0) as [number, number, number, number];
  // A floor on the scale: a template whose durations barely vary would otherwise flag every jitter.
  const scale = Math.max((Math.log1p(p75) - Math.log1p(p25)) / 1.349, 0.1);
  return { center: Math.log1p(p50), scale, p50, p99 };
}

export function keepSpike(
  spikes: Map<string, { count: number; top: Candidate[] }>,
  limit: number,
  { id, template, z, rule, record, ordinal }: { id: string; template: string; z: number; rule: SpikeRule; record: LogRecord; ordinal: number },
): void {
  let entry = spikes.get(id);
  if (!entry) spikes.set(id, (entry = { count: 0, top: [] }));
  entry.count++;
  if (entry.top.length >= limit && entry.top[entry.top.length - 1]!.extra.zScore! >= z) return;
  const factor = record.durationMs! / Math.max(rule.p50, 0.001);
  entry.top.push({
    ordinal,
    ...(record.sessionId !== undefined && { sessionId: record.sessionId }),
    templateId: id,
    template,
    count: 1,
    reason: { type: 'DURATION_SPIKE', score: round(1 - 2 ** (-z / 4)), detail: `took ${record.durationMs} ms, ${factor.toFixed(1)}× the baseline median of ${rule.p50.toFixed(1)} ms (robust z ${z.toFixed(1)})` },
    extra: { zScore: round(z), durationMs: record.durationMs!, baselineMedianMs: round(rule.p50) },
  });
  entry.top.sort((a, b) => b.extra.zScore! - a.extra.zScore! || a.ordinal - b.ordinal);
  if (entry.top.length > limit) entry.top.pop();
}

export function noteFirstSeen(firstSeen: Map<string, FirstSeen>, id: string, ordinal: number, record: LogRecord) {
  let seen = firstSeen.get(id);
  if (!seen) firstSeen.set(id, (seen = { ordinal, ...(record.sessionId !== undefined && { sessionId: record.sessionId }), troubleOrdinal: -1 }));
  if (seen.troubleOrdinal < 0 && record.level && LEVEL_RANK[record.level] >= 3) {
    seen.troubleOrdinal = ordinal;
    if (record.sessionId !== undefined) seen.troubleSession = record.sessionId;
  }
}

/**
 * TEMPLATE_OUTLIER: the template forest finds this input's statistics of a template anomalous
 * and clearly more anomalous than the template's own baseline vector — so a template that is
 * always rare and slow does not fire on every run.
 */
export function templateOutliers(model: Model, current: Baseline, firstSeen: Map<string, FirstSeen>, templateById: Map<string, string>, margin: number, spikes: Map<string, { top: Candidate[] }>): Candidate[] {
  const forest = model.templateForest;
  if (!forest) return [];
  const found: Candidate[] = [];
  for (const id of current.templateIds()) {
    const stats = current.get(id)!;
    const baselineScore = model.baselineTemplateScores[id];
    if (stats.count < 20 || baselineScore === undefined) continue;
    const base = model.baseline.get(id)!;
    const score = forest.score(templateDeviation(shapeOf(stats), current.totals.records, shapeOf(base), model.baseline.totals.records));
    if (!forest.isAnomaly(score) || score - baselineScore < margin) continue;
    // The example shown is the strongest spike of the template if it has one (so both findings merge), else its first record.
    const seen = firstSeen.get(id)!;
    const spike = spikes.get(id)?.top[0];
    const example = spike ? { ordinal: spike.ordinal, sessionId: spike.sessionId } : seen.troubleOrdinal >= 0 ? { ordinal: seen.troubleOrdinal, sessionId: seen.troubleSession } : seen;
    found.push({
      ordinal: example.ordinal,
      ...(example.sessionId !== undefined && { sessionId: example.sessionId }),
      templateId: id,
      template: templateById.get(id)!,
      count: stats.count,
      reason: {
        type: 'TEMPLATE_OUTLIER',
        score: round(0.5 + 0.5 * Math.min(1, (score - forest.threshold) / Math.max(1 - forest.threshold, 1e-6)) * 0.9),
        detail: `isolation score ${score.toFixed(3)} vs ${baselineScore.toFixed(3)} in the baseline (threshold ${forest.threshold.toFixed(3)}); mean ${fmt(stats.meanDuration)} ms vs ${fmt(base.meanDuration)}, p95 ${fmt(stats.p95)} vs ${fmt(base.p95)}, error rate ${pct(stats.errorRate)} vs ${pct(base.errorRate)}`,
      },
      extra: { ifScore: round(score), baselineIfScore: round(baselineScore) },
    });
  }
  return found;
}

/** ERROR_BURST: a known template logging WARN+ far more often than in its baseline (one-sided proportion test). */
export function errorBursts(baseline: Baseline, current: Baseline, firstSeen: Map<string, FirstSeen>, templateById: Map<string, string>): Candidate[] {
  const found: Candidate[] = [];
  for (const id of current.templateIds()) {
    const stats = current.get(id)!;
    const base = baseline.get(id);
    if (!base || stats.count < 10) continue;
    const expected = (base.problemCount + 1) / (base.count + 2);
    const rate = stats.problemCount / stats.count;
    const z = (rate - expected) / Math.sqrt((expected * (1 - expected)) / stats.count);
    if (rate - expected < 0.2 || z < 4) continue;
    const seen = firstSeen.get(id)!;
    found.push({
      ordinal: seen.troubleOrdinal,
      ...(seen.troubleSession !== undefined && { sessionId: seen.troubleSession }),
      templateId: id,
      template: templateById.get(id)!,
      count: stats.problemCount,
      reason: { type: 'ERROR_BURST', score: round(0.6 + 0.35 * Math.min(1, (rate - expected) / 0.6)), detail: `${stats.problemCount} of ${stats.count} records are WARN or worse (${pct(rate)}) vs ${pct(expected)} in the baseline` },
      extra: { errorRate: round(rate), baselineErrorRate: round(expected) },
    });
  }
  return found;
}

/**
 * SESSION_OUTLIER: the session forest finds the session's template mix isolated, and that exact
 * mix was not common in the baseline (an isolated-but-common mix is normal traffic).
 */
export function sessionOutliers(model: Model, sessions: SessionTracker): (Candidate & { sessionId: string })[] {
  const forest = model.sessionForest;
  if (!forest) return [];
  const found: (Candidate & { sessionId: string })[] = [];
  const width = model.vocabulary.length;
  for (const [sessionId, counter] of sessions.sessions) {
    const vector = sessions.vector(counter, width);
    if ((model.sessionSignatures[signatureOf(vector)] ?? 0) >= 3) continue;
    const features = sessionFeatures(vector);
    // A template no baseline session ever had is invisible to the trees (its column was constant): count it as isolated.
    const unseen = forest.deviatingDroppedColumns(features).length > 0;
    const score = Math.max(forest.score(features), unseen ? forest.threshold + 0.05 : 0);
    if (!forest.isAnomaly(score)) continue;
    found.push({
      ordinal: counter.firstTroubleOrdinal >= 0 ? counter.firstTroubleOrdinal : counter.firstOrdinal,
      sessionId,
      templateId: '',
      template: '',
      count: counter.records,
      reason: { type: 'SESSION_OUTLIER', score: round(Math.min(0.85, 0.5 + (score - forest.threshold) * 2)), detail: `session of ${counter.records} records with an unusual mix of templates${unseen ? ', including templates no baseline session had' : ''} (isolation score ${score.toFixed(3)}, threshold ${forest.threshold.toFixed(3)})` },
      extra: { ifScore: round(score) },
    });
  }
  return found.sort((a, b) => b.reason.score - a.reason.score || a.ordinal - b.ordinal);
}

/** Hybrid: findings on the same record become one anomaly with several reasons; a session finding joins an anomaly in its session. */
export function mergeCandidates(candidates: Candidate[], sessionFindings: (Candidate & { sessionId: string })[], runId: string): Pending[] {
  const byOrdinal = new Map<number, Pending>();
  for (const c of candidates) {
    const existing = byOrdinal.get(c.ordinal);
    if (existing) {
      existing.reasons.push(c.reason);
      Object.assign(existing, c.extra);
      continue;
    }
    byOrdinal.set(c.ordinal, {
      id: '', type: c.reason.type, templateId: c.templateId, template: c.template, score: 0, ordinal: c.ordinal,
      ...(c.sessionId !== undefined && { sessionId: c.sessionId }),
      reasons: [c.reason], count: c.count, ...c.extra,
      ...(c.exampleOrdinals && { exampleOrdinals: c.exampleOrdinals }),
    });
  }
  const all = [...byOrdinal.values()];
  for (const finding of sessionFindings) {
    const host = all.filter((a) => a.sessionId === finding.sessionId).sort(byScoreThenOrdinal)[0] ?? byOrdinal.get(finding.ordinal);
    if (host) {
      host.reasons.push(finding.reason);
      host.ifScore ??= finding.extra.ifScore!;
    } else {
      all.push({ id: '', type: 'SESSION_OUTLIER', templateId: '', template: '', score: 0, ordinal: finding.ordinal, sessionId: finding.sessionId, reasons: [finding.reason], count: finding.count, ...finding.extra });
    }
  }
  for (const anomaly of all) {
    anomaly.reasons.sort((a, b) => b.score - a.score);
    anomaly.type = anomaly.reasons[0]!.type;
    // Several independent reasons make a finding more credible than its strongest one alone.
    anomaly.score = round(1 - anomaly.reasons.reduce((rest, r) => rest * (1 - r.score), 1));
    anomaly.id = stableId('a', runId, anomaly.type, anomaly.templateId, anomaly.ordinal);
  }
  return all;
}

export function contextFor(sessionId: string | undefined, ordinal: number, collector: ContextCollector, metrics: Map<string, SessionMetrics>): AnomalyContext {
  const collected = sessionId !== undefined ? collector.sessionLogs(sessionId) : undefined;
  const sessionMetrics = sessionId !== undefined ? metrics.get(sessionId) : undefined;
  if (collected && sessionMetrics) {
    return { contextType: 'FULL_SESSION', sessionId: sessionId!, totalLogsInSession: collected.total, truncated: collected.truncated, metrics: sessionMetrics, logs: collected.logs };
  }
  const window = collector.windowLogs(ordinal);
  return window ? { contextType: 'WINDOW', truncated: false, logs: window } : { contextType: 'NONE', truncated: false, logs: [] };
}

export function byScoreThenOrdinal(a: { score: number; ordinal: number; reasons: AnomalyReason[] }, b: { score: number; ordinal: number; reasons: AnomalyReason[] }): number {
  const scoreA = a.score || a.reasons[0]!.score;
  const scoreB = b.score || b.reasons[0]!.score;
  return scoreB - scoreA || a.ordinal - b.ordinal;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const fmt = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1));
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
