/** The DynamoDB adapters of the result-store ports (functions/lib/dynamo/), against dynalite and s3rver. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, MAX_INLINE_BYTES } from '../../../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../../../functions/lib/s3-object-store.ts';
import type { Anomaly } from '../../../../shared/detect/types.ts';
import type { RunCounts, SessionRecord } from '../../../../shared/ports.ts';
import { createResultsTable, startEmulators, type Emulators } from '../../../support/emulators.ts';

let emulators: Emulators;
const BUCKET = 'result-stores';
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);

beforeAll(async () => {
  emulators = await startEmulators({ buckets: [BUCKET] });
  await createResultsTable(emulators, 'results');
});
afterAll(async () => emulators?.close());

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

describe('the DynamoDB result stores', () => {
  const store = () => dynamoResultStores({ client: emulators.doc, tableName: 'results', overflow: new S3ObjectStore(emulators.s3, BUCKET), now: () => T0 });
  const start = (runId: string, startedAt = T0) => ({ runId, source: 'app', input: { location: 's3://b', key: 'logs/app/x.log', etag: 'e', size: 1 }, modelId: 'm1', startedAt });

  it('creates a run once; a second start returns the stored run', async () => {
    const results = store();
    expect((await results.runs.startRun(start('r-once'))).created).toBe(true);
    const again = await results.runs.startRun({ ...start('r-once'), startedAt: T0 + 5 });
    expect(again).toMatchObject({ created: false, run: { status: 'RUNNING', startedAt: T0 } });
  });

  it('finishes a run only once and counts it in the digest once', async () => {
    const results = store();
    const run = (await results.runs.startRun(start('r-done'))).run;
    expect(await results.runs.finishRun(run, T0 + 10, counts, [])).toBe(true);
    expect(await results.runs.finishRun(run, T0 + 20, counts, [])).toBe(false);
    expect(await results.reader.getRun('r-done')).toMatchObject({ status: 'DONE', finishedAt: T0 + 10, counts });
    expect(await results.digests.getDigest('2026-11-20', 'app')).toMatchObject({ runs: 1, records: 10, anomalies: 3, byType: { DURATION_SPIKE: 2, NEW_TEMPLATE: 1 } });
  });

  it('marks a run FAILED with its reason, and never a DONE one', async () => {
    const results = store();
    await results.runs.startRun(start('r-fail', T0 + 1));
    expect(await results.runs.failRun(start('r-fail'), 'no model', T0 + 2)).toBe(true);
    expect(await results.reader.getRun('r-fail')).toMatchObject({ status: 'FAILED', reason: 'no model' });
    expect(await results.runs.failRun(start('r-done'), 'late', T0 + 3)).toBe(false);
    expect((await results.reader.getRun('r-done'))!.status).toBe('DONE');
  });

  it('lists runs of a source newest first within a time range', async () => {
    const results = store();
    await results.runs.startRun({ ...start('r-old', T0 - 86_400_000), source: 'listing' });
    await results.runs.startRun({ ...start('r-new', T0), source: 'listing' });
    expect((await results.reader.listRuns('listing')).map((r) => r.runId)).toEqual(['r-new', 'r-old']);
    expect((await results.reader.listRuns('listing', { from: T0 - 1000 })).map((r) => r.runId)).toEqual(['r-new']);
  });

  it('lists anomalies by score and by type, and returns one with its session records', async () => {
    const results = store();
    const run = (await results.runs.startRun(start('r-anom'))).run;
    const anomalies = [anomaly('a1', 0.5, 'NEW_TEMPLATE'), anomaly('a2', 0.9, 'DURATION_SPIKE', 's1'), anomaly('a3', 0.7, 'DURATION_SPIKE')];
    const session: SessionRecord = { runId: 'r-anom', sessionId: 's1', totalLogsInSession: 1, truncated: false, logs: anomalies[1]!.context.logs, anomalyIds: ['a2'] };
    await results.findings.putSessions(run, [session]);
    await results.findings.putAnomalies(run, anomalies);
    await results.findings.putAnomalies(run, anomalies);
    expect((await results.reader.listAnomalies('r-anom')).map((a) => a.id)).toEqual(['a2', 'a3', 'a1']);
    expect((await results.reader.listAnomalies('r-anom', { type: 'DURATION_SPIKE' })).map((a) => a.id)).toEqual(['a2', 'a3']);
    expect((await results.reader.getAnomaly('r-anom', 'a2'))!.context.logs).toEqual(session.logs);
    expect((await results.reader.getAnomaly('r-anom', 'a3'))!.context.logs[0]!.message).toBe('w');
    expect(await results.reader.getSession('r-anom', 's1')).toEqual(session);
  });

  it('moves an oversized session record list to S3 and reads it back', async () => {
    const results = store();
    const run = (await results.runs.startRun(start('r-big'))).run;
    const logs = Array.from({ length: 400 }, (_, i) => ({ source: 'x', line: i + 1, message: 'y'.repeat(1000), anomalous: false }));
    expect(JSON.stringify(logs).length).toBeGreaterThan(MAX_INLINE_BYTES);
    await results.findings.putSessions(run, [{ runId: 'r-big', sessionId: 'huge', totalLogsInSession: 400, truncated: false, logs, anomalyIds: [] }]);
    expect((await results.reader.getSession('r-big', 'huge'))!.logs).toHaveLength(400);
  });

  it('hides expired items even before TTL deletes them', async () => {
    const later = dynamoResultStores({ client: emulators.doc, tableName: 'results', retentionDays: 1, now: () => T0 + 2 * 86_400_000 });
    await later.runs.startRun(start('r-expiring'));
    expect(await later.reader.getRun('r-expiring')).toBeUndefined();
  });

  it('records a model once and lists models of a source newest first', async () => {
    const results = store();
    const model = { source: 'app', artifactKey: 'models/app/m/model.json', trainedFrom: [{ key: 'baseline/app/a', etag: 'e' }], records: 1, sessions: 1, templates: 1 };
    await results.modelRegistry.recordModel({ ...model, modelId: 'm-old', trainedAt: T0 });
    await results.modelRegistry.recordModel({ ...model, modelId: 'm-new', trainedAt: T0 + 1000 });
    await results.modelRegistry.recordModel({ ...model, modelId: 'm-old', trainedAt: T0 + 5000 });
    expect((await results.modelRegistry.listModels('app')).map((m) => [m.modelId, m.trainedAt])).toEqual([['m-new', T0 + 1000], ['m-old', T0]]);
  });
});
