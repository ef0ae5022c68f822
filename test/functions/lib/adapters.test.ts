import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoResultStore, MAX_INLINE_BYTES } from '../../../functions/lib/dynamo-result-store.ts';
import { S3ObjectStore } from '../../../functions/lib/s3-object-store.ts';
import { SqsQueue } from '../../../functions/lib/sqs-queue.ts';
import type { Anomaly } from '../../../shared/detect/types.ts';
import type { RunCounts, SessionRecord } from '../../../shared/ports.ts';
import { createQueueWithDlq, createResultsTable, startEmulators, type Emulators } from '../../support/emulators.ts';

let emulators: Emulators;
const BUCKET = 'adapters';
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);

beforeAll(async () => {
  emulators = await startEmulators({ buckets: [BUCKET] });
  await createResultsTable(emulators, 'results');
});
afterAll(async () => emulators?.close());

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

describe('S3ObjectStore', () => {
  it('streams an object and can open it twice', async () => {
    const store = new S3ObjectStore(emulators.s3, BUCKET);
    await store.put('logs/app/a b.jsonl', '{"msg":"one"}\n{"msg":"two"}\n');
    const info = await store.head('logs/app/a b.jsonl');
    const input = store.input('logs/app/a b.jsonl', info!.etag);
    expect(await readAll(await input.open())).toBe('{"msg":"one"}\n{"msg":"two"}\n');
    expect(await readAll(await input.open())).toBe('{"msg":"one"}\n{"msg":"two"}\n');
    expect(input.transientFailure).toBeUndefined();
  });

  it('gives an opened input its LastModified as modified, and head its lastModified', async () => {
    const store = new S3ObjectStore(emulators.s3, BUCKET);
    const before = Date.now() - 2000;
    await store.put('logs/app/syslog.1', '<34>Mar  2 10:05:00 host app: hello\n');
    const input = store.input('logs/app/syslog.1');
    expect(input.modified).toBeUndefined();
    await readAll(await input.open());
    // S3 keeps whole seconds.
    expect(input.modified).toBeGreaterThanOrEqual(before);
    expect(input.modified).toBeLessThanOrEqual(Date.now());
    expect((await store.head('logs/app/syslog.1'))!.lastModified).toBe(input.modified);
  });

  it('heads, lists sorted, and says undefined for missing objects', async () => {
    const store = new S3ObjectStore(emulators.s3, BUCKET);
    await store.put('baseline/svc/b.log', 'b');
    await store.put('baseline/svc/a.log', 'aa');
    expect((await store.list('baseline/svc/')).map((o) => [o.key, o.size])).toEqual([['baseline/svc/a.log', 2], ['baseline/svc/b.log', 1]]);
    expect(await store.head('nope')).toBeUndefined();
    expect(await store.getText('nope')).toBeUndefined();
  });

  it('lists past one page (s3rver continuation tokens work with the DES mapping)', async () => {
    await emulators.s3.send(new CreateBucketCommand({ Bucket: 'many' }));
    const store = new S3ObjectStore(emulators.s3, 'many');
    await Promise.all(Array.from({ length: 1005 }, (_, i) => emulators.s3.send(new PutObjectCommand({ Bucket: 'many', Key: `p/${String(i).padStart(4, '0')}`, Body: 'x' }))));
    expect((await store.list('p/')).length).toBe(1005);
  });
});

function anomaly(id: string, score: number, type: Anomaly['type'], sessionId?: string): Anomaly {
  return {
    id, type, templateId: 't1', template: 'GET <*>', score, source: 'logs/app/x.log', line: 3, reasons: [{ type, score, detail: 'why' }], count: 1,
    ...(sessionId && { sessionId }),
    context: sessionId
      ? { contextType: 'FULL_SESSION', sessionId, truncated: false, totalLogsInSession: 1, logs: [{ source: 'x', line: 3, message: 'm', anomalous: true }] }
      : { contextType: 'WINDOW', truncated: false, logs: [{ source: 'x', line: 2, message: 'w', anomalous: false }] },
  };
}

const counts: RunCounts = {
  records: 10, sessions: 2, anomalies: 3, knownTemplates: 4, newTemplates: 1, problems: 0,
  byType: { DURATION_SPIKE: 2, TEMPLATE_OUTLIER: 0, NEW_TEMPLATE: 1, ERROR_BURST: 0, SESSION_OUTLIER: 0 },
};

