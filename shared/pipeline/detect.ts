/**
 * Detection stage, in two streaming passes over the same input:
 *  1. match every record against the model, count, and keep small candidate lists
 *     (strongest spikes per template, first lines of new templates, per-session counters);
 *  2. collect only the context the kept anomalies need (their sessions, or ±10-record windows).
 * Memory grows with templates and sessions' counters, never with the records.
 */
import { Baseline } from '../baseline/baseline.ts';
import type { TemplateStats } from '../baseline/template-stats.ts';
import { ContextCollector } from '../detect/context.ts';
import { sessionIdFromMessage } from '../detect/session-id.ts';
import { sessionFeatures, signatureOf } from '../detect/session-features.ts';
import { SessionTracker } from '../detect/session-tracker.ts';
import { shapeOf, templateDeviation } from '../detect/template-features.ts';
import type { Anomaly, AnomalyContext, AnomalyReason, AnomalyType } from '../detect/types.ts';
import { stableId } from '../hash.ts';
import type { Level, LogRecord } from '../ingest/record.ts';
import type { Model } from '../model/model.ts';
import { TemplateMiner } from '../templates/index.ts';

export interface DetectOptions {
  /** Identifies this run; anomaly ids derive from it, so the same run id + input give the same ids. */
  runId: string;
  /** Robust z-score (log space) a duration must reach to be a spike (default 5). */
  z?: number;
  /** Baseline records with a duration a template needs before its spikes are judged (default 30). */
  minBaselineCount?: number;
  /** Strongest findings kept per template and type; the rest are counted (default 5). */
  perTemplate?: number;
  /** Most anomalies returned, strongest first (default 100). */
  maxAnomalies?: number;
  /** How much more anomalous than its own baseline a template must be to be a TEMPLATE_OUTLIER (default 0.05). */
  templateMargin?: number;
  sessionRegex?: RegExp;
  maxSessionLogs?: number;
  windowRadius?: number;
}

export interface DetectionResult {
  runId: string;
  modelId: string;
  records: number;
  /** Distinct baseline templates seen, and templates new to the baseline. */
  knownTemplates: number;
  newTemplates: number;
  sessions: number;
  /** Findings per type before capping (e.g. every spike, not only the strongest kept). */
  countsByType: Record<AnomalyType, number>;
  anomalies: Anomaly[];
}

/** A finding from pass 1, pointing at a record by its ordinal. */
interface Candidate {
  ordinal: number;
  sessionId?: string;
  templateId: string;
  template: string;
  reason: AnomalyReason;
  count: number;
  extra: Partial<Anomaly>;
  exampleOrdinals?: number[];
}

interface SpikeRule { center: number; scale: number; p50: number; p99: number }

const LEVEL_RANK: Record<Level, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

