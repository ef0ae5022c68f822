import { describe, expect, it } from 'vitest';

import { TemplateStats, type StatsInput } from '../../../shared/baseline/template-stats.ts';
import type { Level } from '../../../shared/ingest/record.ts';
import { createRandom } from '../../../shared/random.ts';

const LEVELS: Level[] = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];

function records(seed: number, n: number, startMs: number): StatsInput[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const record: StatsInput = { source: `file-${seed}.log`, line: i + 1 };
    if (random() < 0.8) record.durationMs = Math.round(Math.exp(2 + 2 * random()) * 10) / 10;
    if (random() < 0.9) record.level = LEVELS[Math.floor(random() * LEVELS.length)];
    if (random() < 0.7) record.timestamp = startMs + Math.floor(random() * 3_600_000);
    return record;
  });
}

function statsOf(input: StatsInput[]): TemplateStats {
  const stats = new TemplateStats();
  for (const r of input) stats.add(r);
  return stats;
}

function relativeDiff(a: number | undefined, b: number | undefined): number {
  return Math.abs(a! - b!) / Math.abs(b!);
}

describe('TemplateStats', () => {
  it('summarises count, durations, levels and rate of the records it was given', () => {
    const stats = statsOf([
      { durationMs: 10, level: 'INFO', timestamp: 0 },
      { durationMs: 30, level: 'ERROR', timestamp: 60_000 },
      { level: 'WARN', timestamp: 120_000 },
      {},
    ]);

    expect(stats.count).toBe(4);
    expect(stats.durationCount).toBe(2);
    expect(stats.meanDuration).toBe(20);
    expect(stats.stdDuration).toBeCloseTo(Math.SQRT2 * 10, 12);
    expect(stats.meanLogDuration).toBeCloseTo((Math.log1p(10) + Math.log1p(30)) / 2, 12);
    expect(stats.errorRate).toBe(0.5);
    expect(stats.ratePerMinute).toBe(1.5); // 3 timestamped records over 2 minutes
  });

  it('merges two partitions into the statistics of their union', () => {
    const a = records(1, 3000, 1_000_000);
    const b = records(2, 1500, 2_000_000);

    const merged = statsOf(a).merge(statsOf(b));

    const union = statsOf([...a, ...b]);
    expect(merged.count).toBe(union.count);
    expect(merged.durationCount).toBe(union.durationCount);
    expect(relativeDiff(merged.meanDuration, union.meanDuration)).toBeLessThan(1e-9);
    expect(relativeDiff(merged.stdDuration, union.stdDuration)).toBeLessThan(1e-9);
    expect(relativeDiff(merged.meanLogDuration, union.meanLogDuration)).toBeLessThan(1e-9);
    expect(relativeDiff(merged.stdLogDuration, union.stdLogDuration)).toBeLessThan(1e-9);
    for (const p of [0.5, 0.95, 0.99]) {
      expect(relativeDiff(merged.durationQuantile(p), union.durationQuantile(p))).toBeLessThan(0.03);
    }
    expect(merged.levels).toEqual(union.levels);
    expect(merged.errorRate).toBe(union.errorRate);
    expect(merged.ratePerMinute).toBe(union.ratePerMinute);
    expect(merged.firstSeen).toEqual(union.firstSeen);
    expect(merged.lastSeen).toEqual(union.lastSeen);
  });

  it('takes first and last seen from timestamps, falling back to arrival order', () => {
    const stats = statsOf([
      { source: 'a.log', line: 1 },
      { source: 'a.log', line: 2, timestamp: 500 },
      { source: 'b.log', line: 9, timestamp: 100 },
      { source: 'b.log', line: 10 },
    ]);

    expect(stats.firstSeen).toEqual({ source: 'b.log', line: 9, timestamp: 100 });
    expect(stats.lastSeen).toEqual({ source: 'a.log', line: 2, timestamp: 500 });
    expect(statsOf([{ line: 1 }, { line: 2 }]).firstSeen).toEqual({ line: 1 });
    expect(statsOf([{ line: 1 }, { line: 2 }]).lastSeen).toEqual({ line: 2 });
  });

  it('counts negative and non-finite durations as invalid instead of using them', () => {
    const stats = statsOf([{ durationMs: -1 }, { durationMs: Number.NaN }, { durationMs: 5 }]);

    expect(stats.invalidDurations).toBe(2);
    expect(stats.durationCount).toBe(1);
    expect(stats.meanDuration).toBe(5);
  });

  it('reports no duration statistics or rate when there is nothing to base them on', () => {
    const stats = statsOf([{ timestamp: 5 }, { timestamp: 5 }]);

    expect(stats.meanDuration).toBeUndefined();
    expect(stats.p95).toBeUndefined();
    expect(stats.ratePerMinute).toBeUndefined();
  });

  it('survives a JSON round trip unchanged', () => {
    const stats = statsOf(records(3, 2000, 0));

    const restored = TemplateStats.fromJSON(JSON.parse(JSON.stringify(stats)));

    expect(restored.toJSON()).toEqual(stats.toJSON());
    expect(restored.p99).toBe(stats.p99);
  });

  it('does not share state with the statistics it merged', () => {
    const other = statsOf([{ durationMs: 1 }]);
    const stats = statsOf([{ durationMs: 2 }]).merge(other);

    stats.add({ durationMs: 100 });

    expect(other.count).toBe(1);
    expect(other.durationSketch.count).toBe(1);
  });
});
