/**
 * Detection as a resumable state machine, in two passes over the same input:
 *  1. `observe` every record: match it against the model, count, keep small candidate lists
 *     (strongest spikes per template, first lines of new templates, per-session counters);
 *  2. `collect` every record again: fetch only the context the kept anomalies need
 *     (their sessions, sampled when long, or ±10-record windows).
 * Memory grows with templates and sessions' counters, never with the records. `checkpoint()` at
 * any batch boundary and `Detector.resume()` continue elsewhere (a Lambda near its deadline):
 * re-open the input and skip `position` records of the current phase.
 */
import { ContextCollector, type ContextCollectorState, type PlannedSession, type RecordRef } from '../detect/context.ts';
import {
  byScoreThenOrdinal, contextFor, errorBursts, keepSpike, LEVEL_RANK, mergeCandidates, noteFirstSeen,
  sessionOutliers, spikeRule, spikesAreNews, templateOutliers, type Candidate, type CurrentTemplate, type FirstSeen, type Pending, type SpikeRule,
} from '../detect/findings.ts';
import { newTemplateCandidates, soundsLikeTrouble, type NewTemplateInfo } from '../detect/new-templates.ts';
import { sessionIdFromMessage } from '../detect/session-id.ts';
import { SessionTracker, type SessionTrackerState } from '../detect/session-tracker.ts';
import type { SpillStore } from '../detect/spill-store.ts';
import { ShapeCounter } from '../detect/template-features.ts';
import type { Anomaly, AnomalyType, SessionMetrics } from '../detect/types.ts';
import { ModelError } from '../errors.ts';
import type { LineSelector } from '../ingest/ingest.ts';
import type { LogRecord } from '../ingest/record.ts';
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
  /** Takes a session id out of messages (e.g. /blk_-?\d+/) for records whose fields have none. */
  sessionRegex?: RegExp;
  maxSessionLogs?: number;
  windowRadius?: number;
  /** Where per-session counters past `sessionBudget` live sessions go (see session-tracker.ts); without it all stay in memory. */
  spill?: SpillStore;
  /** Most sessions counted in memory at once when `spill` is given (default DEFAULT_SESSION_BUDGET). */
  sessionBudget?: number;
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
  /** The input's most frequent templates (known and new), most records first: what the HTML report charts. */
  templateCounts?: TemplateCount[];
  anomalies: Anomaly[];
}

/** How often one template occurred in the input, and how many of its records were WARN or worse. */
export interface TemplateCount { templateId: string; template: string; count: number; problems: number; isNew: boolean }

/** How many templates {@link DetectionResult.templateCounts} keeps. */
export const TEMPLATE_COUNTS_KEPT = 40;


/** Pass-1 counters: everything detection learns about the input before choosing anomalies. */
interface ObserveState {
  /** Per baseline cluster: this input's feature counters and where the template was first seen. */
  shapes: (ShapeCounter | undefined)[];
  firstSeen: (FirstSeen | undefined)[];
  spikes: Map<string, { count: number; top: Candidate[] }>;
  newMiner: TemplateMiner;
  newTemplates: NewTemplateInfo[];
  sessions: SessionTracker;
}

/** What pass 2 needs: the chosen anomalies and how to fetch their context. */
interface CollectState {
  summary: Omit<DetectionResult, 'anomalies'>;
  kept: Pending[];
  metrics: Map<number, SessionMetrics>;
  newMiner: TemplateMiner;
  collector: ContextCollector;
}

const CHECKPOINT_VERSION = 1;

export class Detector {
  private phaseName: 'observe' | 'collect' | 'done' = 'observe';
  private consumed = 0;
  private records = 0;
  private observeState?: ObserveState;
  private collectState?: CollectState;
  private readonly fillSession?: (record: LogRecord) => void;
  // Per-cluster lookups, computed once: the hot loop only indexes arrays.
  private readonly idOfCluster: string[];
  private readonly columnOfCluster: number[];
  private readonly templateById: Map<string, string>;
  private readonly spikeRules: (SpikeRule | undefined)[];
  private readonly spikeRuleById: Map<string, SpikeRule>;
  private readonly zThreshold: number;
  private readonly perTemplate: number;

