/**
 * A detection interrupted at batch boundaries (in either pass), checkpointed as JSON, resumed in a
 * "new process" on a re-opened input (skipping `position` records) ends exactly like an
 * uninterrupted run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../../shared/errors.ts';
import type { LogRecord } from '../../../shared/ingest/record.ts';
import type { Model } from '../../../shared/model/model.ts';
import { detectAnomalies, type DetectionResult } from '../../../shared/pipeline/detect.ts';
import { Detector, type DetectOptions } from '../../../shared/pipeline/detector.ts';
import { trainModel } from '../../../shared/pipeline/train.ts';
import { reader, replay, scenario, type Scenario } from './helpers.ts';

const BATCH = 500;
/** Pass 2 reads only the few hundred selected lines: small batches give it several boundaries. */
const COLLECT_BATCH = 10;
const OPTIONS: DetectOptions = { runId: 'resumable' };

let model: Model;
let incident: Scenario;
let uninterrupted: DetectionResult;

beforeAll(async () => {
  model = await trainModel(replay((await scenario('baseline.jsonl', 1)).records)(), { seed: 42 });
  incident = await scenario('incident.jsonl', 3, ['duration-spike', 'cascade-failure', 'new-error-template', 'systemic-shift']);
  uninterrupted = await detectAnomalies(model, reader(incident, BATCH), OPTIONS);
});

/**
 * Re-opens the input and skips the records already consumed in this phase, as a resumed Lambda
 * does: through ingest, with the detector's selector in pass 2 (`selective`), or every record.
 */
async function* reopenedFrom(detector: Detector, selective: boolean): AsyncIterable<LogRecord[]> {
  const skip = detector.position;
  const collecting = detector.phase === 'collect';
  const source = selective
    ? reader(incident, collecting ? COLLECT_BATCH : BATCH)(collecting ? detector.select : undefined)
    : replay(incident.records, collecting ? COLLECT_BATCH * 50 : BATCH)();
  let seen = 0;
  for await (const batch of source) {
    const rest = batch.slice(Math.max(0, skip - seen));
    seen += batch.length;
    if (rest.length > 0) yield rest;
  }
}

/** Freezes the detector to JSON and thaws it into a new one, as across processes. */
function interrupt(detector: Detector): Detector {
  const checkpoint = JSON.parse(JSON.stringify(detector.checkpoint())) as unknown;
  return Detector.resume(model, OPTIONS, checkpoint);
}

/**
 * Runs detection, interrupting after the batches whose end lands on one of `stops`
 * (positions in records consumed, per phase); `stopAtPhaseEnd` also interrupts between the passes.
 */
async function runInterrupted(stops: { observe: number[]; collect: number[] }, stopAtPhaseEnd: boolean, selective = true): Promise<{ result: DetectionResult; interruptions: number }> {
  let detector = new Detector(model, OPTIONS);
  let interruptions = 0;
  for (const phase of ['observe', 'collect'] as const) {
    const pending = new Set(stops[phase]);
    let restart = true;
    while (restart) {
      restart = false;
      for await (const batch of reopenedFrom(detector, selective)) {
        detector[phase](batch);
        if (pending.delete(detector.position)) {
          detector = interrupt(detector);
          interruptions++;
          restart = true;
          break;
        }
      }
    }
    if (stopAtPhaseEnd) {
      detector = interrupt(detector);
      interruptions++;
    }
    if (phase === 'observe') detector.startCollecting();
  }
  return { result: detector.finish(), interruptions };
}

describe('Detector checkpoint and resume', () => {
  it('ends like an uninterrupted run when stopped at several batch boundaries of both passes', async () => {
    const { result, interruptions } = await runInterrupted({ observe: [BATCH, 4 * BATCH, 13 * BATCH], collect: [COLLECT_BATCH, 4 * COLLECT_BATCH, 9 * COLLECT_BATCH] }, false);

    expect(interruptions).toBe(6);
    expect(uninterrupted.anomalies.length).toBeGreaterThan(0);
    expect(result).toEqual(uninterrupted);
  });

  it('ends like an uninterrupted run when stopped at the end of each pass (right before and after choosing anomalies)', async () => {
    const { result, interruptions } = await runInterrupted({ observe: [], collect: [] }, true);

    expect(interruptions).toBe(2);
    expect(result).toEqual(uninterrupted);
  });

  it('ends the same when pass 2 reads every record instead of the selected lines, interrupted or not', async () => {
    const everything = await detectAnomalies(model, replay(incident.records, BATCH), OPTIONS);
    const { result, interruptions } = await runInterrupted({ observe: [2 * BATCH], collect: [COLLECT_BATCH * 50 * 3, COLLECT_BATCH * 50 * 12] }, false, false);

    expect(interruptions).toBe(3);
    expect(everything).toEqual(uninterrupted);
    expect(result).toEqual(uninterrupted);
  });

  it('refuses a checkpoint of another run with a ModelError', () => {
    const detector = new Detector(model, OPTIONS);
    const checkpoint = JSON.parse(JSON.stringify(detector.checkpoint())) as unknown;

    expect(() => Detector.resume(model, { runId: 'another-run' }, checkpoint)).toThrow(ModelError);
  });
});
