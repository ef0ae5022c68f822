/**
 * One worker per run, on the emulators: two detection invocations racing on the same object make
 * one run, one set of items and one continuation chain (the loser hands its message back, and it is
 * dropped once the run is DONE); a redelivery after the model was rolled finds the run its first
 * delivery started instead of starting a second one.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, DeleteMessageCommand, SendMessageCommand, GetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import { runDetection, type DetectionPorts } from '../../shared/pipeline/stages/detection.ts';
import { ObjectModelStore } from '../../shared/model/object-model-store.ts';
import { STUCK_REASON_PREFIX, type ContinueDetectionMessage } from '../../shared/ports.ts';
import { drain, lambdaContext, sqsEvent, type SqsHandler } from '../support/lambda.ts';
import { sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

let s: Scenario;
let results: DynamoResultStores;
let objects: S3ObjectStore;

beforeAll(async () => {
  s = await startScenario('lease', { DEADLINE_RESERVE_MS: '1000' });
  objects = new S3ObjectStore(s.emulators.s3, s.bucket);
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: objects });
  await s.upload('baseline/shop/base.jsonl', await sampleLog('baseline'));
  await s.runQueues();
});
afterAll(async () => s?.close());

let invocations = 0;
/** A fresh invocation (its own request id) whose deadline comes after three record batches. */
function shortLivedContext() {
  let checks = 0;
  return { ...lambdaContext(() => (++checks > 3 ? 500 : 60_000), 'detect'), awsRequestId: `req-${++invocations}` };
}

/** Takes the one message the upload queued off the detection queue. */
async function takeDetectMessage(): Promise<Message> {
  const { Messages = [] } = await s.emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: s.queues.detect.url, MaxNumberOfMessages: 10, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
  expect(Messages).toHaveLength(1);
  await s.emulators.sqs.send(new DeleteMessageCommand({ QueueUrl: s.queues.detect.url, ReceiptHandle: Messages[0]!.ReceiptHandle! }));
  return Messages[0]!;
}

/** The same message as a separate delivery (SQS at-least-once: a duplicate has its own message id). */
const delivery = (message: Message, copy: string): SQSEvent => sqsEvent([{ ...message, MessageId: `${message.MessageId}-${copy}` }]);

/** Drains the detection queue, each batch in a fresh short-lived invocation; returns the follow-ups delivered. */
async function drainInShortInvocations(): Promise<ContinueDetectionMessage[]> {
  const followUps = new Map<string, ContinueDetectionMessage>();
  const handler = async (event: SQSEvent) => {
    for (const r of event.Records) {
      const body = JSON.parse(r.body) as { kind?: string };
      if (body.kind === 'continue-detection') followUps.set(r.messageId, body as ContinueDetectionMessage);
    }
    return s.detect(event, shortLivedContext());
  };
  await drain(s.emulators, [{ queueUrl: s.queues.detect.url, handler, batchSize: 1 }], 200);
  return [...followUps.values()];
}

async function keysUnder(prefix: string): Promise<string[]> {
  const { Contents = [] } = await s.emulators.s3.send(new ListObjectsV2Command({ Bucket: s.bucket, Prefix: prefix }));
  return Contents.map((c) => c.Key!);
}

async function itemsOfRun(runId: string) {
  return (await s.items()).filter((item) => String(item.PK).startsWith(`RUN#${runId}`));
}

