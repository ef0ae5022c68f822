/**
 * `config/<source>.json` through the real handlers against the emulators: a plain-text source read
 * with a loghub header format, multi-line events and a session regex (training and detection both
 * use it), and an invalid config that fails the work permanently, naming the bad key, until fixed.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import type { Context } from 'aws-lambda';
import type { Anomaly } from '../../shared/detect/types.ts';
import type { CurrentModel } from '../../shared/model/model-store.ts';
import type { NightlyOutcome } from '../../shared/pipeline/stages/nightly.ts';
import { drain, lambdaContext, type SqsHandler } from '../support/lambda.ts';
import { startScenario, type Scenario } from '../support/scenario.ts';

let s: Scenario;
let results: DynamoResultStores;

const CONFIG = {
  format: '<Date> <Time> <Level> <Component>: <Content>',
  eventStart: '^\\d{4}-\\d{2}-\\d{2} ',
  sessionRegex: '(job-\\d+)',
};

/** One job: three lines with the job id in the message only; a failing job logs an ERROR with a stack trace. */
function job(n: number, failing = false): string[] {
  const at = (second: number) => `2026-03-02 10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(second).padStart(2, '0')},${String(n % 1000).padStart(3, '0')}`;
  const lines = [`${at(0)} INFO Scheduler: Starting job-${n} for tenant t${n % 7}`];
  if (failing) {
    lines.push(`${at(1)} ERROR Worker: job-${n} failed: disk quota exceeded on volume /data${n % 3}`);
    lines.push('java.io.IOException: No space left on device', '    at com.example.Worker.write(Worker.java:42)', '    at com.example.Worker.run(Worker.java:17)');
  } else {
    lines.push(`${at(1)} INFO Worker: job-${n} loaded ${40 + (n % 13)} rows from shard ${n % 5}`);
  }
  lines.push(`${at(2)} INFO Worker: job-${n} done, ${failing ? 'failed' : 'ok'}`);
  return lines;
}

const text = (lines: string[]) => `${lines.join('\n')}\n`;
const baselineLog = text(Array.from({ length: 400 }, (_, i) => job(i + 1)).flat());
const incidentLog = text(Array.from({ length: 120 }, (_, i) => job(1000 + i, i % 40 === 17)).flat());

async function putObject(key: string, body: string): Promise<void> {
  await s.emulators.s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: key, Body: body }));
}

async function pointer(source: string): Promise<CurrentModel | undefined> {
  try {
    const out = await s.emulators.s3.send(new GetObjectCommand({ Bucket: s.bucket, Key: `models/${source}/current` }));
    return JSON.parse(await out.Body!.transformToString()) as CurrentModel;
  } catch {
    return undefined;
  }
}

async function queueDepth(url: string): Promise<number> {
  const out = await s.emulators.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

beforeAll(async () => {
  s = await startScenario('srccfg');
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: new S3ObjectStore(s.emulators.s3, s.bucket) });
});
afterAll(async () => s?.close());

describe('a source read as config/<source>.json says', () => {
  it('trains with the config and records it on the model pointer', async () => {
    await putObject('config/jobs.json', JSON.stringify(CONFIG, null, 2));
    await s.upload('baseline/jobs/worker.log.1', baselineLog);
    await s.runQueues();
    const current = await pointer('jobs');
    expect(current?.configTag).toMatch(/^c[0-9a-f]+$/);
    const [model] = await results.modelRegistry.listModels('jobs');
    // Three jobs' lines per session: the sessions come from the session regex, not from any field.
    expect(model).toMatchObject({ modelId: current!.modelId, records: 1200, sessions: 400 });
  });

  it('detects with it: anomalies carry the parsed level, component, message and session', async () => {
    await s.upload('logs/jobs/worker.log.1', incidentLog);
    await s.runQueues();
    const [run] = await results.reader.listRuns('jobs');
    expect(run).toMatchObject({ status: 'DONE', input: { key: 'logs/jobs/worker.log.1' } });
    // The stack-trace lines continue their event: 120 jobs × 3 events.
    expect(run!.counts).toMatchObject({ records: 360, sessions: 120 });

    const anomalies = await results.reader.listAnomalies(run!.runId);
    const failed = anomalies.find((a) => a.level === 'ERROR');
    expect(failed, JSON.stringify(anomalies.map((a) => [a.type, a.level, a.message]))).toBeDefined();
    expect(failed!.message).toMatch(/^job-\d+ failed: disk quota exceeded/);
    const full = await results.reader.getAnomaly(run!.runId, failed!.id);
    expect(full!.context).toMatchObject({ contextType: 'FULL_SESSION', sessionId: expect.stringMatching(/^job-\d+$/) });
    const error = full!.context.logs.find((l) => l.level === 'ERROR')!;
    expect(error).toMatchObject({ service: 'Worker', message: expect.stringMatching(/^job-\d+ failed/) });
    expect(error.detail).toContain('at com.example.Worker.write');
    expect(full!.context.logs.map((l) => l.message)).toContain(`Starting ${full!.context.sessionId} for tenant t${Number(full!.context.sessionId!.slice(4)) % 7}`);
  });

  it('keeps reading a run with the config it started with when the file changes before a follow-up', async () => {
    const [whole] = await results.reader.listRuns('jobs');
    await s.upload('logs/jobs/worker.log.2', incidentLog);
    // Past the deadline after every batch: the one-batch object is observed, then pass 2 is left to a follow-up.
    let calls = 0;
    const detectThenChangeConfig: SqsHandler = async (event, context) => {
      const response = await s.detect(event, context);
      if (++calls === 1) await putObject('config/jobs.json', '{}');
      return response;
    };
    await drain(s.emulators, [{ queueUrl: s.queues.detect.url, handler: detectThenChangeConfig, context: lambdaContext(() => 500, 'detect') }]);
    await putObject('config/jobs.json', JSON.stringify(CONFIG));

    const chunked = (await results.reader.listRuns('jobs')).find((r) => r.input.key === 'logs/jobs/worker.log.2')!;
    expect(chunked).toMatchObject({ status: 'DONE', counts: whole!.counts });
    expect(chunked.continuations).toBeGreaterThanOrEqual(1);
    // Same findings and contexts; ids (from the run id) and the object name differ, so does the order of equal scores.
    const comparable = async (runId: string) => (await Promise.all((await results.reader.listAnomalies(runId)).map((a) => results.reader.getAnomaly(runId, a.id))))
      .map((a) => JSON.stringify({ ...a, id: undefined } as Partial<Anomaly>).replaceAll('worker.log.2', 'worker.log.1')).sort();
    expect(await comparable(chunked.runId)).toEqual(await comparable(whole!.runId));
  });
});