  constructor(private readonly model: Model, private readonly options: DetectOptions) {
    const { miner, baseline } = model;
    this.idOfCluster = Array.from({ length: miner.clusterCount }, (_, c) => miner.templateId(c));
    const column = new Map(model.vocabulary.map((id, i) => [id, i]));
    this.columnOfCluster = this.idOfCluster.map((id) => column.get(id) ?? -1);
    this.templateById = new Map(this.idOfCluster.map((id, c) => [id, miner.template(c)]));
    this.zThreshold = options.z ?? 5;
    this.spikeRules = this.idOfCluster.map((id) => spikeRule(baseline.get(id), options.minBaselineCount ?? 30, this.zThreshold));
    this.spikeRuleById = new Map(this.idOfCluster.flatMap((id, c) => (this.spikeRules[c] ? [[id, this.spikeRules[c]!] as const] : [])));
    this.perTemplate = options.perTemplate ?? 5;
    if (options.sessionRegex) this.fillSession = sessionIdFromMessage(options.sessionRegex);
    this.observeState = { shapes: [], firstSeen: [], spikes: new Map(), newMiner: new TemplateMiner(), newTemplates: [], sessions: new SessionTracker({ spill: options.spill, budget: options.sessionBudget }) };
  }

  get phase(): 'observe' | 'collect' | 'done' {
    return this.phaseName;
  }

  /** Records consumed so far in the current phase. */
  get position(): number {
    return this.consumed;
  }

