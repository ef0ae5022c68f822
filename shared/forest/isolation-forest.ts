import { IsolationForest, type IsolationTreeNode } from 'ml-isolation-forest';
import { z } from 'zod';

import { createRandom } from '../random.ts';
import { averagePathLength } from './average-path-length.ts';
import { ForestInputError, ForestModelFormatError } from './errors.ts';
import { withSeededMathRandom } from './seeded-math-random.ts';

/** Options of {@link trainForest}. */
export interface ForestOptions {
  /** Seed of the PRNG used for sampling and splits: the same rows and seed give the same model. */
  seed: number;
  /** Number of trees (default 100, as in the iForest paper). */
  trees?: number;
  /** Rows per tree, ψ (default 256, as in the paper); capped at the number of rows. */
  sampleSize?: number;
  /** Expected share of anomalies in the training rows, in [0, 0.5] (default 0.05); sets the threshold. */
  contamination?: number;
  /** One name per column, used in error messages and stored with the model. */
  featureNames?: string[];
}

/** A column that had one value in every training row, so no tree can split on it. */
export interface DroppedColumn {
  column: number;
  name?: string;
  value: number;
}

/** The stored form of a {@link ForestModel}: tree structure only, no training rows. */
export interface ForestModelJSON {
  format: 'logsleuth-isolation-forest';
  version: 1;
  /** Width of the rows the model scores (including dropped columns). */
  featureCount: number;
  featureNames?: string[];
  droppedColumns: DroppedColumn[];
  /** ψ actually used. */
  sampleSize: number;
  contamination: number;
  threshold: number;
  seed: number;
  /**
   * All trees' nodes in pre-order, as parallel arrays. Node i of a tree: `column[i]` is the split
   * column (an index into the full row) or −1 for a leaf; `value[i]` is the split value, or the
   * number of training rows in the leaf; the left child is i + 1 and the right child is `right[i]`
   * (−1 for a leaf). `roots[t]` is the first node of tree t.
   */
  roots: number[];
  column: number[];
  value: number[];
  right: number[];
}

const FORMAT = 'logsleuth-isolation-forest';

/**
 * A trained isolation forest: scores rows in (0, 1], higher = easier to isolate = more anomalous
 * (about 0.5 is "as deep as an average point"; the paper suggests > 0.6 is suspicious).
 *
 * Immutable; build it with {@link trainForest} or {@link ForestModel.fromJSON}.
 */
export class ForestModel {
  /** Width of the rows the model scores (including dropped columns). */
  readonly featureCount: number;
  readonly featureNames?: readonly string[];
  /** Columns constant in training; they are ignored when scoring. */
  readonly droppedColumns: readonly DroppedColumn[];
  /** ψ, the rows each tree was built from. */
  readonly sampleSize: number;
  readonly contamination: number;
  /** Scores above this are anomalies: the (1 − contamination) quantile of the training scores. */
  readonly threshold: number;
  readonly seed: number;
  private readonly roots: Int32Array;
  private readonly column: Int32Array;
  private readonly value: Float64Array;
  private readonly right: Int32Array;
  /** c(leaf size) per leaf node, precomputed for scoring. */
  private readonly leafAdjustment: Float64Array;
  private readonly normaliser: number;

  /** @internal Use {@link trainForest} or {@link ForestModel.fromJSON}. */
  constructor(json: ForestModelJSON) {
    this.featureCount = json.featureCount;
    if (json.featureNames) this.featureNames = [...json.featureNames];
    this.droppedColumns = json.droppedColumns.map((d) => ({ ...d }));
    this.sampleSize = json.sampleSize;
    this.contamination = json.contamination;
    this.threshold = json.threshold;
    this.seed = json.seed;
    this.roots = Int32Array.from(json.roots);
    this.column = Int32Array.from(json.column);
    this.value = Float64Array.from(json.value);
    this.right = Int32Array.from(json.right);
    this.leafAdjustment = new Float64Array(this.column.length);
    for (let i = 0; i < this.column.length; i++) {
      if (this.column[i] < 0) this.leafAdjustment[i] = averagePathLength(this.value[i]);
    }
    this.normaliser = averagePathLength(this.sampleSize);
  }

