/**
 * The explainer's budgets (issue 14, item 5), on the emulators and the fake Converse server: no
 * model call starts that could not finish before the deadline, malformed messages reach the DLQ,
 * and groups with one signature at the same time make one model call (a claim on the cache entry).
 * Time is simulated: the Lambda context's remaining time is a variable that a "slow" fake model
 * advances, so nothing here waits on the wall clock.
 */
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXPLAIN_IO_RESERVE_MS, bedrockCallMs, explainMessageMs } from '../../functions/lib/bedrock-budget.ts';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import type { Anomaly, ContextLog } from '../../shared/detect/types.ts';
import { explainGroups } from '../../shared/pipeline/stages/record.ts';
import type { CachedExplanation, ExplainMessage, RunRef } from '../../shared/ports.ts';
import { createQueueWithDlq, createResultsTable, handlerEnv, startEmulators, type Emulators } from '../support/emulators.ts';
import { goodAnswer, startFakeConverse, type FakeConverse } from '../support/fake-converse.ts';
import { lambdaContext, pollOnce, type SqsHandler } from '../support/lambda.ts';

const BUCKET = 'logsleuth-explain-budgets';
const TABLE = 'results-explain-budgets';
const ATTEMPTS = 3;
const TIMEOUT_MS = 40_000;
/** What the handler needs left before it starts a call: the worst call plus storing its result. */
const CALL_BUDGET_MS = bedrockCallMs(ATTEMPTS, TIMEOUT_MS) + EXPLAIN_IO_RESERVE_MS;
let emulators: Emulators;
let fake: FakeConverse;
let results: DynamoResultStores;
let handler: SqsHandler;
/** The same handler in a second module instance: another Lambda execution environment (each has its own batch processor). */
let otherHandler: SqsHandler;

beforeAll(async () => {
  emulators = await startEmulators({ buckets: [BUCKET] });
  await createResultsTable(emulators, TABLE);
  fake = await startFakeConverse();
  Object.assign(process.env, handlerEnv(emulators, {
    TABLE_NAME: TABLE, BUCKET_NAME: BUCKET, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.endpoint,
    BEDROCK_MAX_ATTEMPTS: String(ATTEMPTS), BEDROCK_TIMEOUT_MS: String(TIMEOUT_MS), POWERTOOLS_METRICS_DISABLED: 'true',
  }));
  handler = (await import('../../functions/explain/handler.ts')).handler as SqsHandler;
  vi.resetModules();
  otherHandler = (await import('../../functions/explain/handler.ts')).handler as SqsHandler;
  results = dynamoResultStores({ client: emulators.doc, tableName: TABLE, overflow: new S3ObjectStore(emulators.s3, BUCKET) });
});
afterAll(async () => {
  await fake?.close();
  await emulators?.close();
});
beforeEach(() => {
  fake.respond = (call) => ({ answer: goodAnswer(call.prompt) });
});

const log = (line: number, level: ContextLog['level'], message: string, templateId: string, anomalous = false): ContextLog =>
  ({ source: 'app.jsonl', line, level, message, templateId, anomalous, service: 'checkout' });

/** A failing checkout session; every session built here has the same shape, so `template` alone decides the signature. */
function sessionLogs(first: number): ContextLog[] {
  return [
    log(first, 'INFO', 'Received POST /api/checkout', 't-recv'),
    log(first + 1, 'WARN', 'Payment gateway timeout after 5000 ms', 't-timeout'),
    log(first + 2, 'ERROR', 'Failed to create order: upstream payment-service unavailable', 't-fail', true),
  ];
}

/** Stores one anomaly with its session (as detection does) and returns its explain message. */
async function storeGroup(name: string, template = `Failed to create order (${name})`, first = 10): Promise<{ message: ExplainMessage; anomaly: Anomaly }> {
  const logs = sessionLogs(first);
  const run: RunRef = { runId: `run-${name}`, startedAt: Date.now(), source: 'checkout' };
  const anomaly: Anomaly = {
    id: `a-${name}`, type: 'NEW_TEMPLATE', templateId: `tpl-${template}`, template, score: 0.9, source: 'app.jsonl', line: first + 2,
    sessionId: `req-${name}`, reasons: [{ type: 'NEW_TEMPLATE', score: 0.9, detail: 'never seen in the baseline' }], count: 1,
    context: { contextType: 'FULL_SESSION', sessionId: `req-${name}`, totalLogsInSession: logs.length, truncated: false, logs },
  };
  await results.findings.putSessions(run, [{ runId: run.runId, sessionId: `req-${name}`, totalLogsInSession: logs.length, truncated: false, logs, anomalyIds: [anomaly.id] }]);
  await results.findings.putAnomalies(run, [anomaly]);
  return { message: explainGroups(run, [anomaly])[0]!, anomaly };
}

