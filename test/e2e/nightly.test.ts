/**
 * The nightly job end to end against the emulated services: a baseline trained and an incident
 * detected by the real handlers, one upload whose S3 event was lost, then the scheduled nightly
 * handler fans the day out per source and the per-source worker runs it: the lost upload is queued
 * and detected, the baseline rolls forward without the incident, the digest gets its top anomalies,
 * the report lands in reports/<day>/<source>.html; a repeated run changes nothing; and the same
 * incident the next day is found again.
 */
import { readFile } from 'node:fs/promises';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import { Baseline } from '../../shared/baseline/baseline.ts';
import type { Anomaly } from '../../shared/detect/types.ts';
import { ingest } from '../../shared/ingest/ingest.ts';
import { IngestReport } from '../../shared/ingest/report.ts';
import { modelFromJSON, type Model } from '../../shared/model/model.ts';
import type { NightlyOutcome } from '../../shared/pipeline/stages/nightly.ts';
import { trainModel } from '../../shared/pipeline/train.ts';
import { createQueueWithDlq } from '../support/emulators.ts';
import { drain, encodeS3Key, lambdaContext, type SqsHandler } from '../support/lambda.ts';
import { sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

type NightlyHandler = (event: unknown, context: Context) => Promise<NightlyOutcome & { queued?: string[] }>;

let s: Scenario;
let nightly: NightlyHandler;
let worker: SqsHandler;
let nightlyQueue: { url: string; dlqUrl: string };
let results: DynamoResultStores;
let incidentRun: string;
const day = new Date().toISOString().slice(0, 10);
const MISSED_KEY = 'logs/checkout/lost event.jsonl';

beforeAll(async () => {
  s = await startScenario('nightly', { HISTORY_DAYS: '3' });
  nightlyQueue = await createQueueWithDlq(s.emulators, 'nightly-source', { maxReceiveCount: 3 });
  process.env.NIGHTLY_QUEUE_URL = nightlyQueue.url;
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: new S3ObjectStore(s.emulators.s3, s.bucket) });
  await s.upload('baseline/checkout/day1.jsonl', await sampleLog('baseline'));
  await s.runQueues();
  await s.upload('logs/checkout/incident.jsonl', await sampleLog('incident'));
  await s.runQueues();
  incidentRun = (await results.reader.listRuns('checkout')).find((r) => r.input.key === 'logs/checkout/incident.jsonl')!.runId;
  // An upload whose notification never arrived: written straight to the bucket, bridge stopped.
  s.bridge.stop();
  await s.emulators.s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: MISSED_KEY, Body: await sampleLog('clean') }));
  nightly = (await import('../../functions/nightly/handler.ts')).handler as unknown as NightlyHandler;
  worker = (await import('../../functions/nightly-source/handler.ts')).handler as SqsHandler;
}, 120_000);
afterAll(async () => {
  delete process.env.NIGHTLY_QUEUE_URL;
  await s?.close();
});

async function objects(): Promise<Record<string, string>> {
  const out = await s.emulators.s3.send(new ListObjectsV2Command({ Bucket: s.bucket }));
  return Object.fromEntries((out.Contents ?? []).map((o) => [o.Key!, o.ETag!]));
}

async function text(key: string): Promise<string> {
  return (await s.emulators.s3.send(new GetObjectCommand({ Bucket: s.bucket, Key: key }))).Body!.transformToString();
}

async function model(modelId: string): Promise<Model> {
  return modelFromJSON(JSON.parse(await text(`models/checkout/${modelId}/model.json`)));
}

async function newTemplates(runId: string): Promise<Anomaly[]> {
  return results.reader.listAnomalies(runId, { type: 'NEW_TEMPLATE', limit: 500 });
}

