/**
 * Training stage: one streaming pass mines templates and accumulates per-template statistics
 * and per-session counters; then the template and session forests are fitted.
 * Same function for the CLI and the training Lambda.
 */
import { Baseline } from '../baseline/baseline.ts';
import { TemplateStats } from '../baseline/template-stats.ts';
import { sessionIdFromMessage } from '../detect/session-id.ts';
import { SessionTracker } from '../detect/session-tracker.ts';
import { SessionSampler } from '../detect/session-outliers.ts';
import { shapeOf, templateDeviation, TEMPLATE_FEATURES, ShapeCounter } from '../detect/template-features.ts';
import { trainForest, type ForestModel } from '../forest/index.ts';
import type { LogRecord } from '../ingest/record.ts';
import { sealModel, type Model } from '../model/model.ts';
import { Reservoir } from '../reservoir.ts';
import { TemplateMiner } from '../templates/index.ts';

export interface TrainOptions {
  seed?: number;
  /** Expected share of outliers in the baseline; sets the forests' thresholds (default 0.05). */
  contamination?: number;
  /** Takes a session id out of messages that have none in their fields. */
  sessionRegex?: RegExp;
  /** Most session vectors kept for the session forest (a seeded reservoir sample; default 20 000). */
  maxSessionSamples?: number;
  /**
   * Records per smallest baseline window whose template changes train the template forest (default 1000).
   * Windows 4× and 16× as long are used too, so rare templates (too few records in a short window) are learnt as well.
   */
  windowRecords?: number;
  /**
   * Records for which this says true are also counted in a separate baseline, the *slice*, keyed by
   * the model's final template ids (see {@link trainModelWithSlice}): how the nightly job gets the
   * last day's statistics under the same template ids as the retrained model.
   */
  slice?: (record: LogRecord) => boolean;
}

/** Fewer template-window rows or sessions than this and the forest would only learn noise: it is left out. */
const MIN_TEMPLATE_ROWS = 30;
const MIN_SESSIONS_FOR_FOREST = 50;
const MAX_TEMPLATE_ROWS = 10_000;
/** A template needs this many records in a window, and this many before it, for its change to be meaningful. */
const MIN_WINDOW_COUNT = 10;
const MIN_PRIOR_COUNT = 50;

export async function trainModel(batches: AsyncIterable<LogRecord[]>, options: TrainOptions = {}): Promise<Model> {
  return (await trainModelWithSlice(batches, options)).model;
}