async function dlqDepth(): Promise<number> {
  const { Attributes } = await s.emulators.sqs.send(new GetQueueAttributesCommand({ QueueUrl: s.queues.detect.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

/** Delivers the training queue only (a model roll), leaving the detection queue alone. */
const train = () => drain(s.emulators, [{ queueUrl: s.queues.train.url, handler: s.train, context: lambdaContext(undefined, 'train') }]);

const runsOf = async (key: string) => (await results.reader.listRuns('shop')).filter((r) => r.input.key === key);

describe('one worker per run', () => {
  it('lets one of two racing invocations work: one run, one set of items, one continuation chain, the other message handed back then dropped', async () => {
    const incident = await sampleLog('incident');
    await s.upload('logs/shop/reference.jsonl', incident);
    await s.runQueues();
    const [reference] = await runsOf('logs/shop/reference.jsonl');

    await s.upload('logs/shop/raced.jsonl', incident);
    const message = await takeDetectMessage();
    // Two Lambda instances: each its own module (a handler's batch processor serves one invocation at a time).
    vi.resetModules();
    const otherInstance = (await import('../../functions/detect/handler.ts')).handler as SqsHandler;
    const responses = await Promise.allSettled([s.detect(delivery(message, 'a'), shortLivedContext()), otherInstance(delivery(message, 'b'), shortLivedContext())]);

    // Handed back: a batch item failure, or (the whole batch failed) the error Lambda returns every message on.
    const handedBack = responses.filter((r) => r.status === 'rejected' || (r.value as SQSBatchResponse).batchItemFailures.length > 0);
    expect(handedBack).toHaveLength(1);
    expect(handedBack[0]!.status === 'rejected' ? String(handedBack[0]!.reason) : '').toMatch(/FullBatchFailureError|All records failed/);
    const followUps = await drainInShortInvocations();
    // The loser's message comes back after the visibility timeout, when the run is DONE: consumed without work.
    await s.emulators.sqs.send(new SendMessageCommand({ QueueUrl: s.queues.detect.url, MessageBody: message.Body! }));
    expect(await drainInShortInvocations()).toEqual([]);

    const runs = await runsOf('logs/shop/raced.jsonl');
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.status).toBe('DONE');
    expect(run.continuations).toBeGreaterThanOrEqual(3);
    // One chain: each continuation number sent once, and the run counted each once.
    expect(followUps.map((f) => f.continuation).sort((a, b) => a - b)).toEqual(Array.from({ length: run.continuations! }, (_, i) => i + 1));
    expect(await keysUnder(`checkpoints/${run.runId}/`)).toHaveLength(run.continuations!);
    expect(run.counts).toEqual(reference!.counts);
    const sortKinds = (items: Record<string, unknown>[]) => items.map((i) => String(i.SK).split('#')[0]).sort();
    expect(sortKinds(await itemsOfRun(run.runId))).toEqual(sortKinds(await itemsOfRun(reference!.runId)));
    expect((await keysUnder(`contexts/${run.runId}/`)).length).toBe((await keysUnder(`contexts/${reference!.runId}/`)).length);
    expect(await dlqDepth()).toBe(0);
  });

  it('finishes a run with the model it started with when its message comes again after the model was rolled', async () => {
    await s.upload('logs/shop/rolled.jsonl', await sampleLog('incident'));
    const message = await takeDetectMessage();
    const first = await s.detect(delivery(message, 'first'), shortLivedContext()) as SQSBatchResponse;
    expect(first.batchItemFailures).toEqual([]);
    const [started] = await runsOf('logs/shop/rolled.jsonl');
    expect(started!.status).toBe('RUNNING');

    // A new model is rolled while the run is continuing; the chain then finishes.
    await s.upload('baseline/shop/more.jsonl', await sampleLog('clean'));
    await train();
    const rolledTo = (await new ObjectModelStore(objects).current('shop'))!.modelId;
    expect(rolledTo).not.toBe(started!.modelId);
    await drainInShortInvocations();
    // The original event again: it finds the same run, DONE, so it is dropped.
    await s.emulators.sqs.send(new SendMessageCommand({ QueueUrl: s.queues.detect.url, MessageBody: message.Body! }));
    await drainInShortInvocations();

    const runs = await runsOf('logs/shop/rolled.jsonl');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: started!.runId, status: 'DONE', modelId: started!.modelId });
  });

  it('resumes a RUNNING run whose lease expired with its recorded model, not the current one', async () => {
    const ports: DetectionPorts = {
      objects, models: new ObjectModelStore(objects), runs: results.runs, findings: results.findings,
      explainQueue: { send: async () => undefined }, followUps: { send: async () => undefined },
    };
    await s.upload('logs/shop/crashed.jsonl', await sampleLog('incident'));
    await takeDetectMessage();
    const before = (await ports.models.current('shop'))!.modelId;
    let checks = 0;
    const t0 = 1_795_132_800_000;
    // The first worker stops early (its follow-up is lost, as if it crashed), holding the lease until t0 + 2 min.
    const first = await runDetection(ports, { kind: 'object', key: 'logs/shop/crashed.jsonl' }, { now: t0, remainingMs: () => (++checks > 2 ? 500 : 60_000), reserveMs: 1000, lease: { owner: 'crashed' } });
    expect(first.status).toBe('CONTINUED');
    expect(await runDetection(ports, { kind: 'object', key: 'logs/shop/crashed.jsonl' }, { now: t0 + 1000, remainingMs: () => 60_000, lease: { owner: 'early' } }))
      .toMatchObject({ status: 'BUSY' });

    await s.upload('baseline/shop/again.jsonl', await sampleLog('baseline'));
    await train();
    expect((await ports.models.current('shop'))!.modelId).not.toBe(before);
    const redelivered = await runDetection(ports, { kind: 'object', key: 'logs/shop/crashed.jsonl' }, { now: t0 + 3_600_000, remainingMs: () => Infinity, lease: { owner: 'later' } });

    expect(redelivered).toMatchObject({ status: 'DONE', runId: first.status === 'CONTINUED' ? first.runId : '' });
    const runs = await runsOf('logs/shop/crashed.jsonl');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'DONE', modelId: before });
  });
});