export async function detectAnomalies(
  model: Model,
  openRecords: () => AsyncIterable<LogRecord[]>,
  options: DetectOptions,
): Promise<DetectionResult> {
  const zThreshold = options.z ?? 5;
  const perTemplate = options.perTemplate ?? 5;
  const fillSession = options.sessionRegex ? sessionIdFromMessage(options.sessionRegex) : undefined;
  const { miner, baseline } = model;

  // Per-cluster lookups, computed once: the hot loop only indexes arrays.
  const idOfCluster = Array.from({ length: miner.clusterCount }, (_, c) => miner.templateId(c));
  const column = new Map(model.vocabulary.map((id, i) => [id, i]));
  const templateById = new Map(idOfCluster.map((id, c) => [id, miner.template(c)]));
  const spikeRules = idOfCluster.map((id) => spikeRule(baseline.get(id), options.minBaselineCount ?? 30));

  const current = new Baseline();
  const firstSeen = new Map<string, { ordinal: number; sessionId?: string; troubleOrdinal: number; troubleSession?: string }>();
  const spikes = new Map<string, { count: number; top: Candidate[] }>();
  const newMiner = new TemplateMiner();
  const newTemplates: { count: number; ordinals: number[]; sessionId?: string; worst: number }[] = [];
  const sessions = new SessionTracker();
  let ordinal = 0;

  for await (const batch of openRecords()) {
    for (const record of batch) {
      fillSession?.(record);
      const cluster = miner.match(record.message);
      let col = -1;
      if (cluster >= 0) {
        const id = idOfCluster[cluster]!;
        col = column.get(id) ?? -1;
        current.add(id, record);
        noteFirstSeen(firstSeen, id, ordinal, record);
        const rule = spikeRules[cluster];
        if (rule && record.durationMs !== undefined && record.durationMs > rule.p99) {
          const z = (Math.log1p(record.durationMs) - rule.center) / rule.scale;
          if (z >= zThreshold) keepSpike(spikes, perTemplate, { id, template: miner.template(cluster), z, rule, record, ordinal });
        }
      } else {
        const fresh = newMiner.add(record.message);
        const info = (newTemplates[fresh] ??= { count: 0, ordinals: [], worst: -1 });
        info.count++;
        if (info.ordinals.length < 3) info.ordinals.push(ordinal);
        if (info.sessionId === undefined && record.sessionId !== undefined) info.sessionId = record.sessionId;
        info.worst = Math.max(info.worst, record.level ? LEVEL_RANK[record.level] : -1);
      }
      if (record.sessionId !== undefined) sessions.add(record.sessionId, ordinal, col, record.level, record.timestamp);
      ordinal++;
    }
  }

  const candidates: Candidate[] = [];
  const countsByType: Record<AnomalyType, number> = { DURATION_SPIKE: 0, TEMPLATE_OUTLIER: 0, NEW_TEMPLATE: 0, ERROR_BURST: 0, SESSION_OUTLIER: 0 };
  for (const { count, top } of spikes.values()) {
    countsByType.DURATION_SPIKE += count;
    for (const candidate of top) candidates.push({ ...candidate, count });
  }
  newTemplates.forEach((info, fresh) => {
    countsByType.NEW_TEMPLATE++;
    const template = newMiner.template(fresh);
    const levelName = info.worst >= 0 ? (Object.keys(LEVEL_RANK) as Level[])[info.worst] : undefined;
    candidates.push({
      ordinal: info.ordinals[0]!,
      ...(info.sessionId !== undefined && { sessionId: info.sessionId }),
      templateId: newMiner.templateId(fresh),
      template,
      count: info.count,
      exampleOrdinals: info.ordinals,
      reason: { type: 'NEW_TEMPLATE', score: info.worst >= 4 ? 0.9 : info.worst === 3 ? 0.75 : 0.6, detail: `${info.count} record(s) match no baseline template${levelName ? `; worst level ${levelName}` : ''}` },
      extra: {},
    });
  });
  for (const candidate of templateOutliers(model, current, firstSeen, templateById, options.templateMargin ?? 0.05)) {
    countsByType.TEMPLATE_OUTLIER++;
    candidates.push(candidate);
  }
  for (const candidate of errorBursts(baseline, current, firstSeen, templateById)) {
    countsByType.ERROR_BURST++;
    candidates.push(candidate);
  }
  const sessionFindings = sessionOutliers(model, sessions);
  countsByType.SESSION_OUTLIER = sessionFindings.length;

  const merged = mergeCandidates(candidates, sessionFindings.slice(0, perTemplate * 4), options.runId);
  const kept = merged.sort(byScoreThenOrdinal).slice(0, options.maxAnomalies ?? 100);

  // Pass 2: fetch the anchor records and the contexts of the kept anomalies only.
  const plan = {
    sessions: new Map<string, { total: number }>(),
    windows: new Set<number>(),
    anomalous: new Set<number>(kept.flatMap((a) => [a.ordinal, ...(a.exampleOrdinals ?? [])])),
    anchors: new Set<number>(kept.flatMap((a) => [a.ordinal, ...(a.exampleOrdinals ?? [])])),
    ...(options.maxSessionLogs !== undefined && { maxSessionLogs: options.maxSessionLogs }),
    ...(options.windowRadius !== undefined && { windowRadius: options.windowRadius }),
  };
  for (const anomaly of kept) {
    const counter = anomaly.sessionId !== undefined ? sessions.sessions.get(anomaly.sessionId) : undefined;
    if (counter) plan.sessions.set(anomaly.sessionId!, { total: counter.records });
    else plan.windows.add(anomaly.ordinal);
  }
  const templateOf = (message: string) => {
    const cluster = miner.match(message);
    if (cluster >= 0) return idOfCluster[cluster];
    const fresh = newMiner.match(message);
    return fresh >= 0 ? newMiner.templateId(fresh) : undefined;
  };
  const collector = new ContextCollector(plan, templateOf);
  let second = 0;
  for await (const batch of openRecords()) {
    for (const record of batch) {
      fillSession?.(record);
      collector.add(record, second++);
    }
  }

  const anomalies = kept.map(({ ordinal, exampleOrdinals, ...anomaly }) => {
    const anchor = collector.anchor(ordinal)?.log;
    const context: AnomalyContext = contextFor(anomaly.sessionId, ordinal, collector, sessions);
    const examples = exampleOrdinals?.map((o) => collector.anchor(o)?.log).filter((l) => l !== undefined).map((l) => ({ source: l.source, line: l.line }));
    return {
      ...anomaly,
      source: anchor?.source ?? null,
      line: anchor?.line ?? null,
      ...(anchor?.level !== undefined && { level: anchor.level }),
      ...(anchor && { message: anchor.message }),
      ...(anchor?.durationMs !== undefined && anomaly.durationMs === undefined && { durationMs: anchor.durationMs }),
      ...(examples && examples.length > 0 && { examples }),
      context,
    } satisfies Anomaly;
  });

  return {
    runId: options.runId,
    modelId: model.id,
    records: ordinal,
    knownTemplates: current.size,
    newTemplates: newTemplates.length,
    sessions: sessions.sessions.size,
    countsByType,
    anomalies,
  };
}

