import { describe, expect, it } from 'vitest';

import { QuantileSketch } from '../../../shared/baseline/quantile-sketch.ts';
import { createRandom } from '../../../shared/random.ts';

function logNormal(seed: number, n: number, scale = 1): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => {
    const gauss = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return scale * Math.exp(3 + gauss);
  });
}

function sketchOf(values: number[]): QuantileSketch {
  const sketch = new QuantileSketch();
  for (const v of values) sketch.add(v);
  return sketch;
}

/** Share of values ≤ x: a sketch is good when the rank of its answer is close to p. */
function rankOf(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

const PS = [0.5, 0.95, 0.99];

describe('QuantileSketch', () => {
  it('answers p50/p95/p99 within half a percent of rank on 20k log-normal values', () => {
    const values = logNormal(1, 20_000);
    const sorted = [...values].sort((a, b) => a - b);

    const sketch = sketchOf(values);

    for (const p of PS) expect(Math.abs(rankOf(sorted, sketch.quantile(p)!) - p)).toBeLessThan(0.005);
  });

  it('merges two sketches into quantiles close to a sketch of both inputs', () => {
    const a = logNormal(2, 15_000);
    const b = logNormal(3, 5_000, 4); // a different distribution, so the merge has to get the mixture right
    const sorted = [...a, ...b].sort((x, y) => x - y);

    const merged = sketchOf(a).merge(sketchOf(b));
    const direct = sketchOf([...a, ...b]);

    expect(merged.count).toBe(20_000);
    for (const p of PS) {
      const m = merged.quantile(p)!;
      const d = direct.quantile(p)!;
      expect(Math.abs(m - d) / d).toBeLessThan(0.02);
      expect(Math.abs(rankOf(sorted, m) - p)).toBeLessThan(0.005);
    }
  });

  it('stays compact and accurate on sorted input, the t-digest worst case', () => {
    const values = Array.from({ length: 50_000 }, (_, i) => i);

    const sketch = sketchOf(values);

    expect(sketch.toJSON().means.length).toBeLessThanOrEqual(2500);
    expect(sketch.quantile(0.99)!).toBeCloseTo(49_500, -2);
  });

  it('is deterministic: the same input gives the same sketch', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i % 997);

    expect(sketchOf(values).toJSON()).toEqual(sketchOf(values).toJSON());
  });

  it('answers identically after a JSON round trip', () => {
    const sketch = sketchOf(logNormal(4, 8000));

    const restored = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(sketch)));

    expect(restored.count).toBe(sketch.count);
    for (const p of [0, 0.01, ...PS, 1]) expect(restored.quantile(p)).toBe(sketch.quantile(p));
  });

  it('answers undefined when empty and rejects p outside [0, 1]', () => {
    expect(new QuantileSketch().quantile(0.5)).toBeUndefined();
    expect(() => sketchOf([1]).quantile(1.5)).toThrow(RangeError);
  });
});