describe('the nightly job', () => {
  it('fans the day out, one message per source, and the worker queues the upload whose event was lost', async () => {
    // The scheduled event fires the next morning: it reports on the day before.
    const scheduled = JSON.parse(await readFile(new URL('../../events/aws/eventbridge-scheduled.json', import.meta.url), 'utf8')) as { time: string };
    scheduled.time = new Date(Date.parse(`${day}T02:00:00Z`) + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const fanOut = await nightly(scheduled, lambdaContext(undefined, 'nightly'));
    expect(fanOut).toMatchObject({ day, queued: ['checkout'] });
    expect(await drain(s.emulators, [{ queueUrl: nightlyQueue.url, handler: worker, context: lambdaContext(undefined, 'nightly-source') }])).toBe(1);
    expect((await results.reader.listRuns('checkout')).some((r) => r.input.key === MISSED_KEY)).toBe(false);
    await s.runQueues();
    const runs = await results.reader.listRuns('checkout');
    expect(runs.find((r) => r.input.key === MISSED_KEY)).toMatchObject({ status: 'DONE' });
  });

  it('rolls the baseline forward: a new current model whose statistics are the anchor\'s merged with the day\'s', async () => {
    const pointer = JSON.parse(await text('models/checkout/current')) as { modelId: string; rolled: { anchorModelId: string; days: string[] } };
    expect(pointer.rolled.days).toEqual([day]);
    expect(pointer.rolled.anchorModelId).not.toBe(pointer.modelId);
    const anchor = JSON.parse(await text(`models/checkout/${pointer.rolled.anchorModelId}/model.json`)) as { baseline: unknown };
    const rolled = JSON.parse(await text(`models/checkout/${pointer.modelId}/model.json`)) as { baseline: unknown };
    const slice = Baseline.fromJSON(JSON.parse(await text(`rolling/checkout/days/${day}.json`)));
    const anchorRecords = Baseline.fromJSON(anchor.baseline).totals.records;
    expect(slice.totals.records).toBeGreaterThan(5_000);
    expect(Baseline.fromJSON(rolled.baseline).totals.records).toBe(anchorRecords + slice.totals.records);
    expect((await results.modelRegistry.listModels('checkout')).map((m) => m.modelId)).toContain(pointer.modelId);
  });

  it('leaves the incident out of the rolled model: its new templates stay unknown (they would be known without the exclusion)', async () => {
    const found = await newTemplates(incidentRun);
    expect(found.length).toBeGreaterThan(0);
    const pointer = JSON.parse(await text('models/checkout/current')) as { modelId: string };
    const rolled = await model(pointer.modelId);
    for (const a of found) expect(rolled.miner.match(a.message!), a.template).toBe(-1);
    // Control: the same roll without the exclusion (baseline + the whole incident day) learns them.
    const store = new S3ObjectStore(s.emulators.s3, s.bucket);
    const naive = await trainModel(ingest([store.input('baseline/checkout/day1.jsonl'), store.input('logs/checkout/incident.jsonl')], {}, new IngestReport()));
    expect(found.filter((a) => naive.miner.match(a.message!) >= 0).length).toBe(found.length);
  }, 60_000);

  it('writes the day\'s digest with its top anomalies and a self-contained report to reports/<day>/<source>.html', async () => {
    const digest = await results.digests.getDigest(day, 'checkout');
    expect(digest!.top!.length).toBeGreaterThan(3);
    expect(digest!.reportKey).toBe(`reports/${day}/checkout.html`);
    const scores = digest!.top!.map((a) => a.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const html = await text(`reports/${day}/checkout.html`);
    expect(html).toContain(`logsleuth nightly report ${day}`);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
    expect(html).toContain(digest!.top![0]!.anomalyId);
  });

  it('changes nothing when it runs again for the same day', async () => {
    // The lost upload's run (detected after the first night run) is now in the day: one more run settles it.
    await nightly({ day }, lambdaContext(undefined, 'nightly'));
    const items = await s.items();
    const stored = await objects();
    const again = await nightly({ day }, lambdaContext(undefined, 'nightly'));
    expect(again.sources[0]).toMatchObject({ missed: [], stuck: [], roll: { status: 'UNCHANGED' }, digest: { reportWritten: false } });
    expect(again.sources[0]!.steps).toEqual({ requeue: 'DONE', roll: 'DONE', digest: 'DONE' });
    expect(await s.items()).toEqual(items);
    expect(await objects()).toEqual(stored);
    expect(await s.runQueues()).toBe(0);
  });

  it('finds the same incident again the next day, with the rolled model', async () => {
    const key = 'logs/checkout/incident again.jsonl';
    await s.emulators.s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: key, Body: await sampleLog('incident') }));
    await s.emulators.sqs.send(new SendMessageCommand({
      QueueUrl: s.queues.detect.url,
      MessageBody: JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: s.bucket }, object: { key: encodeS3Key(key) } } }] }),
    }));
    await s.runQueues();
    const pointer = JSON.parse(await text('models/checkout/current')) as { modelId: string };
    const again = (await results.reader.listRuns('checkout')).find((r) => r.input.key === key)!;
    expect(again).toMatchObject({ status: 'DONE', modelId: pointer.modelId });
    const before = (await newTemplates(incidentRun)).map((a) => a.template).sort();
    const after = (await newTemplates(again.runId)).map((a) => a.template).sort();
    expect(after).toEqual(before);
  }, 60_000);
});
