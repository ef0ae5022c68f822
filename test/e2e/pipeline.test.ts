/**
 * The whole AWS pipeline in one process: s3rver + dynalite + local-aws-sqs on 127.0.0.1, S3 events
 * bridged to the job queues with the stack's filters, the real handlers invoked with real SQS batches.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import { gzip, sampleLog, startScenario, type Scenario } from '../support/scenario.ts';
import { encodeS3Key } from '../support/lambda.ts';
import { startFakeConverse, type FakeConverse } from '../support/fake-converse.ts';

let s: Scenario;
/** Stands in for Amazon Bedrock (Converse over HTTP/2). */
let bedrock: FakeConverse;
let results: DynamoResultStores;
const BASELINE_KEY = 'baseline/checkout/baseline day 1.jsonl';
const INCIDENT_KEY = 'logs/checkout/incident 2026-11-20.jsonl.gz';

beforeAll(async () => {
  bedrock = await startFakeConverse();
  s = await startScenario('e2e', { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint });
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: new S3ObjectStore(s.emulators.s3, s.bucket) });
});
afterAll(async () => {
  await s?.close();
  await bedrock?.close();
});

/** The explain queue's messages, left on the queue for the explainer (received once, then made visible again). */
async function peekExplainMessages(): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  const handles: string[] = [];
  for (;;) {
    const { Messages = [] } = await s.emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: s.queues.explain.url, MaxNumberOfMessages: 10, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
    if (Messages.length === 0) break;
    for (const m of Messages) {
      bodies.push(JSON.parse(m.Body!) as Record<string, unknown>);
      handles.push(m.ReceiptHandle!);
    }
  }
  for (const handle of handles) await s.emulators.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: s.queues.explain.url, ReceiptHandle: handle, VisibilityTimeout: 0 }));
  return bodies;
}

const s3Event = (bucket: string, key: string) => JSON.stringify({
  Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key: encodeS3Key(key) } } }],
});

