import { describe, expect, it } from 'vitest';

import {
  Baseline,
  BaselineFormatError,
  BaselineVersionError,
} from '../../../shared/baseline/baseline.ts';
import type { StatsInput } from '../../../shared/baseline/template-stats.ts';
import { createRandom } from '../../../shared/random.ts';

type Entry = [string, StatsInput];

function entries(seed: number, n: number): Entry[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, (_, i): Entry => {
    const record: StatsInput = { source: `s${seed}`, line: i + 1, level: random() < 0.1 ? 'ERROR' : 'INFO' };
    if (random() < 0.7) record.durationMs = 5 + 50 * random() ** 3;
    if (random() < 0.8) record.timestamp = seed * 1e6 + i * 1000;
    return [`T${Math.floor(random() * random() * 12)}`, record];
  });
}

function baselineOf(input: Entry[]): Baseline {
  const baseline = new Baseline();
  for (const [id, record] of input) baseline.add(id, record);
  return baseline;
}

describe('Baseline', () => {
  it('merges two baselines into the baseline of both inputs', () => {
    const a = entries(1, 4000);
    const b = entries(2, 2500);

    const merged = baselineOf(a).merge(baselineOf(b));

    const union = baselineOf([...a, ...b]);
    expect(merged.totals).toEqual(union.totals);
    expect(new Set(merged.templateIds())).toEqual(new Set(union.templateIds()));
    for (const id of union.templateIds()) {
      const m = merged.get(id)!;
      const u = union.get(id)!;
      expect(m.count).toBe(u.count);
      expect(m.meanDuration!).toBeCloseTo(u.meanDuration!, 9);
      expect(m.stdDuration!).toBeCloseTo(u.stdDuration!, 9);
      expect(m.errorRate).toBe(u.errorRate);
      expect(m.firstSeen).toEqual(u.firstSeen);
      expect(m.lastSeen).toEqual(u.lastSeen);
      expect(Math.abs(m.p95! - u.p95!) / u.p95!).toBeLessThan(0.05);
    }
  });

  it('copies templates it did not have instead of sharing them with the other baseline', () => {
    const other = baselineOf([['only-there', { durationMs: 1 }]]);
    const baseline = new Baseline().merge(other);

    baseline.add('only-there', { durationMs: 2 });

    expect(other.get('only-there')!.count).toBe(1);
  });

  it('survives a JSON round trip unchanged', () => {
    const baseline = baselineOf(entries(3, 3000));

    const text = JSON.stringify(baseline);
    const restored = Baseline.fromJSON(JSON.parse(text));

    expect(JSON.stringify(restored)).toBe(text);
    expect(JSON.parse(text).version).toBe(1);
  });

  it('rejects another format version with an error naming both versions', () => {
    const json = { ...baselineOf(entries(4, 10)).toJSON(), version: 2 };

    expect(() => Baseline.fromJSON(json)).toThrow(BaselineVersionError);
    expect(() => Baseline.fromJSON(json)).toThrow(/version 2 is not supported.*reads version 1/);
  });

  it('rejects input without a version as not a baseline', () => {
    expect(() => Baseline.fromJSON({ templates: [] })).toThrow(/not a logsleuth baseline/);
    expect(() => Baseline.fromJSON(null)).toThrow(BaselineFormatError);
  });

  it('names every malformed field of a version 1 document', () => {
    const json = baselineOf([['T1', { durationMs: 3 }]]).toJSON() as unknown as {
      totals: { records: unknown };
      templates: { stats: { count: unknown } }[];
    };
    json.totals.records = -1;
    json.templates[0].stats.count = 'many';

    expect(() => Baseline.fromJSON(json)).toThrow(/totals\.records.*templates\.0\.stats\.count/);
  });
});