describe('DynamoResultStore', () => {
  const store = () => new DynamoResultStore({ client: emulators.doc, tableName: 'results', overflow: new S3ObjectStore(emulators.s3, BUCKET), now: () => T0 });
  const start = (runId: string, startedAt = T0) => ({ runId, source: 'app', input: { location: 's3://b', key: 'logs/app/x.log', etag: 'e', size: 1 }, modelId: 'm1', startedAt });

  it('creates a run once; a second start returns the stored run', async () => {
    const results = store();
    expect((await results.startRun(start('r-once'))).created).toBe(true);
    const again = await results.startRun({ ...start('r-once'), startedAt: T0 + 5 });
    expect(again).toMatchObject({ created: false, run: { status: 'RUNNING', startedAt: T0 } });
  });

  it('finishes a run only once and counts it in the digest once', async () => {
    const results = store();
    const run = (await results.startRun(start('r-done'))).run;
    expect(await results.finishRun(run, T0 + 10, counts, [])).toBe(true);
    expect(await results.finishRun(run, T0 + 20, counts, [])).toBe(false);
    expect(await results.getRun('r-done')).toMatchObject({ status: 'DONE', finishedAt: T0 + 10, counts });
    expect(await results.getDigest('2026-11-20', 'app')).toMatchObject({ runs: 1, records: 10, anomalies: 3, byType: { DURATION_SPIKE: 2, NEW_TEMPLATE: 1 } });
  });

  it('marks a run FAILED with its reason, and never a DONE one', async () => {
    const results = store();
    await results.startRun(start('r-fail', T0 + 1));
    expect(await results.failRun(start('r-fail'), 'no model', T0 + 2)).toBe(true);
    expect(await results.getRun('r-fail')).toMatchObject({ status: 'FAILED', reason: 'no model' });
    expect(await results.failRun(start('r-done'), 'late', T0 + 3)).toBe(false);
    expect((await results.getRun('r-done'))!.status).toBe('DONE');
  });

  it('lists runs of a source newest first within a time range', async () => {
    const results = store();
    await results.startRun({ ...start('r-old', T0 - 86_400_000), source: 'listing' });
    await results.startRun({ ...start('r-new', T0), source: 'listing' });
    expect((await results.listRuns('listing')).map((r) => r.runId)).toEqual(['r-new', 'r-old']);
    expect((await results.listRuns('listing', { from: T0 - 1000 })).map((r) => r.runId)).toEqual(['r-new']);
  });

  it('lists anomalies by score and by type, and returns one with its session records', async () => {
    const results = store();
    const run = (await results.startRun(start('r-anom'))).run;
    const anomalies = [anomaly('a1', 0.5, 'NEW_TEMPLATE'), anomaly('a2', 0.9, 'DURATION_SPIKE', 's1'), anomaly('a3', 0.7, 'DURATION_SPIKE')];
    const session: SessionRecord = { runId: 'r-anom', sessionId: 's1', totalLogsInSession: 1, truncated: false, logs: anomalies[1]!.context.logs, anomalyIds: ['a2'] };
    await results.putSessions(run, [session]);
    await results.putAnomalies(run, anomalies);
    await results.putAnomalies(run, anomalies);
    expect((await results.listAnomalies('r-anom')).map((a) => a.id)).toEqual(['a2', 'a3', 'a1']);
    expect((await results.listAnomalies('r-anom', { type: 'DURATION_SPIKE' })).map((a) => a.id)).toEqual(['a2', 'a3']);
    expect((await results.getAnomaly('r-anom', 'a2'))!.context.logs).toEqual(session.logs);
    expect((await results.getAnomaly('r-anom', 'a3'))!.context.logs[0]!.message).toBe('w');
    expect(await results.getSession('r-anom', 's1')).toEqual(session);
  });

  it('moves an oversized session record list to S3 and reads it back', async () => {
    const results = store();
    const run = (await results.startRun(start('r-big'))).run;
    const logs = Array.from({ length: 400 }, (_, i) => ({ source: 'x', line: i + 1, message: 'y'.repeat(1000), anomalous: false }));
    expect(JSON.stringify(logs).length).toBeGreaterThan(MAX_INLINE_BYTES);
    await results.putSessions(run, [{ runId: 'r-big', sessionId: 'huge', totalLogsInSession: 400, truncated: false, logs, anomalyIds: [] }]);
    expect((await results.getSession('r-big', 'huge'))!.logs).toHaveLength(400);
  });

  it('hides expired items even before TTL deletes them', async () => {
    const later = new DynamoResultStore({ client: emulators.doc, tableName: 'results', retentionDays: 1, now: () => T0 + 2 * 86_400_000 });
    await later.startRun(start('r-expiring'));
    expect(await later.getRun('r-expiring')).toBeUndefined();
  });

  it('records a model once and lists models of a source newest first', async () => {
    const results = store();
    const model = { source: 'app', artifactKey: 'models/app/m/model.json', trainedFrom: [{ key: 'baseline/app/a', etag: 'e' }], records: 1, sessions: 1, templates: 1 };
    await results.recordModel({ ...model, modelId: 'm-old', trainedAt: T0 });
    await results.recordModel({ ...model, modelId: 'm-new', trainedAt: T0 + 1000 });
    await results.recordModel({ ...model, modelId: 'm-old', trainedAt: T0 + 5000 });
    expect((await results.listModels('app')).map((m) => [m.modelId, m.trainedAt])).toEqual([['m-new', T0 + 1000], ['m-old', T0]]);
  });
});

describe('SqsQueue', () => {
  it('sends more than ten messages in batches of ten', async () => {
    const { url } = await createQueueWithDlq(emulators, 'send-many');
    await new SqsQueue(emulators.sqs, url).send(Array.from({ length: 23 }, (_, i) => ({ i })));
    const seen: number[] = [];
    for (let round = 0; round < 10 && seen.length < 23; round++) {
      const { Messages = [] } = await emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
      for (const m of Messages) {
        seen.push((JSON.parse(m.Body!) as { i: number }).i);
        await emulators.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('retries the entries a batch send reported as failed', async () => {
    let calls = 0;
    const flaky = {
      send: async (command: { input: { Entries: { Id: string }[] } }) => {
        calls++;
        return calls === 1 ? { Successful: [], Failed: [{ Id: command.input.Entries[0]!.Id, SenderFault: false, Code: 'InternalError' }] } : { Successful: command.input.Entries, Failed: [] };
      },
    };
    await new SqsQueue(flaky as never, 'http://q', 1).send([{ a: 1 }, { a: 2 }]);
    expect(calls).toBe(2);
  });
});
