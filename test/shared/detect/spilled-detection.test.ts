/**
 * Detection with a session budget far below the input's sessions (so nearly every session is
 * spilled, many of them in pieces) finds exactly what detection with every session in memory finds:
 * same anomalies, ids, scores, session metrics and contexts. Also across a checkpoint taken in pass 1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemorySpillStore } from '../../../shared/detect/spill-store.ts';
import type { Model } from '../../../shared/model/model.ts';
import { detectAnomalies, type DetectionResult } from '../../../shared/pipeline/detect.ts';
import { Detector } from '../../../shared/pipeline/detector.ts';
import { trainModel } from '../../../shared/pipeline/train.ts';
import { reader, replay, scenario, type Scenario } from '../pipeline/helpers.ts';

let model: Model;
let incident: Scenario;
let unbounded: DetectionResult;

beforeAll(async () => {
  model = await trainModel(replay((await scenario('baseline.jsonl', 1)).records)(), { seed: 42 });
  incident = await scenario('incident.jsonl', 3, ['duration-spike', 'cascade-failure', 'new-error-template', 'systemic-shift']);
  unbounded = await detectAnomalies(model, reader(incident), { runId: 'spill' });
});

describe('detection over its session budget', () => {
  it('finds the same anomalies, session outliers included, as with every session in memory', async () => {
    const spill = new MemorySpillStore();

    const bounded = await detectAnomalies(model, reader(incident), { runId: 'spill', spill, sessionBudget: 50 });

    expect(unbounded.countsByType.SESSION_OUTLIER).toBeGreaterThan(0);
    expect(unbounded.anomalies.some((a) => a.context.contextType === 'FULL_SESSION')).toBe(true);
    expect(spill.names()).toContain('sessions-rows');
    expect(bounded).toEqual(unbounded);
  });

  it('resumes a pass-1 checkpoint taken after spilling and ends the same', async () => {
    const spill = new MemorySpillStore();
    const options = { runId: 'spill', spill, sessionBudget: 50 };
    const first = new Detector(model, options);
    const half = Math.floor(incident.records.length / 2);
    for await (const batch of replay(incident.records.slice(0, half))()) first.observe(batch);
    const checkpoint = JSON.parse(JSON.stringify(first.checkpoint()));

    const second = Detector.resume(model, options, checkpoint);
    for await (const batch of replay(incident.records.slice(half))()) second.observe(batch);
    second.startCollecting();
    for await (const batch of reader(incident)(second.select)) second.collect(batch);

    expect(checkpoint.sessions.runs.length).toBeGreaterThan(0);
    expect(second.finish()).toEqual(unbounded);
  });
});