describe('a run the nightly job found stuck', () => {
  it('is reopened once by the retry that names it, and finished; a plain redelivery or a second retry leaves it alone', async () => {
    const ports: DetectionPorts = {
      objects, models: new ObjectModelStore(objects), runs: results.runs, findings: results.findings,
      explainQueue: { send: async () => undefined }, followUps: { send: async () => undefined },
    };
    await s.upload('logs/shop/stuck.jsonl', await sampleLog('incident'));
    await takeDetectMessage();
    const t0 = 1_795_200_000_000;
    let checks = 0;
    // The first worker stops early and its follow-up is lost: the run stays RUNNING, then the nightly job fails it as stuck.
    const first = await runDetection(ports, { kind: 'object', key: 'logs/shop/stuck.jsonl' }, { now: t0, remainingMs: () => (++checks > 2 ? 500 : 60_000), reserveMs: 1000, lease: { owner: 'lost' } });
    expect(first.status).toBe('CONTINUED');
    const runId = first.status === 'CONTINUED' ? first.runId : '';
    const { status: _status, ...start } = (await results.reader.getRun(runId))!;
    expect(await results.runs.failRun(start, `${STUCK_REASON_PREFIX}2026-11-20T00:00:00.000Z: the detection message probably went to the dead-letter queue`, t0 + 7 * 3_600_000)).toBe(true);

    // A redelivery that is not the nightly retry finds the run FAILED and changes nothing.
    expect(await runDetection(ports, { kind: 'object', key: 'logs/shop/stuck.jsonl' }, { now: t0 + 8 * 3_600_000, remainingMs: () => Infinity, lease: { owner: 'dup' } }))
      .toMatchObject({ status: 'DUPLICATE', existing: 'FAILED' });
    const retried = await runDetection(ports, { kind: 'object', key: 'logs/shop/stuck.jsonl', retryOfRun: runId }, { now: t0 + 8 * 3_600_000, remainingMs: () => Infinity, lease: { owner: 'retry' } });
    expect(retried).toMatchObject({ status: 'DONE', runId });
    expect(await results.reader.getRun(runId)).toMatchObject({ status: 'DONE' });
    expect((await results.reader.getRun(runId))!.reason).toBeUndefined();

    // Once only, and only when stuck: a run stuck again is not reopened again; a run failed for another reason never is.
    const run = (id: string) => ({ runId: id, source: 'shop', modelId: 'm1', startedAt: t0, input: { location: 'b', key: `logs/shop/${id}`, etag: 'e', size: 1 } });
    await results.runs.startRun(run('twice'));
    await results.runs.failRun(run('twice'), `${STUCK_REASON_PREFIX}then`, t0 + 1);
    expect(await results.runs.reopenStuckRun('twice', t0 + 2)).toBe(true);
    await results.runs.failRun(run('twice'), `${STUCK_REASON_PREFIX}again`, t0 + 3);
    expect(await results.runs.reopenStuckRun('twice', t0 + 4)).toBe(false);
    await results.runs.startRun(run('damaged'));
    await results.runs.failRun(run('damaged'), 'logs/shop/damaged is damaged and was not analysed', t0 + 1);
    expect(await results.runs.reopenStuckRun('damaged', t0 + 2)).toBe(false);
    expect(await results.reader.getRun('damaged')).toMatchObject({ status: 'FAILED' });
  });
});

describe('the run lease on DynamoDB', () => {
  it('is taken when free, refused while another holds it, handed over to a follow-up, free to all once expired, and never taken on an ended run', async () => {
    const run = { runId: 'lease-unit', source: 'shop', input: { location: 's3://b', key: 'logs/shop/x', etag: 'e', size: 1 }, modelId: 'm', startedAt: Date.now() }; // recent: an expired run reads as absent
    await results.runs.startRun(run);
    const lease = (owner: string, expiresAt: number) => ({ owner, expiresAt });

    expect(await results.runs.takeLease(run.runId, lease('a', 5_000), 1_000)).toEqual({ taken: true });
    expect(await results.runs.takeLease(run.runId, lease('b', 6_000), 2_000)).toEqual({ taken: false, status: 'RUNNING' });
    expect(await results.runs.takeLease(run.runId, lease('b', 6_000), 2_000, 'someone-else')).toEqual({ taken: false, status: 'RUNNING' });
    expect(await results.runs.takeLease(run.runId, lease('follow-up', 6_000), 2_000, 'a')).toEqual({ taken: true });
    expect(await results.runs.takeLease(run.runId, lease('a', 9_000), 3_000, 'a')).toEqual({ taken: false, status: 'RUNNING' });
    expect(await results.runs.takeLease(run.runId, lease('c', 9_000), 6_000)).toEqual({ taken: true });

    await results.runs.finishRun(run, 7_000, { records: 0, sessions: 0, anomalies: 0, knownTemplates: 0, newTemplates: 0, problems: 0, byType: { DURATION_SPIKE: 0, TEMPLATE_OUTLIER: 0, NEW_TEMPLATE: 0, ERROR_BURST: 0, SESSION_OUTLIER: 0 } }, []);
    expect(await results.runs.takeLease(run.runId, lease('c', 20_000), 10_000)).toEqual({ taken: false, status: 'DONE' });
    // Bookkeeping, not part of the run a reader sees.
    expect(Object.keys((await results.reader.getRun(run.runId))!)).not.toContain('leaseOwner');
  });
});
