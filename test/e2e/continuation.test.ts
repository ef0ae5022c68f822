/**
 * Continuing a detection past the Lambda deadline, on the emulators (s3rver, dynalite): a plain
 * object is continued with ranged reads from where the previous invocation stopped, a gzip object
 * is read again from byte 0, a run past the continuation cap fails saying what to do, and a
 * checkpoint of many sessions goes to S3 and back as a stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import type { Anomaly } from '../../shared/detect/types.ts';
import type { ContinueDetectionMessage, SourceObject } from '../../shared/ports.ts';
import { Detector } from '../../shared/pipeline/detector.ts';
import { checkpointBytes, checkpointLines, readCheckpoint } from '../../shared/pipeline/stages/checkpoint-stream.ts';
import { runDetection, type DetectionJob, type DetectionOutcome, type DetectionPorts } from '../../shared/pipeline/stages/detection.ts';
import { ObjectModelStore } from '../../shared/model/object-model-store.ts';
import { gzip, sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

/** Counts the bytes ingest gets from `logs/` objects, and how many reads were ranged. */
class CountingObjectStore extends S3ObjectStore {
  bytesRead = 0;
  rangedReads = 0;

  override input(key: string, etag?: string): SourceObject {
    const inner = super.input(key, etag);
    if (!key.startsWith('logs/')) return inner;
    const counted = async function* (this: CountingObjectStore, stream: AsyncIterable<Uint8Array>) {
      for await (const chunk of stream) {
        this.bytesRead += chunk.byteLength;
        yield chunk;
      }
    }.bind(this);
    const { open, openFrom } = inner;
    return Object.assign(inner, {
      open: async () => counted(await open.call(inner)),
      openFrom: async (offset: number) => {
        this.rangedReads++;
        return counted(await openFrom!.call(inner, offset));
      },
    });
  }
}

let s: Scenario;
let results: DynamoResultStores;
let objects: CountingObjectStore;
let ports: DetectionPorts;
const followUps: ContinueDetectionMessage[] = [];
/** The sample incident with a three-line traceback after every 7th record: multi-line events everywhere near batch boundaries. */
let incident: Buffer;

beforeAll(async () => {
  s = await startScenario('continuation');
  objects = new CountingObjectStore(s.emulators.s3, s.bucket);
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: objects });
  ports = {
    objects, models: new ObjectModelStore(objects), runs: results.runs, findings: results.findings,
    explainQueue: { send: async () => undefined },
    followUps: { send: async (messages) => void followUps.push(...messages) },
  };
  await s.upload('baseline/shop/base.jsonl', await sampleLog('baseline'));
  await s.runQueues();
  const lines = (await sampleLog('incident')).toString('utf8').trimEnd().split('\n');
  incident = Buffer.from(`${lines.flatMap((line, i) => (i % 7 === 6
    ? [line, 'Traceback (most recent call last):', '  File "/srv/app/handlers.py", line 42, in checkout', 'RuntimeError: upstream closed the connection']
    : [line])).join('\n')}\n`);
});
afterAll(async () => s?.close());

/**
 * Runs a detection to its end as the queue would: each follow-up in a fresh invocation whose
 * deadline comes after `batches` record batches of `batchSize`.
 */
async function detectInSteps(key: string, options: { batches: number; batchSize?: number; maxContinuations?: number }): Promise<DetectionOutcome[]> {
  const outcomes: DetectionOutcome[] = [];
  let job: DetectionJob = { kind: 'object', key };
  for (;;) {
    let checks = -1; // the first call reads the invocation's budget
    const outcome = await runDetection(ports, job, {
      now: 1_795_132_800_000, remainingMs: () => (++checks > options.batches ? 500 : 60_000), reserveMs: 1000,
      ingest: { batchSize: options.batchSize ?? 200 }, ...(options.maxContinuations !== undefined && { maxContinuations: options.maxContinuations }),
    });
    outcomes.push(outcome);
    if (outcome.status !== 'CONTINUED') return outcomes;
    job = followUps.shift()!;
  }
}

async function uninterrupted(key: string) {
  const [outcome] = await detectInSteps(key, { batches: Infinity });
  expect(outcome!.status).toBe('DONE');
  return outcome as Extract<DetectionOutcome, { status: 'DONE' }>;
}

/** A run's anomalies with their full contexts, without what depends on the run id or the object's name. */
async function anomaliesOf(runId: string, key: string): Promise<unknown[]> {
  const listed = await results.reader.listAnomalies(runId);
  const full = (await Promise.all(listed.map((a) => results.reader.getAnomaly(runId, a.id)))) as Anomaly[];
  return JSON.parse(JSON.stringify(full.map(({ id: _id, ...rest }) => rest)).replaceAll(key, 'OBJECT')) as unknown[];
}

