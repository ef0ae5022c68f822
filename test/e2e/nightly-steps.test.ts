/**
 * The per-source nightly job's steps against the emulated services: stuck RUNNING runs are ended
 * FAILED and re-queued once, a failing step does not stop the others, the worker hands steps it
 * has no time for back to its queue, and a past day is rolled from the model current on that day
 * without moving today's pointer.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import { ObjectModelStore } from '../../shared/model/object-model-store.ts';
import type { ObjectStore } from '../../shared/ports.ts';
import { recordPointer } from '../../shared/pipeline/stages/model-history.ts';
import { rebuiltDayKey, runNightlySource, type NightlyPorts } from '../../shared/pipeline/stages/nightly.ts';
import { createQueueWithDlq } from '../support/emulators.ts';
import { lambdaContext, pollOnce, type SqsHandler } from '../support/lambda.ts';
import { sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

let s: Scenario;
let results: DynamoResultStores;
let store: S3ObjectStore;
let queued: string[];
let ports: NightlyPorts;
/** Days the bucket's log objects pretend to have been written on (s3rver dates them now). */
let pretendDay: string | undefined;
/** Write times some objects pretend to have, by key. */
const pretendWritten = new Map<string, number>();

/** The bucket, with the write time of logs/ objects moved to noon of {@link pretendDay}, or as {@link pretendWritten} says. */
function datedLogs(objects: ObjectStore): ObjectStore {
  const dated = (key: string, real: number | undefined) => pretendWritten.get(key) ?? (pretendDay && key.startsWith('logs/') ? Date.parse(`${pretendDay}T12:00:00Z`) : real);
  return {
    location: objects.location, head: (k) => objects.head(k), input: (k, e) => objects.input(k, e), getText: (k) => objects.getText(k), put: (k, b, t) => objects.put(k, b, t),
    list: async (prefix) => (await objects.list(prefix)).map((o) => ({ ...o, lastModified: dated(o.key, o.lastModified) })),
  };
}

beforeAll(async () => {
  s = await startScenario('nightly-steps');
  store = new S3ObjectStore(s.emulators.s3, s.bucket);
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: store });
  await s.upload('baseline/checkout/day1.jsonl', await sampleLog('baseline'));
  await s.runQueues();
  await s.upload('logs/checkout/incident.jsonl', await sampleLog('incident'));
  await s.runQueues();
  queued = [];
  const objects = datedLogs(store);
  ports = {
    objects, models: new ObjectModelStore(objects), reader: results.reader, runs: results.runs, digests: results.digests, modelRegistry: results.modelRegistry,
    missed: { send: async (messages) => void queued.push(...messages.map((m) => (m.retryOf ? `${m.key} (retry of ${m.retryOf})` : m.key))) },
  };
}, 120_000);
afterAll(async () => {
  delete process.env.NIGHTLY_QUEUE_URL;
  await s?.close();
});

async function putLog(key: string): Promise<string> {
  await s.emulators.s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: key, Body: '{"message":"x"}\n' }));
  return (await store.head(key))!.etag;
}

async function startRun(runId: string, key: string, startedAt: number): Promise<void> {
  const etag = await putLog(key);
  // Written a minute before its run started, as in life.
  pretendWritten.set(key, startedAt - 60_000);
  await results.runs.startRun({ runId, source: 'checkout', input: { location: store.location, key, etag, size: 16 }, modelId: 'm', startedAt });
}

describe('stuck runs', () => {
  it('are ended FAILED with the reason and re-queued once; live runs and runs with recent checkpoints are left alone', async () => {
    const now = Date.now();
    await startRun('stuck-run', 'logs/checkout/stuck.jsonl', now - 7 * HOUR);
    await startRun('live-run', 'logs/checkout/live.jsonl', now - 1 * HOUR);
    await startRun('slow-run', 'logs/checkout/slow.jsonl', now - 8 * HOUR);
    // The slow run continued an hour ago: its checkpoint is its last progress.
    await store.put('checkpoints/slow-run/1.json', '{}');
    queued.length = 0;

    const first = await runNightlySource(ports, { source: 'checkout', day: dayOf(now), now, steps: ['requeue'] });

    expect(first.stuck.map((r) => r.runId)).toEqual(['stuck-run']);
    const failed = await results.reader.getRun('stuck-run');
    expect(failed).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/^no progress since .*: the detection message probably went to the dead-letter queue/) });
    expect(await results.reader.getRun('live-run')).toMatchObject({ status: 'RUNNING' });
    expect(await results.reader.getRun('slow-run')).toMatchObject({ status: 'RUNNING' });
    expect(queued).toEqual(['logs/checkout/stuck.jsonl (retry of stuck-run)']);

    const second = await runNightlySource(ports, { source: 'checkout', day: dayOf(now), now: now + 60_000, steps: ['requeue'] });
    expect(second.stuck).toEqual([]);
    expect(queued).toEqual(['logs/checkout/stuck.jsonl (retry of stuck-run)']);
  });
});

