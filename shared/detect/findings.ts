/**
 * The individual detectors and how their findings are merged: each turns pass-1 counters into
 * candidates that point at a record (by its ordinal, the position in input order, and its source + line).
 */
import type { TemplateStats } from '../baseline/template-stats.ts';
import { stableId } from '../hash.ts';
import type { Level, LogRecord } from '../ingest/record.ts';
import type { Model } from '../model/model.ts';
import type { ContextCollector, RecordRef } from './context.ts';
import { SessionJudge, type SessionVerdict } from './session-outliers.ts';
import { sessionKey, type SessionTracker } from './session-tracker.ts';
import { changeSignificance, shapeOf, templateDeviation, type ShapeCounter } from './template-features.ts';
import type { Anomaly, AnomalyContext, AnomalyReason, AnomalyType, SessionMetrics } from './types.ts';

/** A finding from pass 1, pointing at a record. */
export interface Candidate {
  ordinal: number;
  at: RecordRef;
  sessionId?: string;
  templateId: string;
  template: string;
  reason: AnomalyReason;
  count: number;
  extra: Partial<Anomaly>;
  examples?: RecordRef[];
}

/**
 * When a duration is a spike: robust z from `center`/`scale`, only above `p99`. `tailShare` is the
 * share of baseline records that were as slow as a spike (so a template with a slow tail is
 * expected to show some), `max` the slowest baseline record.
 */
export interface SpikeRule { center: number; scale: number; p50: number; p99: number; tailShare: number; max: number }

/** Where a known template was first seen in this input, and its first WARN+ record. */
export interface FirstSeen { ordinal: number; at: RecordRef; sessionId?: string; trouble?: { ordinal: number; at: RecordRef; sessionId?: string } }

/** A merged anomaly before pass 2 fills in its record and context. */
export type Pending = Omit<Anomaly, 'source' | 'line' | 'context' | 'examples'> & {
  ordinal: number; at: RecordRef; exampleRefs?: RecordRef[]; session?: { key: number };
};

export const LEVEL_RANK: Record<Level, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

/** Robust spike rule from baseline quantiles: centre = log1p(p50), scale = log-space IQR / 1.349; `z` is the spike threshold. */
export function spikeRule(stats: TemplateStats | undefined, minCount: number, z: number): SpikeRule | undefined {
  if (!stats || stats.durationCount < minCount) return undefined;
  const [p25, p50, p75, p99, max] = [0.25, 0.5, 0.75, 0.99, 1].map((p) => stats.durationQuantile(p) ?? 0) as [number, number, number, number, number];
  // A floor on the scale: a template whose durations barely vary would otherwise flag every jitter.
  const scale = Math.max((Math.log1p(p75) - Math.log1p(p25)) / 1.349, 0.1);
  const center = Math.log1p(p50);
  return { center, scale, p50, p99, max, tailShare: shareAtLeast(stats, Math.expm1(center + z * scale)) };
}

/** The share of baseline durations at or above `value`, from the sketch (bisection on its quantiles). */
function shareAtLeast(stats: TemplateStats, value: number): number {
  if ((stats.durationQuantile(1) ?? 0) < value) return 0;
  let low = 0;
  let high = 1;
  for (let step = 0; step < 24; step++) {
    const mid = (low + high) / 2;
    if ((stats.durationQuantile(mid) ?? 0) < value) low = mid;
    else high = mid;
  }
  return 1 - low;
}

/** P(Z ≥ z) for a standard normal Z (Abramowitz–Stegun 7.1.26 for erfc, error < 1.5e-7). */
function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** How far past the slowest baseline record one spike must be to count on its own. */
const BEYOND_MAX = 2;
/** A template's spikes must be this unlikely under its baseline's own slow tail to be a finding. */
const SPIKES_P_VALUE = 1e-4;

/**
 * Are these spikes news? Yes when the strongest is far slower than anything in the baseline, or
 * when there are clearly more of them than the baseline's slow tail predicts for `records` records
 * (a Poisson tail test): a template that is sometimes slow stays quiet when it is sometimes slow.
 */
export function spikesAreNews(rule: SpikeRule, spikes: number, strongestMs: number, records: number, baselineRecords: number): boolean {
  if (strongestMs > BEYOND_MAX * rule.max) return true;
  // Below one baseline record's share, the tail is unknown rather than empty.
  const share = Math.max(rule.tailShare, 1 / (baselineRecords + 1));
  return poissonTail(share * records, spikes) < SPIKES_P_VALUE;
}

