/**
 * Real formats through the AWS pipeline, with no source config: objects named and packed the way AWS
 * delivers them (ALB's gzip access logs, Firehose's extension-less objects of CloudWatch Logs
 * subscription payloads, a Java service's log4j text) are uploaded to the emulated bucket, the
 * S3 → queue bridge and the real train/detect handlers do the rest, and the stored findings are the
 * ones `test/cli/real-formats.test.ts` gets from the CLI for the same generated logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import type { Anomaly } from '../../shared/detect/types.ts';
import type { RunRecord } from '../../shared/ports.ts';
import { expectWholeInvocation, REAL_INCIDENTS } from '../support/real-logs.ts';
import { startScenario, type Scenario } from '../support/scenario.ts';

let s: Scenario;
let results: DynamoResultStores;

beforeAll(async () => {
  s = await startScenario('realfmt');
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: new S3ObjectStore(s.emulators.s3, s.bucket) });
});
afterAll(async () => s?.close());


/** Uploads the baseline and trains, then uploads the incident and detects; returns the incident's run. */
async function trainThenDetect(source: string, baseline: { key: string; body: string | Uint8Array }, incident: { key: string; body: string | Uint8Array }): Promise<RunRecord> {
  await s.upload(baseline.key, baseline.body);
  await s.runQueues();
  expect(await results.modelRegistry.listModels(source), `no model trained from ${baseline.key}`).toHaveLength(1);

  await s.upload(incident.key, incident.body);
  await s.runQueues();
  const runs = await results.reader.listRuns(source);
  expect(runs.map((r) => r.input.key)).toEqual([incident.key]);
  expect(runs[0], runs[0]?.reason).toMatchObject({ status: 'DONE' });
  return runs[0]!;
}

/** The table's raw item for one anomaly or session of a run (to see where its records are kept). */
async function rawItem(runId: string, sk: string): Promise<Record<string, unknown>> {
  const item = (await s.items()).find((i) => i.PK === `RUN#${runId}` && i.SK === sk);
  expect(item, `no item RUN#${runId} / ${sk}`).toBeDefined();
  return item!;
}

const summary = (anomalies: Anomaly[]) => JSON.stringify(anomalies.map((a) => [a.type, a.template, a.score, a.context.contextType]));

describe('ALB access logs, gzip, under AWS\'s own key layout', () => {
  const albKey = (prefix: string, day: string) =>
    `${prefix}/shop-lb/AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/03/${day}/123456789012_elasticloadbalancing_us-east-1_app.shop-lb.50dc6c495c0c9188_202603${day}T1005Z_10.0.0.1_2abc.log.gz`;
  let run: RunRecord;
  let anomalies: Anomaly[];

  beforeAll(async () => {
    run = await trainThenDetect('shop-lb',
      { key: albKey('baseline', '02'), body: REAL_INCIDENTS.alb.baseline() },
      { key: albKey('logs', '03'), body: REAL_INCIDENTS.alb.incident() });
    anomalies = await results.reader.listAnomalies(run.runId);
  });

  it('reads every request line as one record', () => {
    expect(run.counts).toMatchObject({ records: 3000 });
  });

  it('stores the slow target as a duration spike on POST /api/checkout, and nothing else', async () => {
    expect(anomalies[0], summary(anomalies)).toMatchObject({ type: 'DURATION_SPIKE', template: 'POST /api/checkout' });
    expect(anomalies.filter((a) => a.type !== 'DURATION_SPIKE'), summary(anomalies)).toEqual([]);
  });

  it('anchors the spike on a request served by 10.0.1.12:8080 that took over 4 s, in its trace\'s session', async () => {
    const spike = (await results.reader.getAnomaly(run.runId, anomalies[0]!.id))!;
    expect(spike.sessionId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const anchor = spike.context.logs.find((log) => log.anomalous);
    expect(anchor, JSON.stringify(spike.context)).toMatchObject({ service: '10.0.1.12:8080', level: 'INFO' });
    expect(anchor!.durationMs).toBeGreaterThan(4000);
    const session = await results.reader.getSession(run.runId, spike.sessionId!);
    expect(session?.anomalyIds).toContain(spike.id);
  });
});

describe('Lambda logs in Firehose objects (CloudWatch Logs subscription), extension-less names', () => {
  const BASELINE_KEY = 'baseline/checkout/2026/03/02/10/checkout-stream-1-2026-03-02-10-05-00-0b4f3c0e';
  const INCIDENT_KEY = 'logs/checkout/2026/03/03/10/checkout-stream-1-2026-03-03-10-05-00-7d1e9a2b';
  let run: RunRecord;
  let top: Anomaly;

  beforeAll(async () => {
    run = await trainThenDetect('checkout',
      { key: BASELINE_KEY, body: REAL_INCIDENTS.firehose.baseline() },
      { key: INCIDENT_KEY, body: REAL_INCIDENTS.firehose.incident() });
    [top] = await results.reader.listAnomalies(run.runId);
  });

  it('reads the log events of every invocation (five each), not the control message', () => {
    expect(run.counts).toMatchObject({ records: 2000, sessions: 400 });
  });

  it('ranks the timeout first, with its whole invocation as context: START to REPORT, 3000 ms', async () => {
    expect(top).toMatchObject({ template: 'Task timed out after {num} seconds', context: { contextType: 'FULL_SESSION' } });
    expectWholeInvocation((await results.reader.getAnomaly(run.runId, top.id))!.context.logs);
  });

  it('keeps the invocation\'s records once, in the session item, which lists the timeout', async () => {
    const anomalyItem = await rawItem(run.runId, `ANOMALY#${top.id}`);
    expect(anomalyItem).toMatchObject({ logsInSession: true, context: { logs: [] } });
    const sessionItem = await rawItem(run.runId, `SESSION#${top.context.sessionId}`);
    expect(sessionItem.spillKey).toBeUndefined();
    expect(sessionItem).toMatchObject({ totalLogsInSession: 5, truncated: false, anomalyIds: expect.arrayContaining([top.id]) });
    expect((sessionItem.logs as unknown[]).length).toBe(5);
  });
});

describe('a Java service\'s log4j text log', () => {
  let run: RunRecord;
  let anomalies: Anomaly[];

  beforeAll(async () => {
    run = await trainThenDetect('orders',
      { key: 'baseline/orders/orders-service.log', body: REAL_INCIDENTS.java.baseline() },
      { key: 'logs/orders/orders-service.log', body: REAL_INCIDENTS.java.incident() });
    anomalies = await results.reader.listAnomalies(run.runId);
  });

  it('reads the stack trace as part of its event: 3000 records', () => {
    expect(run.counts).toMatchObject({ records: 3000 });
  });

  it('stores the exception as one finding, with the 6-line stack trace on its anchor record', async () => {
    expect(anomalies, summary(anomalies)).toHaveLength(1);
    expect(anomalies[0]).toMatchObject({ type: 'NEW_TEMPLATE', template: 'Failed to reserve stock for order {num}', count: 1 });
    const finding = (await results.reader.getAnomaly(run.runId, anomalies[0]!.id))!;
    const anchor = finding.context.logs.find((log) => log.anomalous);
    expect(anchor, JSON.stringify(finding.context)).toMatchObject({ level: 'ERROR', service: 'c.s.orders.OrderService' });
    expect(anchor!.detail!.split('\n')).toHaveLength(6);
    expect(anchor!.detail).toContain('Caused by: java.sql.SQLTransientConnectionException');
  });
});