async function send(queueUrl: string, body: string): Promise<void> {
  await emulators.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

describe('the explainer\'s deadline', () => {
  it('is sized for the deployed settings: 133 s per Bedrock call at worst, 281 s per message, within the 300 s Lambda timeout', () => {
    // 3 × 40 s + (1 s + 5 s) + (2 s + 5 s) of backoff with retry-after slack; 2 calls + 15 s of reads and writes.
    expect(bedrockCallMs(3, 40_000)).toBe(133_000);
    expect(explainMessageMs(3, 40_000)).toBe(281_000);
  });

  it('hands a message back without calling Bedrock when less than one worst-case call is left', async () => {
    const queue = await createQueueWithDlq(emulators, 'explain-short-time', { maxReceiveCount: 3 });
    const { message, anomaly } = await storeGroup('short-time');
    await send(queue.url, JSON.stringify(message));
    const before = fake.calls.length;

    // Far more than one attempt's timeout, yet less than three attempts with backoff and the store.
    expect(await pollOnce(emulators, queue.url, handler, lambdaContext(() => CALL_BUDGET_MS - 1))).toEqual({ received: 1, failed: 1 });

    expect(fake.calls.length).toBe(before);
    expect((await results.reader.getAnomaly(message.runId, anomaly.id))!.explainStatus).toBeUndefined();
    // Redelivered with enough time (exactly the budget), it is explained.
    expect(await pollOnce(emulators, queue.url, handler, lambdaContext(() => CALL_BUDGET_MS))).toEqual({ received: 1, failed: 0 });
    expect(fake.calls.length).toBe(before + 1);
    expect(await results.reader.getAnomaly(message.runId, anomaly.id)).toMatchObject({ explainStatus: 'EXPLAINED' });
  });

  it('does not start the second call when a slow first answer (rejected) used up the time, and hands the message back', async () => {
    const queue = await createQueueWithDlq(emulators, 'explain-slow', { maxReceiveCount: 3 });
    const { message, anomaly } = await storeGroup('slow');
    await send(queue.url, JSON.stringify(message));
    const before = fake.calls.length;
    let remainingMs = CALL_BUDGET_MS + 100_000;
    // A slow model: 100 s (simulated) per answer, and an answer that does not match the schema.
    fake.respond = () => {
      remainingMs -= 100_001;
      return { answer: { summary: 'it broke' } };
    };

    expect(await pollOnce(emulators, queue.url, handler, lambdaContext(() => remainingMs))).toEqual({ received: 1, failed: 1 });

    expect(fake.calls.length).toBe(before + 1);
    expect((await results.reader.getAnomaly(message.runId, anomaly.id))!.explainStatus).toBeUndefined();
  });
});

describe('malformed explain messages', () => {
  it('fails them in the batch response (so they dead-letter after maxReceiveCount) and explains the well-formed one', async () => {
    const queue = await createQueueWithDlq(emulators, 'explain-malformed', { maxReceiveCount: 2 });
    const good = await storeGroup('well-formed');
    const { anomalyIds: _ids, ...withoutAnomalies } = good.message;
    await send(queue.url, '{"kind":"explain", not json');
    await send(queue.url, JSON.stringify(withoutAnomalies));
    await send(queue.url, JSON.stringify(good.message));

    expect(await pollOnce(emulators, queue.url, handler, lambdaContext(), 10)).toEqual({ received: 3, failed: 2 });

    expect(await results.reader.getAnomaly(good.message.runId, good.anomaly.id)).toMatchObject({ explainStatus: 'EXPLAINED' });
    while ((await pollOnce(emulators, queue.url, handler, lambdaContext(), 10)).received > 0);
    const dlq = await emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10, AttributeNames: ['All'] }));
    expect((dlq.Messages ?? []).map((m) => m.Body).sort()).toEqual(['{"kind":"explain", not json', JSON.stringify(withoutAnomalies)].sort());
  });
});