/** P(X ≥ k) for X ~ Poisson(λ). */
function poissonTail(lambda: number, k: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  // Past a few dozen the normal approximation (with continuity correction) is close, and e^-λ would underflow.
  if (lambda > 30) return normalUpperTail((k - 0.5 - lambda) / Math.sqrt(lambda));
  let term = Math.exp(-lambda);
  let below = term;
  for (let i = 1; i < k; i++) {
    term *= lambda / i;
    below += term;
    if (term < 1e-300 && i > lambda) break;
  }
  return Math.max(0, 1 - below);
}

/** Keeps the strongest `limit` spikes of a template and counts them all. */
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
    at: { source: record.source, line: record.line },
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

/** Notes the first record and the first WARN+ record of a template. */
export function noteFirstSeen(firstSeen: (FirstSeen | undefined)[], cluster: number, ordinal: number, record: LogRecord): void {
  let seen = firstSeen[cluster];
  if (!seen) firstSeen[cluster] = seen = { ordinal, at: { source: record.source, line: record.line }, ...(record.sessionId !== undefined && { sessionId: record.sessionId }) };
  if (!seen.trouble && record.level && LEVEL_RANK[record.level] >= LEVEL_RANK.WARN) {
    seen.trouble = { ordinal, at: { source: record.source, line: record.line }, ...(record.sessionId !== undefined && { sessionId: record.sessionId }) };
  }
}

/** A template's change must be this many standard errors beyond chance to be reported (see changeSignificance). */
const MIN_CHANGE_Z = 4;

/** This input's statistics of one template, with where it was first seen. */
export interface CurrentTemplate { id: string; template: string; shape: ShapeCounter; first: FirstSeen }

/**
 * TEMPLATE_OUTLIER: the template forest finds this input's change of a template from its baseline
 * anomalous and clearly more anomalous than the template's own baseline windows — so a template
 * that is always rare and slow, or always jittery, does not fire on every run.
 */
export function templateOutliers(model: Model, current: CurrentTemplate[], totalRecords: number, margin: number, spikes: Map<string, { top: Candidate[] }>): Candidate[] {
  const forest = model.templateForest;
  if (!forest) return [];
  const found: Candidate[] = [];
  for (const { id, template, shape, first } of current) {
    const baselineScore = model.baselineTemplateScores[id];
    const base = model.baseline.get(id);
    if (shape.count < 20 || baselineScore === undefined || !base) continue;
    const baseShape = shapeOf(base);
    const score = forest.score(templateDeviation(shape, totalRecords, baseShape, model.baseline.totals.records));
    if (!forest.isAnomaly(score) || score - baselineScore < margin) continue;
    const significance = changeSignificance(shape, totalRecords, baseShape, model.baseline.totals.records);
    if (significance < MIN_CHANGE_Z) continue;
    // The example shown is the strongest spike of the template if it has one (so both findings merge), else its first WARN+ or first record.
    const spike = spikes.get(id)?.top[0];
    const example = spike ?? first.trouble ?? first;
    const geometric = (meanLog: number) => (Math.expm1(meanLog)).toFixed(1);
    found.push({
      ordinal: example.ordinal,
      at: example.at,
      ...(example.sessionId !== undefined && { sessionId: example.sessionId }),
      templateId: id,
      template,
      count: shape.count,
      reason: {
        type: 'TEMPLATE_OUTLIER',
        score: round(0.5 + 0.45 * Math.min(1, (score - forest.threshold) / Math.max(1 - forest.threshold, 1e-6))),
        detail: `isolation score ${score.toFixed(3)} vs ${baselineScore.toFixed(3)} for its baseline windows (threshold ${forest.threshold.toFixed(3)}); ` +
          `${shape.count} records (${(shape.count / Math.max(totalRecords, 1) * 100).toFixed(2)} % vs ${(base.count / Math.max(model.baseline.totals.records, 1) * 100).toFixed(2)} %), ` +
          (shape.durationCount && base.durationCount ? `typical duration ${geometric(shape.meanLog)} ms vs ${geometric(baseShape.meanLog)} ms, ` : '') +
          `WARN+ ${pct(shape.problems / shape.count)} vs ${pct(base.errorRate)}`,
      },
      extra: { ifScore: round(score), baselineIfScore: round(baselineScore) },
    });
  }
  return found;
}

/**
 * ERROR_BURST: a known template logging WARN+ far more often than in its baseline (one-sided
 * proportion test): an HTTP route whose 5xx share jumped, a step that started failing.
 */