/** Robust spike rule from baseline quantiles: centre = log1p(p50), scale = log-space IQR / 1.349. */
function spikeRule(stats: TemplateStats | undefined, minCount: number): SpikeRule | undefined {
  if (!stats || stats.durationCount < minCount) return undefined;
  const [p25, p50, p75, p99] = [0.25, 0.5, 0.75, 0.99].map((p) => stats.durationQuantile(p) ?? 0) as [number, number, number, number];
  // A floor on the scale: a template whose durations barely vary would otherwise flag every jitter.
  const scale = Math.max((Math.log1p(p75) - Math.log1p(p25)) / 1.349, 0.1);
  return { center: Math.log1p(p50), scale, p50, p99 };
}

function keepSpike(
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

function noteFirstSeen(firstSeen: Map<string, { ordinal: number; sessionId?: string; troubleOrdinal: number; troubleSession?: string }>, id: string, ordinal: number, record: LogRecord) {
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
function templateOutliers(model: Model, current: Baseline, firstSeen: Map<string, { ordinal: number; sessionId?: string }>, templateById: Map<string, string>, margin: number): Candidate[] {
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
    const seen = firstSeen.get(id)!;
    found.push({
      ordinal: seen.ordinal,
      ...(seen.sessionId !== undefined && { sessionId: seen.sessionId }),
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
function errorBursts(baseline: Baseline, current: Baseline, firstSeen: Map<string, { troubleOrdinal: number; troubleSession?: string }>, templateById: Map<string, string>): Candidate[] {
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
function sessionOutliers(model: Model, sessions: SessionTracker): (Candidate & { sessionId: string })[] {
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

type Pending = Omit<Anomaly, 'source' | 'line' | 'context'> & { ordinal: number; exampleOrdinals?: number[] };

/** Hybrid: findings on the same record become one anomaly with several reasons; a session finding joins an anomaly in its session. */
function mergeCandidates(candidates: Candidate[], sessionFindings: (Candidate & { sessionId: string })[], runId: string): Pending[] {
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

function contextFor(sessionId: string | undefined, ordinal: number, collector: ContextCollector, sessions: SessionTracker): AnomalyContext {
  const counter = sessionId !== undefined ? sessions.sessions.get(sessionId) : undefined;
  const collected = sessionId !== undefined ? collector.sessionLogs(sessionId) : undefined;
  if (counter && collected) {
    return { contextType: 'FULL_SESSION', sessionId: sessionId!, totalLogsInSession: collected.total, truncated: collected.truncated, metrics: sessions.metrics(counter), logs: collected.logs };
  }
  const window = collector.windowLogs(ordinal);
  return window ? { contextType: 'WINDOW', truncated: false, logs: window } : { contextType: 'NONE', truncated: false, logs: [] };
}

function byScoreThenOrdinal(a: { score: number; ordinal: number; reasons: AnomalyReason[] }, b: { score: number; ordinal: number; reasons: AnomalyReason[] }): number {
  const scoreA = a.score || a.reasons[0]!.score;
  const scoreB = b.score || b.reasons[0]!.score;
  return scoreB - scoreA || a.ordinal - b.ordinal;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const fmt = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1));
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
