/**
 * Debounced training on the emulated services: baseline files uploaded together for one source
 * make one training. The training queue's delivery delay (the quiet period) is the stack's; here
 * the messages simply wait in the queue while the next uploads arrive, as they would during it.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import { drain, lambdaContext, pollOnce, type SqsHandler } from '../support/lambda.ts';
import { sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

let s: Scenario;
let results: DynamoResultStores;
const delivered: string[] = [];
let train: SqsHandler;

beforeAll(async () => {
  s = await startScenario('debounce');
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: new S3ObjectStore(s.emulators.s3, s.bucket) });
  // The real handler, noting which object each delivered message is about.
  train = async (event: SQSEvent, context) => {
    for (const r of event.Records) delivered.push(decodeURIComponent((JSON.parse(r.body) as { Records: { s3: { object: { key: string } } }[] }).Records[0]!.s3.object.key));
    return s.train(event, context);
  };
}, 60_000);
afterAll(async () => s?.close());

describe('training', () => {
  it('runs once for files uploaded together: only the newest upload\'s message trains, on all of them', async () => {
    const baseline = (await sampleLog('baseline')).toString().split('\n');
    const part = (i: number) => baseline.slice(i * 3000, (i + 1) * 3000).join('\n');
    await s.upload('baseline/shop/part-1.jsonl', part(0));
    await s.upload('baseline/shop/part-2.jsonl', part(1));

    // The first message comes due while the upload goes on: a newer part exists, so it trains nothing.
    await pollOnce(s.emulators, s.queues.train.url, train, lambdaContext(undefined, 'train'), 1);
    expect(delivered).toEqual(['baseline/shop/part-1.jsonl']);
    expect(await results.modelRegistry.listModels('shop')).toEqual([]);

    await s.upload('baseline/shop/part-3.jsonl', part(2));
    await drain(s.emulators, [{ queueUrl: s.queues.train.url, handler: train, context: lambdaContext(undefined, 'train') }]);

    expect(delivered).toHaveLength(3);
    const models = await results.modelRegistry.listModels('shop');
    expect(models).toHaveLength(1);
    expect(models[0]!.trainedFrom.map((o) => o.key)).toEqual(['baseline/shop/part-1.jsonl', 'baseline/shop/part-2.jsonl', 'baseline/shop/part-3.jsonl']);
  }, 60_000);
});
