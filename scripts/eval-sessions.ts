/**
 * Session outlier evaluation on HDFS_100k (loglizer's demo subset): trains the product's session
 * outlier model (shared/detect/session-outliers.ts, the same code detection runs) on the train
 * split's sessions and prints precision / recall / F1 / ROC-AUC on the test split and on all
 * sessions. Labels are used for scoring only.
 *
 *   npm run eval:sessions -- [--train normal|all] [--seed N] [--contamination C]
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SessionJudge, SessionSampler, sessionFeatures, type SessionShapes } from '../shared/detect/session-outliers.ts';

/** The dataset, relative to this file: `<repo>/../shared/datasets/hdfs-100k`. */
export const HDFS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/datasets/hdfs-100k');

/** One labelled HDFS block session. */
export interface HdfsSession {
  blockId: string;
  anomaly: boolean;
  split: 'train' | 'test';
  events: string[];
}

/** Detection quality at the model's threshold, plus the threshold-free ROC-AUC. */
export interface Metrics {
  sessions: number;
  anomalies: number;
  flagged: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
}

/** Options of {@link evaluateHdfsSessions}. */
export interface HdfsEvalOptions {
  seed?: number;
  /** Default: the product's default, 0.05. */
  contamination?: number;
  /**
   * Train on all train-split sessions (`all`, default: unsupervised, like production, where baseline
   * traffic is assumed mostly normal but is not filtered, and like loglizer) or only those labelled
   * normal (`normal`).
   */
  train?: 'all' | 'normal';
  dir?: string;
}

export interface HdfsEvalResult {
  options: Required<Omit<HdfsEvalOptions, 'dir'>>;
  trainSessions: number;
  threshold: number;
  trainMs: number;
  test: Metrics;
  all: Metrics;
}

/** Read `sessions.csv` (no quoted fields: the event sequence is space-separated). */
export function loadHdfsSessions(dir = HDFS_DIR): HdfsSession[] {
  if (!existsSync(resolve(dir, 'sessions.csv'))) {
    throw new Error(`HDFS_100k dataset not found at ${dir}: expected sessions.csv there (see its README.md)`);
  }
  const [header, ...lines] = readFileSync(resolve(dir, 'sessions.csv'), 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  const at = (name: string): number => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`${dir}/sessions.csv has no "${name}" column`);
    return i;
  };
  const [block, label, split, sequence] = [at('BlockId'), at('label01'), at('deeploglizer_split'), at('EventSequence')];
  return lines.map((line, i) => {
    const fields = line.split(',');
    if (fields[split] !== 'train' && fields[split] !== 'test') {
      throw new Error(`${dir}/sessions.csv line ${i + 2}: split "${fields[split]}" is neither train nor test`);
    }
    return {
      blockId: fields[block],
      anomaly: fields[label] === '1',
      split: fields[split],
      events: fields[sequence].split(' ').filter(Boolean),
    };
  });
}

/** Precision, recall and F1 of `flagged` against labels, and ROC-AUC of the scores. */
export function metrics(scores: number[], flagged: boolean[], labels: boolean[]): Metrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (flagged[i] && labels[i]) tp += 1;
    else if (flagged[i]) fp += 1;
    else if (labels[i]) fn += 1;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    sessions: labels.length,
    anomalies: tp + fn,
    flagged: tp + fp,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    rocAuc: rocAuc(scores, labels),
  };
}

/** Mann–Whitney ROC-AUC with average ranks for ties (scores tie a lot: few distinct count vectors). */
export function rocAuc(scores: number[], labels: boolean[]): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let positiveRankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j][0] === order[i][0]) j += 1;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (labels[order[k][1]]) {
        positiveRankSum += averageRank;
        positives += 1;
      }
    }
    i = j;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Every event id, in a fixed order: the columns of the count vectors (plus "other" at the end, as in the product). */
function vocabularyOf(sessions: HdfsSession[]): string[] {
  return [...new Set(sessions.flatMap((s) => s.events))].sort();
}

function countVector(events: string[], column: Map<string, number>): number[] {
  const vector = new Array<number>(column.size + 1).fill(0);
  for (const event of events) vector[column.get(event) ?? column.size]! += 1;
  return vector;
}

function evaluate(shapes: SessionShapes, vectors: number[][], labels: boolean[]): Metrics {
  const forest = shapes.forest!;
  const judge = new SessionJudge(shapes);
  const flagged = vectors.map((v) => judge.judge(v, String) !== null);
  // Ranking by the forest's own score (threshold-free ROC-AUC).
  const scores = vectors.map((v) => forest.score(sessionFeatures(v)));
  return metrics(scores, flagged, labels);
}

/**
 * Train the session model on HDFS_100k's train split and score the test split and all sessions.
 * Deterministic for a given seed.
 */
export function evaluateHdfsSessions(options: HdfsEvalOptions = {}): HdfsEvalResult {
  const resolved = {
    seed: options.seed ?? 1,
    contamination: options.contamination ?? 0.05,
    train: options.train ?? 'normal',
  } satisfies HdfsEvalResult['options'];
  const sessions = loadHdfsSessions(options.dir);
  // Training vocabulary only: events never seen in training land in the "other" column, as in detection.
  const training = sessions.filter((s) => s.split === 'train' && (resolved.train === 'all' || !s.anomaly));
  const column = new Map(vocabularyOf(training).map((id, i) => [id, i]));
  const started = performance.now();
  const sampler = new SessionSampler(20_000, resolved.seed);
  for (const s of training) sampler.add(countVector(s.events, column));
  // An explicit --contamination is used as given (as in the product); otherwise the threshold is calibrated on held-out sessions.
  const shapes = sampler.train({ seed: resolved.seed, contamination: resolved.contamination, explicitContamination: options.contamination !== undefined });
  const trainMs = performance.now() - started;
  const score = (subset: HdfsSession[]) => evaluate(shapes, subset.map((s) => countVector(s.events, column)), subset.map((s) => s.anomaly));
  return {
    options: resolved,
    trainSessions: training.length,
    threshold: shapes.threshold,
    trainMs,
    test: score(sessions.filter((s) => s.split === 'test')),
    all: score(sessions),
  };
}

function format(name: string, m: Metrics): string {
  const f = (x: number) => x.toFixed(3);
  return `${name.padEnd(5)} sessions=${m.sessions} anomalies=${m.anomalies} flagged=${m.flagged} precision=${f(m.precision)} recall=${f(m.recall)} f1=${f(m.f1)} roc_auc=${f(m.rocAuc)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      train: { type: 'string' },
      seed: { type: 'string' },
      contamination: { type: 'string' },
    },
  });
  const result = evaluateHdfsSessions({
    ...(values.train && { train: values.train as 'all' | 'normal' }),
    ...(values.seed && { seed: Number(values.seed) }),
    ...(values.contamination && { contamination: Number(values.contamination) }),
  });
  console.log(JSON.stringify(result.options));
  console.log(`trained on ${result.trainSessions} sessions in ${result.trainMs.toFixed(0)} ms; threshold ${result.threshold.toFixed(4)}`);
  console.log(format('test', result.test));
  console.log(format('all', result.all));
}