  /** Number of trees. */
  get trees(): number {
    return this.roots.length;
  }

  /**
   * Mean path length E[h(x)] of a row over all trees; a leaf holding m > 1 training rows adds c(m)
   * for the subtree that the height limit cut off.
   * @throws ForestInputError when the row has the wrong width or a NaN/±Infinity value.
   */
  pathLength(row: readonly number[]): number {
    checkRow(row, 'row', this.featureCount, this.featureNames);
    const { column, value, right, leafAdjustment } = this;
    let total = 0;
    for (let t = 0; t < this.roots.length; t++) {
      let node = this.roots[t];
      let depth = 0;
      while (column[node] >= 0) {
        // Same comparison as the library's trees: strictly smaller goes left.
        node = row[column[node]] < value[node] ? node + 1 : right[node];
        depth += 1;
      }
      total += depth + leafAdjustment[node];
    }
    return total / this.roots.length;
  }

  /**
   * Anomaly score s = 2^(−E[h(x)] / c(ψ)) as in the iForest paper, normalised by the sample size ψ
   * (not the training-set size, as ml-isolation-forest does).
   * @throws ForestInputError when the row has the wrong width or a NaN/±Infinity value.
   */
  score(row: readonly number[]): number {
    return 2 ** (-this.pathLength(row) / this.normaliser);
  }

  /** {@link ForestModel.score} of each row. */
  scoreMany(rows: readonly (readonly number[])[]): number[] {
    return rows.map((row) => this.score(row));
  }

  /** Whether a score is above the contamination threshold (strictly, as scikit-learn does). */
  isAnomaly(score: number): boolean {
    return score > this.threshold;
  }

  /**
   * Dropped (constant-in-training) columns where `row` has another value. The trees cannot see such
   * a difference, so callers that care (e.g. a template never seen in training) check it here.
   */
  deviatingDroppedColumns(row: readonly number[]): DroppedColumn[] {
    return this.droppedColumns.filter((d) => row[d.column] !== d.value);
  }

  /** Tree structure and settings only (no training rows): a few hundred kB for 100 trees. */
  toJSON(): ForestModelJSON {
    const json: ForestModelJSON = {
      format: FORMAT,
      version: 1,
      featureCount: this.featureCount,
      droppedColumns: this.droppedColumns.map((d) => ({ ...d })),
      sampleSize: this.sampleSize,
      contamination: this.contamination,
      threshold: this.threshold,
      seed: this.seed,
      roots: Array.from(this.roots),
      column: Array.from(this.column),
      value: Array.from(this.value),
      right: Array.from(this.right),
    };
    if (this.featureNames) json.featureNames = [...this.featureNames];
    return json;
  }

  /**
   * Load a model saved with {@link ForestModel.toJSON}; it scores exactly as the saved one did.
   * @throws ForestModelFormatError naming every malformed field, or a broken tree.
   */
  static fromJSON(json: unknown): ForestModel {
    const parsed = modelSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new ForestModelFormatError(`not a usable forest model (format ${FORMAT} version 1): ${problems.join('; ')}`);
    }
    checkStructure(parsed.data);
    return new ForestModel(parsed.data);
  }
}

/**
 * Train an isolation forest on `rows` (each a vector of the same width).
 *
 * Built on ml-isolation-forest's tree code, with that package's 0.1.0 defects worked around:
 * each tree gets its own ψ-row sample and a height limit of ceil(log2 ψ) (the package trains every
 * tree on all rows, one level deeper); its `Math.random` calls are fed a seeded PRNG, the global
 * being swapped only around each tree's synchronous build (see seeded-math-random.ts); only the
 * tree structure is kept (the package keeps the rows in every leaf); every call starts from fresh
 * trees; scores use the paper's normaliser; NaN/±Infinity are rejected and constant columns dropped;
 * a threshold is derived from `contamination`.
 *
 * @throws ForestInputError for fewer than 2 rows, rows of different widths, NaN/±Infinity values
 *   (naming the row and column), or invalid options.
 */
