import { IsolationForest } from 'ml-isolation-forest';
import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  averagePathLength,
  ForestInputError,
  ForestModel,
  ForestModelFormatError,
  trainForest,
} from '../../../shared/forest/index.ts';
import { createRandom } from '../../../shared/random.ts';

/** n rows of `width` standard-normal columns, from a seed. */
function gaussianRows(seed: number, n: number, width = 3): number[][] {
  const random = createRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: n }, () => Array.from({ length: width }, gauss));
}

/** Depth of every leaf and rows per tree, read from the stored flat arrays. */
function treeShapes(model: ForestModel): { maxDepth: number; rowsPerTree: number[] } {
  const { roots, column, value, right } = model.toJSON();
  let maxDepth = 0;
  const rowsPerTree = roots.map((root) => {
    let rows = 0;
    const walk = (node: number, depth: number): void => {
      if (column[node] < 0) {
        rows += value[node];
        maxDepth = Math.max(maxDepth, depth);
        return;
      }
      walk(node + 1, depth + 1);
      walk(right[node], depth + 1);
    };
    walk(root, 0);
    return rows;
  });
  return { maxDepth, rowsPerTree };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ml-isolation-forest 0.1.0, the defects the wrapper works around', () => {
  it('keeps the old trees when train is called twice', () => {
    const library = new IsolationForest({ nEstimators: 3 });
    const rows = gaussianRows(1, 20);

    library.train(rows);
    library.train(rows);

    expect(library.forest).toHaveLength(6);
  });

  it('keeps every training row in its leaves', () => {
    const library = new IsolationForest({ nEstimators: 1 });
    library.train(gaussianRows(2, 50));

    expect(JSON.stringify(library.forest)).toContain('trainingSet');
  });
});

describe('trainForest', () => {
  it('builds each tree from its own sample of sampleSize rows, at most ceil(log2 ψ) deep', () => {
    const model = trainForest(gaussianRows(3, 5000), { seed: 1, trees: 20 });

    const { maxDepth, rowsPerTree } = treeShapes(model);

    expect(model.sampleSize).toBe(256);
    expect(rowsPerTree).toEqual(Array(20).fill(256));
    expect(maxDepth).toBeLessThanOrEqual(8);
  });

  it('uses all rows as the sample when there are fewer than sampleSize', () => {
    const model = trainForest(gaussianRows(4, 100), { seed: 1, trees: 5 });

    expect(model.sampleSize).toBe(100);
    expect(treeShapes(model).rowsPerTree).toEqual(Array(5).fill(100));
  });

  it('trains on 100k rows with 100 trees (correctness, not a timing assertion)', () => {
    const rows = gaussianRows(5, 100_000);

    const model = trainForest(rows, { seed: 7 });

    expect(model.trees).toBe(100);
    expect(model.score([0, 0, 0])).toBeLessThan(0.5);
    expect(model.score([6, -6, 6])).toBeGreaterThan(0.65);
    expect(model.isAnomaly(model.score([6, -6, 6]))).toBe(true);
  });

  it('is deterministic from the seed', () => {
    const rows = gaussianRows(6, 2000);

    const a = trainForest(rows, { seed: 42, trees: 10 });
    const b = trainForest(rows, { seed: 42, trees: 10 });
    const c = trainForest(rows, { seed: 43, trees: 10 });

    expect(b.toJSON()).toEqual(a.toJSON());
    expect(c.toJSON()).not.toEqual(a.toJSON());
  });

  it('feeds the library a seeded stream and puts the global Math.random back afterwards', () => {
    const callerRandom = () => {
      throw new Error('the global Math.random must not be used while training');
    };
    const original = Math.random;
    Math.random = callerRandom;
    try {
      trainForest(gaussianRows(7, 500), { seed: 1, trees: 5 });

      expect(Math.random).toBe(callerRandom);
    } finally {
      Math.random = original;
    }
  });

  it('restores the global Math.random even when training throws', () => {
    const original = Math.random;
    vi.spyOn(IsolationForest.prototype, 'train').mockImplementation(() => {
      throw new Error('boom');
    });

    expect(() => trainForest(gaussianRows(8, 500), { seed: 1, trees: 5 })).toThrow('boom');
    expect(Math.random).toBe(original);
  });

  it('starts fresh on every call: training twice gives the same model as training once', () => {
    const rows = gaussianRows(9, 1000);

    const once = trainForest(rows, { seed: 5, trees: 10 });
    trainForest(rows, { seed: 5, trees: 10 });
    const again = trainForest(rows, { seed: 5, trees: 10 });

    expect(again.trees).toBe(10);
    expect(again.toJSON()).toEqual(once.toJSON());
  });

  it('rejects NaN and Infinity naming the row and column', () => {
    const rows = gaussianRows(10, 50);
    rows[17][1] = Number.NaN;
    rows[30][2] = Number.POSITIVE_INFINITY;

    expect(() => trainForest(rows, { seed: 1, featureNames: ['a', 'b', 'c'] })).toThrow(ForestInputError);
    expect(() => trainForest(rows, { seed: 1, featureNames: ['a', 'b', 'c'] })).toThrow(
      /row 17, column 1 \("b"\) is NaN/,
    );
    rows[17][1] = 0;
    expect(() => trainForest(rows, { seed: 1 })).toThrow(/row 30, column 2 is Infinity/);
  });

  it('rejects rows of different widths, too few rows and bad options', () => {
    const rows = gaussianRows(11, 10);

    expect(() => trainForest([...rows, [1, 2]], { seed: 1 })).toThrow(/row 10 has 2 values, expected 3/);
    expect(() => trainForest(rows.slice(0, 1), { seed: 1 })).toThrow(/at least 2 rows/);
    expect(() => trainForest(rows, { seed: 1, contamination: 0.7 })).toThrow(/contamination/);
  });

  it('drops constant columns, reports them and never splits on them', () => {
    const rows = gaussianRows(12, 1000).map((row) => [row[0], 4, row[1], 0]);

    const model = trainForest(rows, { seed: 1, trees: 20, featureNames: ['x', 'k', 'y', 'z'] });

    expect(model.droppedColumns).toEqual([
      { column: 1, name: 'k', value: 4 },
      { column: 3, name: 'z', value: 0 },
    ]);
    expect(new Set(model.toJSON().column)).toEqual(new Set([-1, 0, 2]));
    expect(model.deviatingDroppedColumns([0, 4, 0, 1])).toEqual([{ column: 3, name: 'z', value: 0 }]);
  });

  it('scores 0.5 everywhere when every column is constant', () => {
    const rows = Array.from({ length: 300 }, () => [1, 2]);

    const model = trainForest(rows, { seed: 1, trees: 3 });

    expect(model.score([1, 2])).toBe(0.5);
  });

  it('flags about `contamination` of the training rows as anomalies', () => {
    const rows = gaussianRows(13, 4000);

    const model = trainForest(rows, { seed: 3, contamination: 0.1 });

    const flagged = model.scoreMany(rows).filter((s) => model.isAnomaly(s)).length;
    expect(flagged / rows.length).toBeGreaterThan(0.09);
    expect(flagged / rows.length).toBeLessThanOrEqual(0.1);
  });
});