describe('the AWS pipeline end to end', () => {
  let runId: string;
  let snapshot: Record<string, unknown>[];
  let groups: number;

  it('trains a model from an uploaded baseline and stores it in S3 with a current pointer', async () => {
    await s.upload(BASELINE_KEY, await sampleLog('baseline'));
    await s.runQueues();
    const pointer = await s.emulators.s3.send(new GetObjectCommand({ Bucket: s.bucket, Key: 'models/checkout/current' }));
    const { modelId, artifactKey } = JSON.parse(await pointer.Body!.transformToString()) as { modelId: string; artifactKey: string };
    const artifact = await s.emulators.s3.send(new GetObjectCommand({ Bucket: s.bucket, Key: artifactKey }));
    expect(JSON.parse(await artifact.Body!.transformToString())).toMatchObject({ format: 'logsleuth-model', id: modelId });
    expect((await results.modelRegistry.listModels('checkout')).map((m) => m.modelId)).toEqual([modelId]);
  });

  it('detects a gzip incident: run DONE, anomalies with FULL_SESSION context, sessions, one explain message per group', async () => {
    await s.upload(INCIDENT_KEY, gzip(await sampleLog('incident')));
    await s.runQueues();

    const [run] = await results.reader.listRuns('checkout');
    runId = run!.runId;
    expect(run).toMatchObject({ status: 'DONE', input: { key: INCIDENT_KEY }, explainQueued: true });
    expect(run!.counts!.records).toBe(10153);

    const anomalies = await results.reader.listAnomalies(runId);
    expect(anomalies.length).toBe(run!.counts!.anomalies);
    expect(anomalies.length).toBeGreaterThan(3);
    const inSession = anomalies.filter((a) => a.context.contextType === 'FULL_SESSION');
    expect(inSession.length).toBeGreaterThan(0);
    const full = await results.reader.getAnomaly(runId, inSession[0]!.id);
    expect(full!.context.logs.length).toBeGreaterThan(0);
    expect(full!.context.logs.some((log) => log.anomalous)).toBe(true);
    const session = await results.reader.getSession(runId, inSession[0]!.context.sessionId!);
    expect(session!.anomalyIds).toContain(inSession[0]!.id);

    const messages = await peekExplainMessages();
    groups = messages.length;
    const sessions = new Set(inSession.map((a) => a.context.sessionId));
    const loose = anomalies.filter((a) => a.context.contextType !== 'FULL_SESSION').length;
    expect(messages.length).toBe(sessions.size + loose);
    expect(new Set(messages.map((m) => m.groupId)).size).toBe(messages.length);
    expect(messages.flatMap((m) => m.anomalyIds as string[]).sort()).toEqual(anomalies.map((a) => a.id).sort());
  });

  it('explains every anomaly group from the explain queue through Bedrock: anomalies EXPLAINED in DynamoDB', async () => {
    expect(await s.runExplainQueue()).toBe(groups);

    const anomalies = await results.reader.listAnomalies(runId);
    for (const listed of anomalies) {
      const anomaly = (await results.reader.getAnomaly(runId, listed.id))!;
      expect(anomaly, anomaly.id).toMatchObject({ explainStatus: 'EXPLAINED', explanation: { method: 'bedrock', model: 'us.amazon.nova-micro-v1:0' } });
      const lines = new Set(anomaly.context.logs.map((log) => log.line));
      expect(anomaly.explanation!.evidenceLines.every((line) => lines.has(line)), anomaly.id).toBe(true);
    }
    // One call per group, fewer when groups share a signature (the rest reuse an explanation).
    const reused = anomalies.filter((a) => a.explanation!.reusedFrom).length;
    expect(bedrock.calls.length).toBeLessThanOrEqual(groups);
    expect(bedrock.calls.length).toBeGreaterThan(0);
    expect(anomalies.filter((a) => a.explanation!.usage).length + reused).toBe(anomalies.length);
    const dlq = await s.emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: s.queues.explain.dlqUrl, AttributeNames: ['All'] }));
    expect(dlq.Messages ?? []).toEqual([]);
    snapshot = await s.items();
  });

  it('changes nothing when the same S3 event is delivered twice more', async () => {
    const body = s3Event(s.bucket, INCIDENT_KEY);
    await s.emulators.sqs.send(new SendMessageCommand({ QueueUrl: s.queues.detect.url, MessageBody: body }));
    await s.emulators.sqs.send(new SendMessageCommand({ QueueUrl: s.queues.detect.url, MessageBody: body }));
    await s.runQueues();
    expect(await s.items()).toEqual(snapshot);
    expect(await s.takeExplainMessages()).toEqual([]);
  });

  it('marks a corrupt archive FAILED with a readable reason and leaves everything else alone', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(200, 0x5a)]);
    await s.upload('logs/checkout/broken.jsonl.gz', corrupt);
    await s.runQueues();

    const failed = (await results.reader.listRuns('checkout')).find((r) => r.input.key === 'logs/checkout/broken.jsonl.gz');
    expect(failed).toMatchObject({ status: 'FAILED' });
    expect(failed!.reason).toMatch(/broken\.jsonl\.gz/);
    expect(failed!.reason).toMatch(/is damaged and was not analysed: .*compressed data ends early/);
    const after = (await s.items()).filter((item) => item.PK !== `RUN#${failed!.runId}` && !String(item.PK).startsWith('DIGEST#'));
    expect(after).toEqual(snapshot.filter((item) => !String(item.PK).startsWith('DIGEST#')));
    expect(await s.takeExplainMessages()).toEqual([]);
    const dlq = await s.emulators.sqs.send(new (await import('@aws-sdk/client-sqs')).ReceiveMessageCommand({ QueueUrl: s.queues.detect.dlqUrl, AttributeNames: ['All'] }));
    expect(dlq.Messages ?? []).toEqual([]);
  });

  it('fails a log upload for a source without a model, telling what to upload first', async () => {
    await s.upload('logs/billing/today.log', 'something happened\n');
    await s.runQueues();
    const [run] = await results.reader.listRuns('billing');
    expect(run).toMatchObject({ status: 'FAILED', modelId: 'none' });
    expect(run!.reason).toContain('upload a baseline to baseline/billing/ first');
  });

  it('counts the day in the digest: one done run and two failed ones', async () => {
    const day = new Date().toISOString().slice(0, 10);
    expect(await results.digests.getDigest(day, 'checkout')).toMatchObject({ runs: 2, failedRuns: 1 });
    expect(await results.digests.getDigest(day, 'billing')).toMatchObject({ runs: 1, failedRuns: 1 });
  });
});