export function trainForest(rows: readonly (readonly number[])[], options: ForestOptions): ForestModel {
  const { seed, trees = 100, sampleSize = 256, contamination = 0.05, featureNames } = options;
  checkOptions(rows, { seed, trees, sampleSize, contamination, featureNames });
  const width = rows[0].length;
  rows.forEach((row, i) => checkRow(row, `row ${i}`, width, featureNames));

  const dropped = constantColumns(rows, featureNames);
  const droppedSet = new Set(dropped.map((d) => d.column));
  const used = Array.from({ length: width }, (_, c) => c).filter((c) => !droppedSet.has(c));

  const psi = Math.min(sampleSize, rows.length);
  const heightLimit = Math.ceil(Math.log2(psi));
  const random = createRandom(seed);
  const order = Int32Array.from({ length: rows.length }, (_, i) => i);
  const flat = { roots: [] as number[], column: [] as number[], value: [] as number[], right: [] as number[] };

  for (let t = 0; t < trees; t++) {
    // Partial Fisher–Yates: the first psi entries of `order` become a uniform sample without replacement.
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(random() * (rows.length - i));
      const swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    const sample: number[][] = [];
    for (let i = 0; i < psi; i++) {
      const row = rows[order[i]];
      sample.push(used.map((c) => row[c]));
    }
    flat.roots.push(flat.column.length);
    if (used.length === 0) {
      // Nothing to split on: every row is alike, one leaf holds the whole sample.
      pushLeaf(flat, psi);
    } else {
      // A fresh one-tree library forest per sample, so no trees or rows carry over between calls.
      const library = new IsolationForest({ nEstimators: 1 });
      // The library draws split columns and values from Math.random: feed it the same seeded stream
      // the sampling above draws from, for this one synchronous call only.
      withSeededMathRandom(random, () => library.train(sample));
      flatten(library.forest[0], 0, heightLimit, used, flat);
    }
  }

  const draft = new ForestModel({
    format: FORMAT,
    version: 1,
    featureCount: width,
    ...(featureNames ? { featureNames: [...featureNames] } : {}),
    droppedColumns: dropped,
    sampleSize: psi,
    contamination,
    threshold: Number.POSITIVE_INFINITY,
    seed,
    ...flat,
  });
  const threshold = quantile(draft.scoreMany(rows), 1 - contamination);
  return new ForestModel({ ...draft.toJSON(), threshold });
}

interface FlatTrees {
  roots: number[];
  column: number[];
  value: number[];
  right: number[];
}

function pushLeaf(flat: FlatTrees, size: number): void {
  flat.column.push(-1);
  flat.value.push(size);
  flat.right.push(-1);
}

/**
 * Copy a library tree into the flat arrays in pre-order, mapping split columns back to full-row
 * indices. The library splits while depth ≤ maxDepth, one level more than the paper's height limit,
 * so nodes at the limit become leaves holding all rows below them.
 */
function flatten(node: IsolationTreeNode, depth: number, heightLimit: number, used: number[], flat: FlatTrees): void {
  if (node.left === undefined || node.right === undefined || depth >= heightLimit) {
    pushLeaf(flat, rowsBelow(node));
    return;
  }
  const index = flat.column.length;
  flat.column.push(used[node.splitColumn!]);
  flat.value.push(node.splitValue!);
  flat.right.push(-1);
  flatten(node.left, depth + 1, heightLimit, used, flat);
  flat.right[index] = flat.column.length;
  flatten(node.right, depth + 1, heightLimit, used, flat);
}

function rowsBelow(node: IsolationTreeNode): number {
  if (node.left === undefined || node.right === undefined) return node.trainingSet?.length ?? 0;
  return rowsBelow(node.left) + rowsBelow(node.right);
}

function constantColumns(rows: readonly (readonly number[])[], names: readonly string[] | undefined): DroppedColumn[] {
  const dropped: DroppedColumn[] = [];
  for (let c = 0; c < rows[0].length; c++) {
    const value = rows[0][c];
    if (rows.every((row) => row[c] === value)) {
      dropped.push(names ? { column: c, name: names[c], value } : { column: c, value });
    }
  }
  return dropped;
}