describe('a config changed after training', () => {
  it('fails detection, saying to retrain, instead of reading logs unlike the model did', async () => {
    await putObject('config/jobs.json', JSON.stringify({ ...CONFIG, sessionFields: ['job'] }));
    await s.upload('logs/jobs/worker.log.3', incidentLog);
    await s.runQueues();
    await putObject('config/jobs.json', JSON.stringify(CONFIG));
    const run = (await results.reader.listRuns('jobs')).find((r) => r.input.key === 'logs/jobs/worker.log.3');
    expect(run).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/^config\/jobs\.json changed after model m\w+ was trained.*upload the baseline \(or any one of its objects\) to baseline\/jobs\/ again/) });
  });
});

describe('an invalid config/<source>.json', () => {
  const BAD = { format: CONFIG.format, sesionRegex: '(job-\\d+)' };
  let failedRunId: string;

  it('fails training permanently: no model, the message consumed, not retried', async () => {
    await putObject('config/broken.json', JSON.stringify(BAD));
    await s.upload('baseline/broken/worker.log', baselineLog);
    await s.runQueues();
    expect(await results.modelRegistry.listModels('broken')).toEqual([]);
    expect(await queueDepth(s.queues.train.url)).toBe(0);
    expect(await queueDepth(s.queues.train.dlqUrl)).toBe(0);
  });

  it('fails the detection run with a reason naming the file and the bad key', async () => {
    await s.upload('logs/broken/worker.log', incidentLog);
    await s.runQueues();
    const [run] = await results.reader.listRuns('broken');
    expect(run).toMatchObject({ status: 'FAILED', input: { key: 'logs/broken/worker.log' } });
    expect(run!.reason).toContain('config/broken.json is not a valid source config: unknown key "sesionRegex"');
    expect(await queueDepth(s.queues.detect.dlqUrl)).toBe(0);
    failedRunId = run!.runId;
  });

  it('once fixed, the same baseline and the same log object upload again train and make a new run', async () => {
    await putObject('config/broken.json', JSON.stringify(CONFIG));
    await s.upload('baseline/broken/worker.log', baselineLog);
    await s.runQueues();
    expect(await results.modelRegistry.listModels('broken')).toHaveLength(1);

    await s.upload('logs/broken/worker.log', incidentLog);
    await s.runQueues();
    const runs = await results.reader.listRuns('broken');
    expect(runs).toHaveLength(2);
    const fresh = runs.find((r) => r.runId !== failedRunId)!;
    expect(fresh).toMatchObject({ status: 'DONE', counts: { records: 360, sessions: 120 } });
  });
});

describe('the nightly roll-forward', () => {
  it('rolls a source with its config, and leaves a source with an invalid config un-rolled, saying why', async () => {
    await putObject('config/broken.json', JSON.stringify({ ...CONFIG, sessionRegex: '(job-' }));
    const nightly = (await import('../../functions/nightly/handler.ts')).handler as unknown as (event: unknown, context: Context) => Promise<NightlyOutcome>;
    const before = await pointer('jobs');

    const outcome = await nightly({ day: new Date().toISOString().slice(0, 10) }, lambdaContext(undefined, 'nightly'));

    const bySource = Object.fromEntries(outcome.sources.map((o) => [o.source, o]));
    expect(bySource.jobs!.roll).toMatchObject({ status: 'ROLLED' });
    expect(await pointer('jobs')).toMatchObject({ configTag: before!.configTag, rolled: { anchorModelId: before!.modelId } });
    expect(bySource.broken!.roll).toMatchObject({ status: 'INVALID_CONFIG', reason: expect.stringContaining('config/broken.json is not a valid source config: sessionRegex: not a valid regular expression') });
    expect(bySource.broken!.missed).toEqual([]);
  });
});