  /**
   * Pass 1: feed every record of the input, in order. `clusters`, when given, holds each record's
   * `model.miner.match(message)`, worked out elsewhere (worker threads).
   */
  observe(batch: LogRecord[], clusters?: Int32Array): void {
    const state = this.expect('observe', this.observeState);
    const { miner } = this.model;
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i]!;
      this.fillSession?.(record);
      const ordinal = this.consumed++;
      const cluster = clusters ? clusters[i]! : miner.match(record.message);
      if (cluster >= 0) {
        const level = record.level;
        (state.shapes[cluster] ??= new ShapeCounter()).add(record.durationMs, level === 'WARN' || level === 'ERROR' || level === 'FATAL');
        if (state.firstSeen[cluster] === undefined || (level && LEVEL_RANK[level] >= LEVEL_RANK.WARN)) noteFirstSeen(state.firstSeen, cluster, ordinal, record);
        const rule = this.spikeRules[cluster];
        if (rule && record.durationMs !== undefined && record.durationMs > rule.p99) {
          const z = (Math.log1p(record.durationMs) - rule.center) / rule.scale;
          const id = this.idOfCluster[cluster]!;
          if (z >= this.zThreshold) keepSpike(state.spikes, this.perTemplate, { id, template: this.templateById.get(id)!, z, rule, record, ordinal });
        }
      } else {
        const fresh = state.newMiner.add(record.message);
        const info = (state.newTemplates[fresh] ??= { count: 0, first: [], ordinal, worst: -1 });
        info.count++;
        if (info.first.length < 3) info.first.push({ source: record.source, line: record.line });
        if (info.sessionId === undefined && record.sessionId !== undefined) info.sessionId = record.sessionId;
        info.worst = Math.max(info.worst, record.level ? LEVEL_RANK[record.level] : -1);
        if (record.level === undefined && !info.troubleWords && soundsLikeTrouble(record.message)) info.troubleWords = true;
      }
      if (record.sessionId !== undefined) state.sessions.add(record.sessionId, ordinal, cluster, record);
    }
  }

  /** Ends pass 1: runs the detectors, merges and ranks their findings, and plans pass 2. */
  startCollecting(): void {
    const state = this.expect('observe', this.observeState);
    this.records = this.consumed;
    const candidates: Candidate[] = [];
    const countsByType: Record<AnomalyType, number> = { DURATION_SPIKE: 0, TEMPLATE_OUTLIER: 0, NEW_TEMPLATE: 0, ERROR_BURST: 0, SESSION_OUTLIER: 0 };
    const current = this.currentTemplates(state);
    // A storm of spikes in one template is one finding: the strongest record, its runners-up as examples,
    // the total count. Spikes no more frequent than the baseline's own slow tail are no finding at all.
    const recordsOf = new Map(current.map((t) => [t.id, t.shape.count]));
    for (const [id, { count, top }] of state.spikes) {
      const strongest = top[0]!;
      const rule = this.spikeRuleById.get(id);
      const records = recordsOf.get(id) ?? count;
      const baseRecords = this.model.baseline.get(id)?.durationCount ?? 0;
      if (rule && !spikesAreNews(rule, count, strongest.extra.durationMs!, records, baseRecords)) continue;
      countsByType.DURATION_SPIKE += count;
      const share = count / Math.max(records, 1);
      const detail = count > 1
        ? `${strongest.reason.detail}; ${count} spikes in this template${share >= 0.5 ? ` (${Math.round(share * 100)} % of its records: systemic, the whole template got slower)` : ''}`
        : strongest.reason.detail;
      candidates.push({ ...strongest, reason: { ...strongest.reason, detail }, count, examples: top.map((c) => c.at) });
    }
    const known = [...this.templateById].map(([id, template]) => ({ id, template }));
    for (const candidate of newTemplateCandidates(state.newTemplates, (f) => state.newMiner.template(f), (f) => state.newMiner.templateId(f), known)) {
      countsByType.NEW_TEMPLATE++;
      candidates.push(candidate);
    }
    for (const candidate of templateOutliers(this.model, current, this.records, this.options.templateMargin ?? 0.05, state.spikes)) {
      countsByType.TEMPLATE_OUTLIER++;
      candidates.push(candidate);
    }
    for (const candidate of errorBursts(this.model, current)) {
      countsByType.ERROR_BURST++;
      candidates.push(candidate);
    }
    const vocabulary = this.model.vocabulary;
    const { findings: sessionFindings, flagged } = sessionOutliers(this.model, state.sessions, this.columnOfCluster,
      (column) => this.templateById.get(vocabulary[column] ?? '') ?? '(a template new in this input)');
    countsByType.SESSION_OUTLIER = flagged;

    const merged = mergeCandidates(candidates, sessionFindings.slice(0, this.perTemplate * 4), this.options.runId);
    const kept = merged.sort(byScoreThenOrdinal).slice(0, this.options.maxAnomalies ?? 100);

    const plan = {
      sessions: new Map<number, PlannedSession>(),
      windows: [] as RecordRef[],
      marked: kept.flatMap((a) => [a.at, ...(a.exampleRefs ?? [])]),
      ...(this.options.maxSessionLogs !== undefined && { maxSessionLogs: this.options.maxSessionLogs }),
      ...(this.options.windowRadius !== undefined && { windowRadius: this.options.windowRadius }),
    };
    const metrics = new Map<number, SessionMetrics>();
    for (const anomaly of kept) {
      const index = anomaly.session ? state.sessions.indexOf(anomaly.session.key) : undefined;
      if (index !== undefined) {
        const key = anomaly.session!.key;
        plan.sessions.set(key, { total: state.sessions.records(index), id: anomaly.sessionId! });
        metrics.set(key, state.sessions.metrics(index));
      } else plan.windows.push(anomaly.at);
    }
    this.collectState = {
      summary: {
        runId: this.options.runId, modelId: this.model.id, records: this.records, knownTemplates: current.length,
        newTemplates: state.newTemplates.length, sessions: state.sessions.size, countsByType,
        templateCounts: [
          ...current.map((t) => ({ templateId: t.id, template: t.template, count: t.shape.count, problems: t.shape.problems, isNew: false })),
          ...state.newTemplates.map((info, fresh) => ({ templateId: state.newMiner.templateId(fresh), template: state.newMiner.template(fresh), count: info.count, problems: 0, isNew: true })),
        ].sort((a, b) => b.count - a.count || a.templateId.localeCompare(b.templateId)).slice(0, TEMPLATE_COUNTS_KEPT),
      },
      kept, metrics, newMiner: state.newMiner,
      collector: new ContextCollector(plan, (message) => this.templateOf(message)),
    };
    this.observeState = undefined;
    this.phaseName = 'collect';
    this.consumed = 0;
  }

  /**
   * False when pass 1 kept no anomaly: pass 2 would collect nothing, so `finish()` may follow
   * `startCollecting()` at once, without reading the input again.
   */
  get needsCollecting(): boolean {
    return this.expect('collect', this.collectState).kept.length > 0;
  }

  /**
   * Which lines pass 2 needs: give it to ingest (`select`) so the rest is not parsed. Reading
   * everything also works, only slower.
   */
  get select(): LineSelector {
    return this.expect('collect', this.collectState).collector.select;
  }

  /** Pass 2: feed the records of the input again, in the same order (all, or those `select` chose). */
  collect(batch: LogRecord[]): void {
    const state = this.expect('collect', this.collectState);
    for (const record of batch) {
      this.fillSession?.(record);
      this.consumed++;
      state.collector.add(record);
    }
  }

  /** Ends pass 2 and returns the anomalies with their records and contexts. */
  finish(): DetectionResult {
    const state = this.expect('collect', this.collectState);
    this.phaseName = 'done';
    const { collector, metrics } = state;
    const anomalies = state.kept.map(({ ordinal: _ordinal, at, exampleRefs, session, ...anomaly }): Anomaly => {
      const anchor = collector.anchor(at)?.log;
      if (!anchor) throw new ModelError(`the input changed between the two passes (${at.source}:${at.line} is gone): run detection again`);
      const result: Anomaly = {
        ...anomaly,
        source: anchor.source,
        line: anchor.line,
        ...(anchor.level !== undefined && { level: anchor.level }),
        message: anchor.message,
        ...(anchor.durationMs !== undefined && anomaly.durationMs === undefined && { durationMs: anchor.durationMs }),
        ...(exampleRefs && exampleRefs.length > 1 && { examples: exampleRefs }),
        context: contextFor(session, at, collector, metrics),
      };
      return withSurroundings(result);
    });
    // Stable: equal scores keep the pass-1 order (by ordinal).
    anomalies.sort((a, b) => b.score - a.score);
    return { ...state.summary, anomalies };
  }

  /** This input's counters per baseline template (clusters that share a final template id are one template). */
  private currentTemplates(state: ObserveState): CurrentTemplate[] {
    const byId = new Map<string, CurrentTemplate>();
    state.shapes.forEach((shape, cluster) => {
      if (!shape) return;
      const id = this.idOfCluster[cluster]!;
      const first = state.firstSeen[cluster]!;
      const entry = byId.get(id);
      if (!entry) {
        byId.set(id, { id, template: this.templateById.get(id)!, shape: new ShapeCounter().merge(shape), first: { ...first } });
        return;
      }
      entry.shape.merge(shape);
      if (first.ordinal < entry.first.ordinal) entry.first = { ...first, ...(entry.first.trouble && { trouble: entry.first.trouble }) };
      if (first.trouble && (!entry.first.trouble || first.trouble.ordinal < entry.first.trouble.ordinal)) entry.first.trouble = first.trouble;
    });
    return [...byId.values()];
  }

  /** The whole state as plain JSON data. */
  checkpoint(): DetectorCheckpoint {
    const base = { version: CHECKPOINT_VERSION, runId: this.options.runId, modelId: this.model.id, position: this.consumed };
    if (this.phaseName === 'observe') {
      const s = this.observeState!;
      return {
        ...base, phase: 'observe',
        shapes: s.shapes.map((shape) => shape?.toJSON() ?? null), firstSeen: s.firstSeen.map((f) => f ?? null), spikes: [...s.spikes],
        newMiner: s.newMiner.toJSON(), newTemplates: s.newTemplates, sessions: s.sessions.toJSON(),
      };
    }
    const s = this.expect('collect', this.collectState);
    return {
      ...base, phase: 'collect', summary: s.summary, kept: s.kept, metrics: [...s.metrics],
      newMiner: s.newMiner.toJSON(), collector: s.collector.toJSON(),
    };
  }

  /** Continues from a checkpoint taken with the same model and options. */
  static resume(model: Model, options: DetectOptions, checkpoint: unknown): Detector {
    const c = checkpoint as DetectorCheckpoint;
    if (c?.version !== CHECKPOINT_VERSION) throw new ModelError('the detection checkpoint is from another logsleuth version: start the run again');
    if (c.modelId !== model.id || c.runId !== options.runId) throw new ModelError(`the checkpoint belongs to run ${c.runId} with model ${c.modelId}, not ${options.runId} with ${model.id}`);
    const detector = new Detector(model, options);
    detector.consumed = c.position;
    if (c.phase === 'observe') {
      detector.observeState = {
        shapes: c.shapes.map((shape) => (shape ? ShapeCounter.fromJSON(shape) : undefined)),
        firstSeen: c.firstSeen.map((f) => f ?? undefined),
        spikes: new Map(c.spikes),
        newMiner: TemplateMiner.fromJSON(c.newMiner), newTemplates: c.newTemplates, sessions: SessionTracker.fromJSON(c.sessions, { spill: options.spill, budget: options.sessionBudget }),
      };
      return detector;
    }
    const newMiner = TemplateMiner.fromJSON(c.newMiner);
    detector.observeState = undefined;
    detector.phaseName = 'collect';
    detector.records = c.summary.records;
    detector.collectState = {
      summary: c.summary, kept: c.kept, metrics: new Map(c.metrics), newMiner,
      collector: ContextCollector.fromJSON(c.collector, (message) => detector.templateOf(message)),
    };
    return detector;
  }

  /** The template id of a message: a baseline template, else a template new in this input. */
  private templateOf(message: string): string | undefined {
    const cluster = this.model.miner.match(message);
    if (cluster >= 0) return this.idOfCluster[cluster];
    const newMiner = this.collectState?.newMiner ?? this.observeState?.newMiner;
    const fresh = newMiner ? newMiner.match(message) : -1;
    return fresh >= 0 ? newMiner!.templateId(fresh) : undefined;
  }

  private expect<T>(phase: 'observe' | 'collect', state: T | undefined): T {
    if (this.phaseName !== phase || !state) throw new Error(`detector is in phase ${this.phaseName}, not ${phase}`);
    return state;
  }
}