/** Linear-interpolation quantile (numpy's default), q in [0, 1]. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
}

function columnLabel(column: number, names: readonly string[] | undefined): string {
  return names?.[column] !== undefined ? `column ${column} ("${names[column]}")` : `column ${column}`;
}

function checkRow(row: readonly number[], label: string, width: number, names: readonly string[] | undefined): void {
  if (!Array.isArray(row) || row.length !== width) {
    throw new ForestInputError(`${label} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${width}`);
  }
  for (let c = 0; c < width; c++) {
    if (typeof row[c] !== 'number' || !Number.isFinite(row[c])) {
      throw new ForestInputError(
        `${label}, ${columnLabel(c, names)} is ${String(row[c])}: the forest needs finite numbers; ` +
          'impute the value (e.g. 0 or the column median) or drop the row before training or scoring',
      );
    }
  }
}

function checkOptions(
  rows: readonly (readonly number[])[],
  options: Required<Omit<ForestOptions, 'featureNames'>> & Pick<ForestOptions, 'featureNames'>,
): void {
  const problems: string[] = [];
  if (rows.length < 2) problems.push(`at least 2 rows are needed, got ${rows.length}`);
  else if (!Array.isArray(rows[0]) || rows[0].length === 0) problems.push('rows need at least one column');
  if (!Number.isFinite(options.seed)) problems.push(`seed must be a finite number, got ${options.seed}`);
  if (!Number.isInteger(options.trees) || options.trees < 1) problems.push(`trees must be an integer ≥ 1, got ${options.trees}`);
  if (!Number.isInteger(options.sampleSize) || options.sampleSize < 2) {
    problems.push(`sampleSize must be an integer ≥ 2, got ${options.sampleSize}`);
  }
  if (!(options.contamination >= 0 && options.contamination <= 0.5)) {
    problems.push(`contamination must be in [0, 0.5], got ${options.contamination}`);
  }
  if (options.featureNames && rows.length > 0 && options.featureNames.length !== rows[0].length) {
    problems.push(`featureNames has ${options.featureNames.length} names for ${rows[0].length} columns`);
  }
  if (problems.length > 0) throw new ForestInputError(`cannot train the forest: ${problems.join('; ')}`);
}

/** Every node index must point inside the arrays and each tree must be a complete pre-order tree. */
function checkStructure(json: ForestModelJSON): void {
  const { column, value, right, roots } = json;
  const fail = (why: string): never => {
    throw new ForestModelFormatError(`not a usable forest model: ${why}`);
  };
  if (value.length !== column.length || right.length !== column.length) fail('column, value and right differ in length');
  if (json.sampleSize < 2) fail(`sampleSize ${json.sampleSize} is below 2`);
  if (json.featureNames && json.featureNames.length !== json.featureCount) fail('featureNames does not match featureCount');
  const walk = (node: number): number => {
    // Returns the index after the subtree rooted at `node`.
    if (node >= column.length) fail(`node ${node} is past the end of the arrays`);
    if (column[node] < 0) return node + 1;
    if (column[node] >= json.featureCount) fail(`node ${node} splits on column ${column[node]} of ${json.featureCount}`);
    const afterLeft = walk(node + 1);
    if (right[node] !== afterLeft) fail(`node ${node} has right child ${right[node]}, expected ${afterLeft}`);
    return walk(afterLeft);
  };
  let next = 0;
  for (let t = 0; t < roots.length; t++) {
    if (roots[t] !== next) fail(`tree ${t} starts at node ${roots[t]}, expected ${next}`);
    next = walk(roots[t]);
  }
  if (next !== column.length) fail(`${column.length - next} nodes belong to no tree`);
}

const modelSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  featureCount: z.number().int().positive(),
  featureNames: z.array(z.string()).optional(),
  droppedColumns: z.array(z.object({ column: z.number().int().nonnegative(), name: z.string().optional(), value: z.number() })),
  sampleSize: z.number().int(),
  contamination: z.number().min(0).max(0.5),
  threshold: z.number(),
  seed: z.number(),
  roots: z.array(z.number().int().nonnegative()).min(1),
  column: z.array(z.number().int().min(-1)),
  value: z.array(z.number()),
  right: z.array(z.number().int().min(-1)),
});
