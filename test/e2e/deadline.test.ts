/**
 * A detection that cannot finish before its (artificially short) deadline checkpoints, hands the
 * rest to a follow-up message, and ends with exactly the anomalies an uninterrupted run finds.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import type { Anomaly } from '../../shared/detect/types.ts';
import { lambdaContext } from '../support/lambda.ts';
import { gzip, sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

let s: Scenario;
let results: DynamoResultStores;

beforeAll(async () => {
  s = await startScenario('deadline', { DEADLINE_RESERVE_MS: '1000' });
  results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: new S3ObjectStore(s.emulators.s3, s.bucket) });
  await s.upload('baseline/shop/base.jsonl', await sampleLog('baseline'));
  await s.runQueues();
});
afterAll(async () => s?.close());

/** Each invocation may handle three record batches, then its remaining time drops under the reserve. */
function shortLivedContext() {
  let checks = 0;
  const context = lambdaContext(() => (++checks > 3 ? 500 : 60_000), 'detect');
  return { context, reset: () => { checks = 0; } };
}

const comparable = (anomalies: Anomaly[]) => anomalies.map(({ id: _id, ...rest }) => rest);

// gzip is read again from byte 0 by each follow-up; a plain object is continued with a ranged read.
it.each([
  { kind: 'gzip', suffix: '.jsonl.gz', body: async () => gzip(await sampleLog('incident')) },
  { kind: 'plain', suffix: '.jsonl', body: () => sampleLog('incident') },
])('continues a $kind object past the deadline through follow-up messages, losing and duplicating nothing', async ({ suffix, body }) => {
  const incident = await body();
  const wholeKey = `logs/shop/whole${suffix}`;
  const chunkedKey = `logs/shop/chunked${suffix}`;
  await s.upload(wholeKey, incident);
  await s.runQueues();
  const whole = (await results.reader.listRuns('shop')).find((r) => r.input.key === wholeKey)!;

  await s.upload(chunkedKey, incident);
  const { context, reset } = shortLivedContext();
  // A fresh "invocation" per delivered batch: reset the clock before each handler call.
  const detect = s.detect;
  s.detect = async (event, ctx) => {
    reset();
    return detect(event, ctx);
  };
  await s.runQueues(context);
  s.detect = detect;

  const chunked = (await results.reader.listRuns('shop')).find((r) => r.input.key === chunkedKey)!;
  expect(chunked.status).toBe('DONE');
  expect(chunked.continuations).toBeGreaterThanOrEqual(4);
  expect(chunked.counts).toEqual(whole.counts);
  const a = await Promise.all((await results.reader.listAnomalies(whole.runId)).map((x) => results.reader.getAnomaly(whole.runId, x.id)));
  const b = await Promise.all((await results.reader.listAnomalies(chunked.runId)).map((x) => results.reader.getAnomaly(chunked.runId, x.id)));
  // Same findings, same contexts; only the ids (from the run id) and the object name differ.
  expect(JSON.parse(JSON.stringify(comparable(b as Anomaly[])).replaceAll(chunkedKey, wholeKey))).toEqual(comparable(a as Anomaly[]));
  const messages = await s.takeExplainMessages();
  expect(messages.filter((m) => m.runId === chunked.runId).length).toBe(messages.filter((m) => m.runId === whole.runId).length);
});
