/**
 * Session outlier evaluation on HDFS_100k (loglizer's demo subset): trains the session Isolation
 * Forest on the train split's sessions and prints precision / recall / F1 / ROC-AUC on the test split
 * and on all sessions. Labels are used for scoring only.
 *
 *   npx tsx scripts/eval-sessions.ts [--transform log1p|tfidf|raw] [--train all|normal] [--seed N] [--contamination C]
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import {
  trainSessionOutliers,
  type SessionOutlierModel,
  type SessionTransform,
} from '../shared/forest/session-outliers.ts';

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
  trees?: number;
  sampleSize?: number;
  contamination?: number;
  transform?: SessionTransform;
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

function evaluate(model: SessionOutlierModel, sessions: HdfsSession[]): Metrics {
  const results = sessions.map((s) => model.score(s.events));
  // A session with a template the forest cannot see (never in a training session) counts as an
  // outlier: the production pipeline reports those as NEW_TEMPLATE anyway.
  const flagged = results.map((r) => r.isOutlier || r.unseenTemplates.length > 0);
  const scores = results.map((r) => (r.unseenTemplates.length > 0 ? 1 : r.score));
  return metrics(scores, flagged, sessions.map((s) => s.anomaly));
}

/**
 * Train the session forest on HDFS_100k's train split and score the test split and all sessions.
 * Deterministic for a given seed.
 */
export function evaluateHdfsSessions(options: HdfsEvalOptions = {}): HdfsEvalResult {
  const resolved = {
    seed: options.seed ?? 1,
    trees: options.trees ?? 100,
    sampleSize: options.sampleSize ?? 256,
    // loglizer's HDFS Isolation Forest demo uses contamination 0.03 ("estimate the ratio of anomaly
    // samples"); chosen from that, not from this split's labels. See the report for 0.05.
    contamination: options.contamination ?? 0.03,
    transform: options.transform ?? 'log1p',
    train: options.train ?? 'all',
  } satisfies HdfsEvalResult['options'];
  const sessions = loadHdfsSessions(options.dir);
  const training = sessions.filter((s) => s.split === 'train' && (resolved.train === 'all' || !s.anomaly));
  const started = performance.now();
  const model = trainSessionOutliers(
    training.map((s) => s.events),
    {
      seed: resolved.seed,
      trees: resolved.trees,
      sampleSize: resolved.sampleSize,
      contamination: resolved.contamination,
      transform: resolved.transform,
    },
  );
  const trainMs = performance.now() - started;
  return {
    options: resolved,
    trainSessions: training.length,
    threshold: model.forest.threshold,
    trainMs,
    test: evaluate(model, sessions.filter((s) => s.split === 'test')),
    all: evaluate(model, sessions),
  };
}

function format(name: string, m: Metrics): string {
  const f = (x: number) => x.toFixed(3);
  return `${name.padEnd(5)} sessions=${m.sessions} anomalies=${m.anomalies} flagged=${m.flagged} precision=${f(m.precision)} recall=${f(m.recall)} f1=${f(m.f1)} roc_auc=${f(m.rocAuc)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      transform: { type: 'string' },
      train: { type: 'string' },
      seed: { type: 'string' },
      contamination: { type: 'string' },
      trees: { type: 'string' },
    },
  });
  const result = evaluateHdfsSessions({
    ...(values.transform && { transform: values.transform as SessionTransform }),
    ...(values.train && { train: values.train as 'all' | 'normal' }),
    ...(values.seed && { seed: Number(values.seed) }),
    ...(values.contamination && { contamination: Number(values.contamination) }),
    ...(values.trees && { trees: Number(values.trees) }),
  });
  console.log(JSON.stringify(result.options));
  console.log(`trained on ${result.trainSessions} sessions in ${result.trainMs.toFixed(0)} ms; threshold ${result.threshold.toFixed(4)}`);
  console.log(format('test', result.test));
  console.log(format('all', result.all));
}