export function errorBursts(model: Model, current: CurrentTemplate[]): Candidate[] {
  const found: Candidate[] = [];
  for (const { id, template, shape, first } of current) {
    const base = model.baseline.get(id);
    if (!base || shape.count < 10 || !first.trouble) continue;
    const expected = (base.problemCount + 1) / (base.count + 2);
    const rate = shape.problems / shape.count;
    const z = (rate - expected) / Math.sqrt((expected * (1 - expected)) / shape.count);
    // Significant, and big enough to matter: at least 2 points more, and three times the baseline's share.
    if (z < 4 || rate - expected < 0.02 || rate < 3 * expected) continue;
    found.push({
      ordinal: first.trouble.ordinal,
      at: first.trouble.at,
      ...(first.trouble.sessionId !== undefined && { sessionId: first.trouble.sessionId }),
      templateId: id,
      template,
      count: shape.problems,
      reason: { type: 'ERROR_BURST', score: round(0.6 + 0.35 * Math.min(1, (rate - expected) / 0.6)), detail: `${shape.problems} of ${shape.count} records are WARN or worse (${pct(rate)}) vs ${pct(expected)} in the baseline` },
      extra: { errorRate: round(rate), baselineErrorRate: round(expected) },
    });
  }
  return found;
}

/** Flagged sessions past this share of all sessions (and this many) are one systemic change, not that many incidents. */
const SYSTEMIC_SHARE = 0.2;
const SYSTEMIC_MIN = 20;

/**
 * A key two count vectors share exactly when they are equal: the non-zero entries with their
 * positions. Sessions touch a few templates of many, so it is far shorter than the whole vector
 * joined (this runs once per session).
 */
function mixKey(vector: readonly number[]): string {
  let key = '';
  for (let i = 0; i < vector.length; i++) {
    const count = vector[i]!;
    if (count !== 0) key += `${i}:${count},`;
  }
  return key;
}

/**
 * SESSION_OUTLIER: the session forest finds the session's template mix isolated, and the mix is
 * neither common in the baseline nor one template away from a common mix. When a large share of
 * all sessions is flagged, the sessions did not each go wrong: their shape changed, and that is
 * one finding (the strongest session as its example, the share in its detail).
 */
export function sessionOutliers(model: Model, sessions: SessionTracker, columnOfCluster: number[], templateOfColumn: (column: number) => string): { findings: Candidate[]; flagged: number } {
  const forest = model.sessionForest;
  if (!forest) return { findings: [], flagged: 0 };
  const judge = new SessionJudge({ forest, commonMixes: model.commonSessionMixes, ...model.sessionGate });
  const found: Candidate[] = [];
  const width = model.vocabulary.length;
  // Sessions repeat a handful of template mixes: judge each distinct mix once.
  const verdicts = new Map<string, SessionVerdict | null>();
  // Sessions with the same unusual mix are one finding (its first session), the others its examples.
  const byMix = new Map<string, Candidate>();
  const sessionsWithMix = new Map<Candidate, number>();
  for (let index = 0; index < sessions.size; index++) {
    const vector = sessions.vector(index, width, (cluster) => columnOfCluster[cluster] ?? -1);
    const mix = mixKey(vector);
    let verdict = verdicts.get(mix);
    if (verdict === undefined) {
      verdict = judge.judge(vector, templateOfColumn, width);
      verdicts.set(mix, verdict);
    }
    if (!verdict) continue;
    const anchor = sessions.firstTrouble(index);
    const same = byMix.get(mix);
    if (same) {
      sessionsWithMix.set(same, (sessionsWithMix.get(same) ?? 1) + 1);
      if (same.examples!.length < 5) same.examples!.push({ source: anchor.source, line: anchor.line });
      continue;
    }
    const { score, unseen, beyond, difference } = verdict;
    const records = sessions.records(index);
    const candidate: Candidate = {
      ordinal: anchor.ordinal,
      at: { source: anchor.source, line: anchor.line },
      sessionId: sessions.idOf(index),
      templateId: '',
      template: '',
      count: records,
      reason: {
        type: 'SESSION_OUTLIER',
        score: round(Math.min(0.85, 0.5 + (score - model.sessionGate.threshold) * 2)),
        detail: `session of ${records} records with an unusual mix of templates${unseen ? ', including templates no baseline session had' : ''}` +
          `${beyond ? ', a template repeated far more often than in any baseline session' : ''}` +
          `${difference ? ` (${difference})` : ''}; isolation score ${score.toFixed(3)}, threshold ${model.sessionGate.threshold.toFixed(3)}`,
      },
      extra: { ifScore: round(score) },
      examples: [{ source: anchor.source, line: anchor.line }],
    };
    byMix.set(mix, candidate);
    found.push(candidate);
  }
  let flagged = 0;
  for (const candidate of found) {
    const sharing = sessionsWithMix.get(candidate) ?? 1;
    flagged += sharing;
    if (sharing > 1) candidate.reason.detail += `; ${sharing} sessions have this mix`;
  }
  found.sort((a, b) => b.reason.score - a.reason.score || a.ordinal - b.ordinal);
  if (flagged >= SYSTEMIC_MIN && flagged > SYSTEMIC_SHARE * sessions.size) {
    const strongest = found[0]!;
    delete strongest.examples;
    const share = flagged / sessions.size;
    return {
      flagged,
      findings: [{
        ...strongest,
        count: flagged,
        examples: found.slice(0, 5).map((c) => c.at),
        reason: {
          type: 'SESSION_OUTLIER',
          score: 0.8,
          detail: `systemic: ${flagged} of ${sessions.size} sessions (${pct(share)}) have template mixes unlike the baseline's, so the shape of sessions changed; ` +
            `the strongest: ${strongest.reason.detail}`,
        },
      }],
    };
  }
  return { findings: found, flagged };
}