export type DetectorCheckpoint =
  | {
      version: number; runId: string; modelId: string; position: number; phase: 'observe';
      shapes: (ReturnType<ShapeCounter['toJSON']> | null)[]; firstSeen: (FirstSeen | null)[]; spikes: [string, { count: number; top: Candidate[] }][];
      newMiner: ReturnType<TemplateMiner['toJSON']>; newTemplates: NewTemplateInfo[]; sessions: SessionTrackerState;
    }
  | {
      version: number; runId: string; modelId: string; position: number; phase: 'collect';
      summary: Omit<DetectionResult, 'anomalies'>; kept: Pending[]; metrics: [number, SessionMetrics][];
      newMiner: ReturnType<TemplateMiner['toJSON']>; collector: ContextCollectorState;
    };

const SEVERE = new Set(['ERROR', 'FATAL']);

/**
 * The last word on a finding's score, once its context is known: a finding whose own record is an
 * error, or that has errors around it in its session or window, is more likely a real incident than
 * the same finding among quiet INFO lines. Each lifts the score part of the way to 1.
 */
function withSurroundings(anomaly: Anomaly): Anomaly {
  let score = anomaly.score;
  // A new template's score already rests on its level.
  if (anomaly.type !== 'NEW_TEMPLATE' && anomaly.level !== undefined && SEVERE.has(anomaly.level)) score += (1 - score) * 0.2;
  if (anomaly.context.logs.some((log) => !log.anomalous && log.level !== undefined && SEVERE.has(log.level))) score += (1 - score) * 0.2;
  return score === anomaly.score ? anomaly : { ...anomaly, score: Math.round(score * 1000) / 1000 };
}