describe('continuation after the deadline', () => {
  it('continues a plain object with ranged reads: same anomalies as one run, under 2.5 × the object read', async () => {
    await s.upload('logs/shop/whole.jsonl', incident);
    const whole = await uninterrupted('logs/shop/whole.jsonl');

    await s.upload('logs/shop/stepped.jsonl', incident);
    objects.bytesRead = 0;
    objects.rangedReads = 0;
    const outcomes = await detectInSteps('logs/shop/stepped.jsonl', { batches: 8 });

    const done = outcomes.at(-1) as Extract<DetectionOutcome, { status: 'DONE' }>;
    expect(done.status).toBe('DONE');
    const continued = outcomes.filter((o) => o.status === 'CONTINUED');
    // Pass 2 parses only the lines its contexts need (a batch or two), so most stops are in pass 1.
    expect(continued.length).toBeGreaterThanOrEqual(4);
    // Every follow-up started where its predecessor stopped, and none of them re-read the start.
    expect(continued.every((o) => o.resumeFrom !== undefined && o.resumeFrom > 0)).toBe(true);
    expect(objects.rangedReads).toBeGreaterThanOrEqual(continued.length - 1);
    // Two passes read the object twice; the re-reading is only the batch looked ahead at each stop.
    expect(objects.bytesRead).toBeLessThan(2.5 * incident.length);
    const stepped = await results.reader.getRun(done.runId);
    expect(stepped!.counts).toEqual((await results.reader.getRun(whole.runId))!.counts);
    expect(await anomaliesOf(done.runId, 'logs/shop/stepped.jsonl')).toEqual(await anomaliesOf(whole.runId, 'logs/shop/whole.jsonl'));
  });

  it('continues a gzip object by reading it again from byte 0, with the same anomalies', async () => {
    const compressed = gzip(incident);
    await s.upload('logs/shop/whole.jsonl.gz', compressed);
    const whole = await uninterrupted('logs/shop/whole.jsonl.gz');
    await s.upload('logs/shop/stepped.jsonl.gz', compressed);
    objects.rangedReads = 0;
    const outcomes = await detectInSteps('logs/shop/stepped.jsonl.gz', { batches: 6, batchSize: 500 });

    const continued = outcomes.filter((o) => o.status === 'CONTINUED');
    expect(continued.length).toBeGreaterThanOrEqual(2);
    expect(continued.some((o) => o.phase === 'observe')).toBe(true);
    expect(continued.some((o) => o.resumeFrom !== undefined)).toBe(false);
    expect(objects.rangedReads).toBe(0);
    expect(outcomes.at(-1)!.status).toBe('DONE');
    const last = outcomes.at(-1) as Extract<DetectionOutcome, { status: 'DONE' }>;
    expect(await anomaliesOf(last.runId, 'logs/shop/stepped.jsonl.gz')).toEqual(await anomaliesOf(whole.runId, 'logs/shop/whole.jsonl.gz'));
  });

  it('fails a run that needs more continuations than the cap, saying what to do', async () => {
    await s.upload('logs/shop/capped.jsonl', incident);
    const outcomes = await detectInSteps('logs/shop/capped.jsonl', { batches: 3, maxContinuations: 2 });

    expect(outcomes.map((o) => o.status)).toEqual(['CONTINUED', 'CONTINUED', 'FAILED']);
    const failed = outcomes[2] as Extract<DetectionOutcome, { status: 'FAILED' }>;
    expect(failed.reason).toMatch(/^logs\/shop\/capped\.jsonl needs more than 2 continuations of 60 seconds each \(stopped in the observe pass after record \d+\): raise the detection Lambda's timeout or memory, or split the object/);
    const run = await results.reader.getRun(failed.runId);
    expect(run).toMatchObject({ status: 'FAILED', reason: failed.reason, continuations: 2 });
  });
});

describe('streamed checkpoints', () => {
  it('round-trips a detector with 200 000 sessions through S3 (a multipart upload) and back', async () => {
    const current = (await ports.models.current('shop'))!;
    const model = await ports.models.load('shop', current.modelId);
    const detector = new Detector(model, { runId: 'many-sessions' });
    const batch = Array.from({ length: 1000 }, (_, i) => ({ source: 'big.log', line: i + 1, message: 'Query executed in 12 ms', sessionId: '' }));
    for (let b = 0; b < 200; b++) {
      for (let i = 0; i < batch.length; i++) batch[i] = { ...batch[i]!, line: b * 1000 + i + 1, sessionId: `session-${b}-${i}` };
      detector.observe(batch);
    }
    const before = detector.checkpoint();

    await objects.put('checkpoints/many-sessions/1.json', checkpointBytes(checkpointLines({ note: 'header' }, before)), 'application/x-ndjson');
    const stored = await objects.head('checkpoints/many-sessions/1.json');
    const { header, state } = await readCheckpoint(await objects.input('checkpoints/many-sessions/1.json').open(), 'many-sessions');

    expect(stored!.size).toBeGreaterThan(8 * 1024 * 1024);
    expect(header).toEqual({ note: 'header' });
    const resumed = Detector.resume(model, { runId: 'many-sessions' }, state);
    expect(resumed.position).toBe(200_000);
    // Compared as JSON text: a deep comparison of millions of numbers is slow and its diff unreadable.
    const expected = JSON.stringify(before);
    expect(JSON.stringify(state) === expected).toBe(true);
    expect(JSON.stringify(resumed.checkpoint()) === expected).toBe(true);
  });
});