describe('scores', () => {
  it('uses the paper c(n): c(256) = 10.2448, c(2) = 1, c(1) = 0', () => {
    expect(averagePathLength(256)).toBeCloseTo(10.244770, 5);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(0)).toBe(0);
  });

  it('equals 2^(−E[h]/c(ψ)) of the mean path length', () => {
    const model = trainForest(gaussianRows(14, 3000), { seed: 2, trees: 30 });
    const row = [0.5, -1, 2];

    expect(model.score(row)).toBeCloseTo(2 ** (-model.pathLength(row) / averagePathLength(256)), 12);
  });

  it('does not depend on the training-set size, since it is normalised by ψ', () => {
    const small = trainForest(gaussianRows(15, 1000), { seed: 4 });
    const large = trainForest(gaussianRows(16, 50_000), { seed: 4 });

    for (const row of [[0, 0, 0], [2, 2, 2], [5, 0, -5]]) {
      expect(Math.abs(small.score(row) - large.score(row))).toBeLessThan(0.05);
    }
  });

  it('rejects rows of the wrong width or with NaN when scoring', () => {
    const model = trainForest(gaussianRows(17, 100), { seed: 1, trees: 3 });

    expect(() => model.score([1, 2])).toThrow(/expected 3/);
    expect(() => model.score([1, Number.NaN, 2])).toThrow(/column 1 is NaN/);
  });
});

describe('ForestModel JSON', () => {
  it('stores tree structure only, far smaller than the library model', () => {
    const rows = gaussianRows(18, 5000);

    const json = JSON.stringify(trainForest(rows, { seed: 1 }));

    expect(json).not.toContain('trainingSet');
    expect(json.length).toBeLessThan(600_000);
  });

  it('loads a model that scores identically to the trained one', () => {
    const rows = gaussianRows(19, 3000);
    const model = trainForest(rows, { seed: 8, featureNames: ['a', 'b', 'c'] });

    const loaded = ForestModel.fromJSON(JSON.parse(JSON.stringify(model)));

    const probes = [...rows.slice(0, 500), ...gaussianRows(20, 500).map((r) => r.map((v) => v * 3))];
    expect(loaded.scoreMany(probes)).toEqual(model.scoreMany(probes));
    expect(loaded.threshold).toBe(model.threshold);
    expect(loaded.featureNames).toEqual(['a', 'b', 'c']);
  });

  it('refuses a damaged model with an error naming the problem', () => {
    const json = trainForest(gaussianRows(21, 300), { seed: 1, trees: 2 }).toJSON();

    expect(() => ForestModel.fromJSON({ ...json, version: 2 })).toThrow(ForestModelFormatError);
    expect(() => ForestModel.fromJSON({ ...json, right: json.right.map((r) => (r > 0 ? r + 1 : r)) })).toThrow(
      /right child/,
    );
    expect(() => ForestModel.fromJSON({ ...json, column: json.column.map((c) => (c >= 0 ? 9 : c)) })).toThrow(
      /splits on column 9 of 3/,
    );
  });
});
