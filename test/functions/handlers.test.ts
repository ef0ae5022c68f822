/** The handlers with the sample events from events/aws/, against the emulators. */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { lambdaContext } from '../support/lambda.ts';
import { sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

let s: Scenario;
let results: DynamoResultStores;
const event = async (name: string) => JSON.parse(await readFile(new URL(`../../events/aws/${name}`, import.meta.url), 'utf8')) as SQSEvent;

beforeAll(async () => {
  // The sample events name the bucket logsleuth-local.
  s = await startScenario('local');
  s.bridge.stop();
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table });
});
afterAll(async () => s?.close());

describe('handlers with the sample events', () => {
  it('train: decodes the URL-encoded key (+ is a space, %23 is #) and records the model', async () => {
    await s.upload('baseline/checkout/baseline day #1.jsonl', await sampleLog('baseline'));
    const response = await s.train(await event('sqs-train-batch.json'), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await results.modelRegistry.listModels('checkout')).toHaveLength(1);
  });

  it('detect: processes the S3 notification, skips the S3 test event, reports no failures', async () => {
    await s.upload('logs/checkout/incident 2026-11-20.jsonl.gz', gzipSync(await sampleLog('incident')));
    const response = await s.detect(await event('sqs-detect-batch.json'), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    const [run] = await results.reader.listRuns('checkout');
    expect(run).toMatchObject({ status: 'DONE', input: { key: 'logs/checkout/incident 2026-11-20.jsonl.gz' } });
  });

  it('detect: reports only the bad message of a batch as failed', async () => {
    const batch = await event('sqs-detect-batch.json');
    const bad = { ...batch.Records[0]!, messageId: 'bad-1', body: '{"not":"an s3 event"}' };
    const response = await s.detect({ Records: [batch.Records[0]!, bad] }, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-1' }] });
  });

  it('detect: a missing object is skipped, not retried', async () => {
    const batch = await event('sqs-detect-batch.json');
    const body = batch.Records[0]!.body.replace('incident+2026-11-20.jsonl.gz', 'gone.jsonl');
    const response = await s.detect({ Records: [{ ...batch.Records[0]!, messageId: 'gone', body }] }, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
  });
});