/** Hybrid: findings on the same record become one anomaly with several reasons; a session finding joins an anomaly in its session. */
export function mergeCandidates(candidates: Candidate[], sessionFindings: Candidate[], runId: string): Pending[] {
  const byOrdinal = new Map<number, Pending>();
  const fromCandidate = (c: Candidate, type = c.reason.type): Pending => ({
    id: '', type, templateId: c.templateId, template: c.template, score: 0, ordinal: c.ordinal, at: c.at,
    ...(c.sessionId !== undefined && { sessionId: c.sessionId, session: { key: sessionKey(c.sessionId) } }),
    reasons: [c.reason], count: c.count, ...c.extra,
    ...(c.examples && { exampleRefs: c.examples }),
  });
  for (const c of candidates) {
    const existing = byOrdinal.get(c.ordinal);
    if (existing) {
      existing.reasons.push(c.reason);
      Object.assign(existing, c.extra);
    } else byOrdinal.set(c.ordinal, fromCandidate(c));
  }
  const all = foldSameSession([...byOrdinal.values()]);
  for (const finding of sessionFindings) {
    const host = all.filter((a) => a.sessionId === finding.sessionId).sort(byScoreThenOrdinal)[0];
    if (host) {
      host.reasons.push(finding.reason);
      host.ifScore ??= finding.extra.ifScore!;
    } else all.push(fromCandidate(finding));
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

/** Findings about one record that can stand for, or join, another finding of the same session. */
const ONE_RECORD_TYPES = new Set<AnomalyType>(['DURATION_SPIKE', 'NEW_TEMPLATE']);

const isOneRecordFinding = (finding: Pending) => finding.count === 1 && finding.reasons.every((r) => ONE_RECORD_TYPES.has(r.type));
const strength = (finding: Pending) => Math.max(...finding.reasons.map((r) => r.score));

/**
 * One session, one finding: a one-record finding (a single spike, a new template seen once) in a
 * session that already has a stronger one joins it as a reason, with its line, instead of being a
 * finding of its own: a cascade of failures in one request is one event. Findings that stand for
 * many records (a storm of spikes, a new template seen often, systemic shifts) stay on their own.
 */
function foldSameSession(findings: Pending[]): Pending[] {
  const hostOf = new Map<string, Pending>();
  const folded = new Set<Pending>();
  const strongestFirst = [...findings].sort((a, b) => strength(b) - strength(a) || a.ordinal - b.ordinal);
  for (const finding of strongestFirst) {
    if (finding.sessionId === undefined || !isOneRecordFinding(finding)) continue;
    const host = hostOf.get(finding.sessionId);
    if (!host) {
      hostOf.set(finding.sessionId, finding);
      continue;
    }
    host.reasons.push(...finding.reasons.map((reason) => ({ ...reason, detail: `line ${finding.at.line}: ${reason.detail}` })));
    folded.add(finding);
  }
  return findings.filter((finding) => !folded.has(finding));
}

export function contextFor(session: { key: number } | undefined, at: RecordRef, collector: ContextCollector, metrics: Map<number, SessionMetrics>): AnomalyContext {
  const collected = session ? collector.sessionLogs(session.key) : undefined;
  const sessionMetrics = session ? metrics.get(session.key) : undefined;
  if (collected && sessionMetrics) {
    return { contextType: 'FULL_SESSION', sessionId: collected.id, totalLogsInSession: collected.total, truncated: collected.truncated, metrics: sessionMetrics, logs: collected.logs };
  }
  const window = collector.windowLogs(at);
  return window ? { contextType: 'WINDOW', truncated: false, logs: window } : { contextType: 'NONE', truncated: false, logs: [] };
}

export function byScoreThenOrdinal(a: { score: number; ordinal: number; reasons: AnomalyReason[] }, b: { score: number; ordinal: number; reasons: AnomalyReason[] }): number {
  const scoreA = a.score || a.reasons[0]!.score;
  const scoreB = b.score || b.reasons[0]!.score;
  return scoreB - scoreA || a.ordinal - b.ordinal;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