/** {@link trainModel}, also returning the baseline of the records `options.slice` selected (empty without it). */
export async function trainModelWithSlice(batches: AsyncIterable<LogRecord[]>, options: TrainOptions = {}): Promise<{ model: Model; slice: Baseline }> {
  const sliceByCluster: TemplateStats[] = [];
  const seed = options.seed ?? 42;
  const contamination = options.contamination ?? 0.05;
  const miner = new TemplateMiner();
  const statsByCluster: TemplateStats[] = [];
  const sessions = new SessionTracker();
  const sources = new Set<string>();
  const fillSession = options.sessionRegex ? sessionIdFromMessage(options.sessionRegex) : undefined;
  const windowRecords = options.windowRecords ?? 1000;
  const templateRows = new Reservoir<{ cluster: number; features: number[] }>(MAX_TEMPLATE_ROWS, seed ^ 0x7e3);
  const scales = [windowRecords, windowRecords * 4, windowRecords * 16];
  const windowShapes: ShapeCounter[][] = scales.map(() => []);
  let ordinal = 0;

  for await (const batch of batches) {
    for (const record of batch) {
      fillSession?.(record);
      const cluster = miner.add(record.message);
      (statsByCluster[cluster] ??= new TemplateStats()).add(record);
      if (options.slice?.(record)) (sliceByCluster[cluster] ??= new TemplateStats()).add(record);
      const problem = record.level === 'WARN' || record.level === 'ERROR' || record.level === 'FATAL';
      for (const shapes of windowShapes) (shapes[cluster] ??= new ShapeCounter()).add(record.durationMs, problem);
      if (record.sessionId !== undefined) sessions.add(record.sessionId, ordinal, cluster, record);
      sources.add(record.source);
      ordinal++;
      scales.forEach((scale, k) => {
        if (ordinal % scale !== 0) return;
        // How much each template's window differs from everything before it: the normal wobble.
        windowShapes[k]!.forEach((shape, c) => {
          const prior = statsByCluster[c]!;
          if (shape.count >= MIN_WINDOW_COUNT && prior.count - shape.count >= MIN_PRIOR_COUNT) {
            templateRows.offer({ cluster: c, features: templateDeviation(shape, scale, shapeOf(prior), ordinal) });
          }
        });
        windowShapes[k] = [];
      });
    }
  }

  // Clusters are final only now: key everything by the final template ids.
  const baseline = new Baseline();
  const vocabulary: string[] = [];
  const column = new Map<string, number>();
  const columnOfCluster = statsByCluster.map((stats, cluster) => {
    const id = miner.templateId(cluster);
    baseline.mergeTemplate(id, stats);
    if (!column.has(id)) {
      column.set(id, vocabulary.length);
      vocabulary.push(id);
    }
    return column.get(id)!;
  });

  const rows = templateRows.items;
  const templateForest = rows.length >= MIN_TEMPLATE_ROWS ? trainForest(rows.map((r) => r.features), { seed, contamination, featureNames: TEMPLATE_FEATURES }) : undefined;
  const baselineTemplateScores = templateForest ? ownBaselineScores(templateForest, rows, vocabulary, columnOfCluster) : {};

  const sampler = new SessionSampler(options.maxSessionSamples ?? 20_000, seed);
  for (let index = 0; index < sessions.size; index++) sampler.add(sessions.vector(index, vocabulary.length, (cluster) => columnOfCluster[cluster]!));
  const shapes = sampler.train({ seed: seed + 1, contamination, minSessions: MIN_SESSIONS_FOR_FOREST, explicitContamination: options.contamination !== undefined });
  const sessionForest = shapes.forest;

  const slice = new Baseline();
  sliceByCluster.forEach((stats, cluster) => slice.mergeTemplate(miner.templateId(cluster), stats));

  const model = sealModel({
    seed,
    miner,
    baseline,
    vocabulary,
    ...(templateForest && { templateForest }),
    baselineTemplateScores,
    ...(sessionForest && { sessionForest }),
    commonSessionMixes: shapes.commonMixes,
    sessionGate: { threshold: shapes.threshold, calibratedThreshold: shapes.calibratedThreshold, seenColumns: shapes.seenColumns, maxCounts: shapes.maxCounts },
    training: { records: ordinal, sessions: sessions.size, sources: [...sources].sort() },
  });
  return { model, slice };
}

/**
 * A template's "own baseline score": the median forest score of its own baseline windows, so a
 * template that always wobbles a lot is judged against its usual wobble. Templates without windows
 * get the score of the zero vector (exactly like the baseline).
 */
function ownBaselineScores(forest: ForestModel, rows: { cluster: number; features: number[] }[], vocabulary: string[], columnOfCluster: number[]): Record<string, number> {
  const byTemplate = new Map<string, number[]>();
  for (const row of rows) {
    const id = vocabulary[columnOfCluster[row.cluster]!]!;
    byTemplate.set(id, [...(byTemplate.get(id) ?? []), forest.score(row.features)]);
  }
  const zero = forest.score(TEMPLATE_FEATURES.map(() => 0));
  return Object.fromEntries(vocabulary.map((id) => {
    const scores = (byTemplate.get(id) ?? []).sort((a, b) => a - b);
    return [id, scores.length ? scores[Math.floor(scores.length / 2)]! : zero];
  }));
}