describe('two groups with the same signature at the same time', () => {
  it('make one model call: the second is handed back while the first holds the claim, and reuses its answer when redelivered', async () => {
    const queue = await createQueueWithDlq(emulators, 'explain-same-signature', { maxReceiveCount: 3 });
    const template = 'Failed to create order: upstream {*} unavailable (concurrent)';
    const one = await storeGroup('same-1', template, 10);
    const two = await storeGroup('same-2', template, 500);
    await send(queue.url, JSON.stringify(one.message));
    await send(queue.url, JSON.stringify(two.message));
    const first = fake.calls.length;
    // The first call is answered only once the other invocation is done (or has called the model too).
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    fake.respond = async (call, index) => {
      if (index === first) await held;
      else release();
      return { answer: goodAnswer(call.prompt) };
    };

    const polls = [pollOnce(emulators, queue.url, handler, lambdaContext(), 1), pollOnce(emulators, queue.url, otherHandler, lambdaContext(), 1)];
    const other = await Promise.race(polls);
    release();
    const both = await Promise.all(polls);

    expect(other).toEqual({ received: 1, failed: 1 });
    expect(both.map((p) => p.failed).sort()).toEqual([0, 1]);
    expect(fake.calls.length - first).toBe(1);
    // Redelivered (the test's poller makes it visible at once; SQS after the visibility timeout).
    expect(await pollOnce(emulators, queue.url, handler, lambdaContext(), 10)).toEqual({ received: 1, failed: 0 });
    expect(fake.calls.length - first).toBe(1);
    const stored = await Promise.all([one, two].map((g) => results.reader.getAnomaly(g.message.runId, g.anomaly.id)));
    expect(stored.map((a) => a!.explainStatus)).toEqual(['EXPLAINED', 'EXPLAINED']);
    expect(stored.filter((a) => a!.explanation!.reusedFrom)).toHaveLength(1);
  });
});

describe('a claim whose holder failed', () => {
  it('is released at once: a group with the same signature asks the model instead of waiting for the claim to expire', async () => {
    const firstQueue = await createQueueWithDlq(emulators, 'explain-released-1', { maxReceiveCount: 3 });
    const secondQueue = await createQueueWithDlq(emulators, 'explain-released-2', { maxReceiveCount: 3 });
    const template = 'Failed to create order: upstream {*} unavailable (released)';
    const one = await storeGroup('released-1', template, 10);
    const two = await storeGroup('released-2', template, 500);
    await send(firstQueue.url, JSON.stringify(one.message));
    await send(secondQueue.url, JSON.stringify(two.message));
    fake.respond = () => ({ status: 503, errorType: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' });
    expect(await pollOnce(emulators, firstQueue.url, handler, lambdaContext())).toEqual({ received: 1, failed: 1 });
    fake.respond = (call) => ({ answer: goodAnswer(call.prompt) });
    const before = fake.calls.length;

    // Another invocation (its own request id), long before the failed holder's claim would have expired.
    const later = { ...lambdaContext(), awsRequestId: 'req-later' };
    expect(await pollOnce(emulators, secondQueue.url, otherHandler, later)).toEqual({ received: 1, failed: 0 });

    expect(fake.calls.length).toBe(before + 1);
    const stored = await results.reader.getAnomaly(two.message.runId, two.anomaly.id);
    expect(stored).toMatchObject({ explainStatus: 'EXPLAINED' });
    expect(stored!.explanation!.reusedFrom).toBeUndefined();
  });
});

describe('the DynamoDB explanation cache\'s claims', () => {
  const entry = (signature: string): CachedExplanation => ({
    signature, runId: 'run-c', anomalyId: 'a-c', explainedAt: 1_000, evidence: [{ run: 0, offset: 0 }],
    explanation: { method: 'bedrock', summary: 's', rootCause: 'r', causalChain: [], evidenceLines: [1], confidence: 0.5, nextStep: 'n' } as never,
  });

  it('lets one owner hold a signature until its claim expires, and the same owner claim again', async () => {
    const cache = results.explanationCache;
    expect(await cache.claimSignature('sig-1', 'a', 1_000, 5_000)).toBe(true);
    expect(await cache.claimSignature('sig-1', 'b', 2_000, 6_000)).toBe(false);
    expect(await cache.claimSignature('sig-1', 'a', 2_000, 6_000)).toBe(true);
    expect(await cache.claimSignature('sig-1', 'b', 6_000, 9_000)).toBe(true);
  });

  it('frees a signature when its owner releases it, but not when someone else tries', async () => {
    const cache = results.explanationCache;
    await cache.claimSignature('sig-2', 'a', 1_000, 5_000);
    await cache.releaseSignature('sig-2', 'b');
    expect(await cache.claimSignature('sig-2', 'b', 2_000, 6_000)).toBe(false);
    await cache.releaseSignature('sig-2', 'a');
    expect(await cache.claimSignature('sig-2', 'b', 2_000, 6_000)).toBe(true);
  });

  it('clears the claim when the explanation is stored, and serves no explanation from a claim alone', async () => {
    const cache = results.explanationCache;
    await cache.claimSignature('sig-3', 'a', 1_000, 5_000);
    expect(await cache.getCachedExplanation('sig-3', 0)).toBeUndefined();
    await cache.cacheExplanation(entry('sig-3'), 10_000_000);
    expect(await cache.getCachedExplanation('sig-3', 0)).toEqual(entry('sig-3'));
    expect(await cache.claimSignature('sig-3', 'b', 2_000, 6_000)).toBe(true);
    // A claim over an older explanation keeps that explanation readable.
    expect(await cache.getCachedExplanation('sig-3', 0)).toEqual(entry('sig-3'));
  });
});
