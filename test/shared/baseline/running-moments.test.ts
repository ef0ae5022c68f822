import { describe, expect, it } from 'vitest';

import { RunningMoments } from '../../../shared/baseline/running-moments.ts';
import { createRandom } from '../../../shared/random.ts';

function naive(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (values.length - 1)) };
}

function randomValues(seed: number, n: number): number[] {
  const random = createRandom(seed);
  // Large offset + skew: the case where the textbook sum-of-squares formula loses precision.
  return Array.from({ length: n }, () => 1e6 + Math.exp(random() * 6));
}

function momentsOf(values: number[]): RunningMoments {
  const moments = new RunningMoments();
  for (const v of values) moments.add(v);
  return moments;
}

describe('RunningMoments', () => {
  it('matches the naive two-pass mean and standard deviation on random data', () => {
    const values = randomValues(1, 5000);

    const moments = momentsOf(values);

    const expected = naive(values);
    expect(moments.count).toBe(5000);
    expect(moments.mean).toBeCloseTo(expected.mean, 6);
    expect(Math.abs(moments.std - expected.std) / expected.std).toBeLessThan(1e-9);
  });

  it('merges two partitions into the moments of their union', () => {
    const a = randomValues(2, 1234);
    const b = randomValues(3, 77).map((v) => v * 3);

    const merged = momentsOf(a).merge(momentsOf(b));

    const union = momentsOf([...a, ...b]);
    expect(merged.count).toBe(union.count);
    expect(Math.abs(merged.mean - union.mean) / union.mean).toBeLessThan(1e-9);
    expect(Math.abs(merged.std - union.std) / union.std).toBeLessThan(1e-9);
  });

  it('treats merging with an empty accumulator as a no-op in either direction', () => {
    const values = randomValues(4, 10);

    const left = new RunningMoments().merge(momentsOf(values));
    const right = momentsOf(values).merge(new RunningMoments());

    expect(left.toJSON()).toEqual(momentsOf(values).toJSON());
    expect(right.toJSON()).toEqual(momentsOf(values).toJSON());
  });

  it('reports zero spread for fewer than two values', () => {
    expect(new RunningMoments().std).toBe(0);
    expect(new RunningMoments().add(5).std).toBe(0);
  });
});