describe('the steps', () => {
  it('go on after one fails, and the outcome reports each', async () => {
    const now = Date.now();
    const failing: NightlyPorts = { ...ports, modelRegistry: { ...ports.modelRegistry, listModels: (x) => ports.modelRegistry.listModels(x), recordModel: async () => { throw new Error('table unavailable'); } } };
    const outcome = await runNightlySource(failing, { source: 'checkout', day: dayOf(now), now });
    expect(outcome.steps).toEqual({ requeue: 'DONE', roll: 'FAILED', digest: 'DONE' });
    expect(outcome.errors).toEqual({ roll: 'table unavailable' });
    expect(outcome.digest).toMatchObject({ reportKey: `reports/${dayOf(now)}/checkout.html` });
    expect((await results.digests.getDigest(dayOf(now), 'checkout'))!.top!.length).toBeGreaterThan(0);
  }, 60_000);

  it('that the worker has no time for are handed back to its queue as one message with just those steps', async () => {
    const jobs = await createQueueWithDlq(s.emulators, 'nightly-steps-source');
    process.env.NIGHTLY_QUEUE_URL = jobs.url;
    const worker = (await import('../../functions/nightly-source/handler.ts')).handler as SqsHandler;
    const now = Date.now();
    const job = { kind: 'nightly-source', source: 'checkout', day: dayOf(now), now };
    await s.emulators.sqs.send(new SendMessageCommand({ QueueUrl: jobs.url, MessageBody: JSON.stringify(job) }));

    // 100 s left: enough for the re-queue step, not for a roll.
    expect(await pollOnce(s.emulators, jobs.url, worker, lambdaContext(() => 100_000, 'nightly-source'))).toEqual({ received: 1, failed: 0 });

    const { Messages = [] } = await s.emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: jobs.url, MaxNumberOfMessages: 10, AttributeNames: ['All'] }));
    expect(Messages.map((m) => JSON.parse(m.Body!))).toEqual([{ ...job, steps: ['roll', 'digest'] }]);
  });
});

describe('a past day', () => {
  it('is rolled from the model current on that day, and today\'s pointer stays', async () => {
    const now = Date.now();
    const twoDaysAgo = dayOf(now - 2 * DAY);
    const yesterday = dayOf(now - DAY);
    const trained = (await ports.models.current('checkout'))!;
    // The model was trained two days ago (the history the training Lambda keeps from now on).
    await recordPointer(store, 'checkout', trained, Date.parse(`${twoDaysAgo}T00:00:00Z`));

    pretendDay = yesterday;
    const normal = await runNightlySource(ports, { source: 'checkout', day: yesterday, now, steps: ['roll'] });
    expect(normal.roll).toMatchObject({ status: 'ROLLED', baseModelId: trained.modelId, madeCurrent: true, days: [yesterday] });
    const today = (await ports.models.current('checkout'))!;

    pretendDay = twoDaysAgo;
    const past = await runNightlySource(ports, { source: 'checkout', day: twoDaysAgo, now: now + 1000, steps: ['roll'] });
    expect(past.roll).toMatchObject({ status: 'ROLLED', baseModelId: trained.modelId, madeCurrent: false, days: [twoDaysAgo] });
    expect(await ports.models.current('checkout')).toEqual(today);
    expect(JSON.parse((await store.getText(rebuiltDayKey('checkout', twoDaysAgo)))!)).toMatchObject({ rolled: { anchorModelId: trained.modelId, days: [twoDaysAgo] } });

    const again = await runNightlySource(ports, { source: 'checkout', day: twoDaysAgo, now: now + 2000, steps: ['roll'] });
    expect(again.roll).toMatchObject({ status: 'UNCHANGED', modelId: (past.roll as { modelId: string }).modelId });
    pretendDay = undefined;
  }, 120_000);
});
