/**
 * Detection reads its input a second time only to fetch the context of kept anomalies: when pass 1
 * keeps none, the input is read once.
 */
import { describe, expect, it } from 'vitest';
import type { LineSelector } from '../../../shared/ingest/ingest.ts';
import { detectAnomalies } from '../../../shared/pipeline/detect.ts';
import { trainModel } from '../../../shared/pipeline/train.ts';
import { replay, scenario } from './helpers.ts';

/** Opens `records` like a file, counting the opens and whether a line selection was given. */
function countingOpener(open: () => AsyncIterable<never>) {
  const opens: (LineSelector | undefined)[] = [];
  return { opens, openRecords: (select?: LineSelector) => { opens.push(select); return open(); } };
}

describe('the second pass', () => {
  it('is skipped when no anomaly was kept', async () => {
    const model = await trainModel(replay((await scenario('baseline.jsonl', 1)).records)(), { seed: 42 });
    const input = await scenario('incident.jsonl', 3, ['new-error-template']);
    const { opens, openRecords } = countingOpener(replay(input.records) as () => AsyncIterable<never>);

    // The incident has findings (see the next test), but none may be kept.
    const result = await detectAnomalies(model, openRecords, { runId: 'single-pass', maxAnomalies: 0 });

    expect(result.anomalies).toEqual([]);
    expect(Object.values(result.countsByType).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(result.records).toBe(input.lines.length);
    expect(opens).toEqual([undefined]);
  });

  it('still runs, with a line selection, when an anomaly was kept', async () => {
    const model = await trainModel(replay((await scenario('baseline.jsonl', 1)).records)(), { seed: 42 });
    const input = await scenario('incident.jsonl', 3, ['new-error-template']);
    const { opens, openRecords } = countingOpener(replay(input.records) as () => AsyncIterable<never>);

    const result = await detectAnomalies(model, openRecords, { runId: 'two-pass' });

    expect(result.anomalies.length).toBeGreaterThan(0);
    expect(opens).toHaveLength(2);
    expect(typeof opens[1]).toBe('function');
  });
});
