/**
 * The nightly job end to end against the emulated services: a baseline trained and an incident
 * detected by the real handlers, one upload whose S3 event was lost, then the nightly handler:
 * the lost upload is queued and detected, the baseline rolls forward, the digest gets its top
 * anomalies, the report lands in reports/<day>.html; and a repeated run changes nothing.
 */
import { readFile } from 'node:fs/promises';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import { Baseline } from '../../shared/baseline/baseline.ts';
import type { NightlyOutcome } from '../../shared/pipeline/stages/nightly.ts';
import { lambdaContext } from '../support/lambda.ts';
import { sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

type NightlyHandler = (event: unknown, context: Context) => Promise<NightlyOutcome>;

let s: Scenario;
let nightly: NightlyHandler;
let results: DynamoResultStores;
const day = new Date().toISOString().slice(0, 10);
const MISSED_KEY = 'logs/checkout/lost event.jsonl';

beforeAll(async () => {
  s = await startScenario('nightly', { HISTORY_DAYS: '3' });
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: new S3ObjectStore(s.emulators.s3, s.bucket) });
  await s.upload('baseline/checkout/day1.jsonl', await sampleLog('baseline'));
  await s.runQueues();
  await s.upload('logs/checkout/incident.jsonl', await sampleLog('incident'));
  await s.runQueues();
  // An upload whose notification never arrived: written straight to the bucket, bridge stopped.
  s.bridge.stop();
  await s.emulators.s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: MISSED_KEY, Body: await sampleLog('clean') }));
  nightly = (await import('../../functions/nightly/handler.ts')).handler as unknown as NightlyHandler;
});
afterAll(async () => s?.close());

async function objects(): Promise<Record<string, string>> {
  const out = await s.emulators.s3.send(new ListObjectsV2Command({ Bucket: s.bucket }));
  return Object.fromEntries((out.Contents ?? []).map((o) => [o.Key!, o.ETag!]));
}

async function text(key: string): Promise<string> {
  return (await s.emulators.s3.send(new GetObjectCommand({ Bucket: s.bucket, Key: key }))).Body!.transformToString();
}

describe('the nightly job', () => {
  let first: NightlyOutcome;

  it('queues the upload whose event was lost, and detection then runs it', async () => {
    // The scheduled event fires the next morning: it reports on the day before.
    const scheduled = JSON.parse(await readFile(new URL('../../events/aws/eventbridge-scheduled.json', import.meta.url), 'utf8')) as { time: string };
    scheduled.time = new Date(Date.parse(`${day}T02:00:00Z`) + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    first = await nightly(scheduled, lambdaContext(undefined, 'nightly'));
    expect(first.day).toBe(day);
    const [checkout] = first.sources;
    expect(checkout!.missed).toEqual([MISSED_KEY]);
    expect((await results.reader.listRuns('checkout')).some((r) => r.input.key === MISSED_KEY)).toBe(false);
    await s.runQueues();
    const runs = await results.reader.listRuns('checkout');
    expect(runs.find((r) => r.input.key === MISSED_KEY)).toMatchObject({ status: 'DONE' });
  });

  it('rolls the baseline forward: a new current model whose statistics are the anchor\'s merged with the day\'s', async () => {
    const roll = first.sources[0]!.roll;
    expect(roll).toMatchObject({ status: 'ROLLED', days: [day] });
    const pointer = JSON.parse(await text('models/checkout/current')) as { modelId: string; rolled: { anchorModelId: string; days: string[] } };
    expect(pointer.modelId).toBe((roll as { modelId: string }).modelId);
    expect(pointer.rolled.days).toEqual([day]);
    expect(pointer.rolled.anchorModelId).not.toBe(pointer.modelId);
    const anchor = JSON.parse(await text(`models/checkout/${pointer.rolled.anchorModelId}/model.json`)) as { baseline: unknown };
    const rolled = JSON.parse(await text(`models/checkout/${pointer.modelId}/model.json`)) as { baseline: unknown };
    const slice = Baseline.fromJSON(JSON.parse(await text(`rolling/checkout/days/${day}.json`)));
    const anchorRecords = Baseline.fromJSON(anchor.baseline).totals.records;
    expect(slice.totals.records).toBeGreaterThan(10_000);
    expect(Baseline.fromJSON(rolled.baseline).totals.records).toBe(anchorRecords + slice.totals.records);
    expect((await results.modelRegistry.listModels('checkout')).map((m) => m.modelId)).toContain(pointer.modelId);
  });

  it('writes the day\'s digest with its top anomalies and a self-contained report to reports/<day>.html', async () => {
    const digest = await results.digests.getDigest(day, 'checkout');
    expect(digest!.top!.length).toBeGreaterThan(3);
    expect(digest!.reportKey).toBe(`reports/${day}.html`);
    const scores = digest!.top!.map((a) => a.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const html = await text(`reports/${day}.html`);
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
    expect(again.sources[0]).toMatchObject({ missed: [], roll: { status: 'UNCHANGED' } });
    expect(again.reportWritten).toBe(false);
    expect(await s.items()).toEqual(items);
    expect(await objects()).toEqual(stored);
    expect(await s.runQueues()).toBe(0);
  });
});
